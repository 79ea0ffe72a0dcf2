"""Capacity: base weights packed into ROM words, and KV tokens that fit beside LoRA in SRAM."""

from __future__ import annotations

import math
from dataclasses import dataclass

from romalayout.chip.models import ModelConfig
from romalayout.chip.spec import ChipSpec
from romalayout.errors import InputError

MIB = 1 << 20


@dataclass(frozen=True)
class RomPart:
    """One part of the base model in ROM: weight words, FP16 scales, UInt2 zero points."""

    name: str
    weights: int
    groups: int
    weight_bytes: int  # whole ROM words, padding included
    pad_bytes: int  # of weight_bytes: bits of partly filled groups/words
    scale_bytes: int
    zero_point_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weight_bytes + self.scale_bytes + self.zero_point_bytes

    def to_json(self) -> dict:
        return {"name": self.name, "weights": self.weights, "groups": self.groups, "weight_bytes": self.weight_bytes,
                "pad_bytes": self.pad_bytes, "scale_bytes": self.scale_bytes,
                "zero_point_bytes": self.zero_point_bytes, "total_bytes": self.total_bytes}


@dataclass(frozen=True)
class RomPacking:
    """The whole base model in ROM beside the chip's ROM capacity.

    The untied input-embedding table (Llama-3-8B) is a lookup, not a GEMV, so it does not
    need an L-unit; it is listed separately (`input_embedding`) and is not counted in
    `total_bytes`. `fits_with_input_embedding` says whether it would fit in ROM as well."""

    model: str
    parts: tuple[RomPart, ...]
    input_embedding: RomPart | None
    capacity_bytes: int

    @property
    def total_bytes(self) -> int:
        return sum(p.total_bytes for p in self.parts)

    @property
    def fits(self) -> bool:
        return self.total_bytes <= self.capacity_bytes

    @property
    def fits_with_input_embedding(self) -> bool:
        extra = self.input_embedding.total_bytes if self.input_embedding else 0
        return self.total_bytes + extra <= self.capacity_bytes

    def to_json(self) -> dict:
        return {"model": self.model, "parts": [p.to_json() for p in self.parts],
                "input_embedding": self.input_embedding.to_json() if self.input_embedding else None,
                "total_bytes": self.total_bytes, "capacity_bytes": self.capacity_bytes,
                "utilization": self.total_bytes / self.capacity_bytes, "fits": self.fits,
                "fits_with_input_embedding": self.fits_with_input_embedding}


def _pack(name: str, out_features: int, in_features: int, copies: int, bits: int, spec: ChipSpec) -> RomPart:
    g = spec["l_unit.group_size_weights"]
    groups = out_features * math.ceil(in_features / g) * copies
    word_bits = spec["l_unit.rom_word_bits"]
    words_per_group = math.ceil(g * bits / word_bits)
    weight_bytes = groups * words_per_group * word_bits // 8
    weights = out_features * in_features * copies
    return RomPart(
        name=name, weights=weights, groups=groups, weight_bytes=weight_bytes,
        pad_bytes=weight_bytes - weights * bits // 8,
        scale_bytes=groups * spec["l_unit.scale_bits"] // 8,
        zero_point_bytes=math.ceil(groups * spec["l_unit.zero_point_bits"] / 8),
    )


def rom_packing(model: ModelConfig, spec: ChipSpec) -> RomPacking:
    """Bytes of every part of the base model once packed into ROM words."""
    parts = []
    for l in model.linears():
        copies = model.layers if l.per_layer else 1
        name = l.name + (" (tied input embedding)" if not l.per_layer and model.tied_embeddings else "")
        parts.append(_pack(name, l.out_features, l.in_features, copies, model.base_bits, spec))
    emb = None if model.tied_embeddings else _pack("input embedding (lookup)", model.vocab, model.hidden, 1, model.base_bits, spec)
    capacity = int(round(spec["l_unit.rom_capacity_mib"] * MIB))
    return RomPacking(model.name, tuple(parts), emb, capacity)


@dataclass(frozen=True)
class KvCapacity:
    """How many tokens of KV cache fit in the H-unit SRAM beside the LoRA weights."""

    model: str
    rank: int
    sram_bytes: int
    lora_bytes: int
    kv_bytes_per_token: int
    units: int
    max_tokens: int

    def to_json(self) -> dict:
        return {"model": self.model, "rank": self.rank, "sram_bytes": self.sram_bytes, "lora_bytes": self.lora_bytes,
                "kv_bytes_per_token": self.kv_bytes_per_token, "h_units": self.units, "max_tokens": self.max_tokens}


def lora_bytes(model: ModelConfig, rank: int, spec: ChipSpec) -> int:
    """SRAM bytes of all LoRA A and B matrices at `rank` (FP8 by default)."""
    return model.lora_params(rank) * spec["h_unit.lora_weight_bytes"]


def kv_bytes_per_token(model: ModelConfig, spec: ChipSpec) -> int:
    return model.kv_elements_per_token() * spec["h_unit.kv_bytes_per_element"]


def max_kv_tokens(model: ModelConfig, rank: int, sram_mib: float, spec: ChipSpec) -> KvCapacity:
    """Largest KV length storable in `sram_mib` MiB of H-unit SRAM with rank-`rank` LoRA.

    SRAM, LoRA and each token's KV are striped evenly over the H-units; every unit must hold
    its share, so shares are rounded up per unit. Tokens are allocated in pages of
    `capacity.kv_page_tokens`."""
    if rank < 0:
        raise InputError("LoRA rank must be >= 0, got %d" % rank)
    if not sram_mib >= 0:
        raise InputError("SRAM size must be >= 0 MiB, got %s" % sram_mib)
    units = spec.matrix_units
    sram = int(sram_mib * MIB)
    lora = lora_bytes(model, rank, spec)
    kv = kv_bytes_per_token(model, spec)
    free_per_unit = sram // units - math.ceil(lora / units)
    per_token_per_unit = math.ceil(kv / units)
    page = spec["capacity.kv_page_tokens"]
    tokens = max(0, free_per_unit) // per_token_per_unit
    return KvCapacity(model.name, rank, sram, lora, kv, units, tokens // page * page)


def paper_implied_kv(sram1_mib: float, tokens1: int, sram2_mib: float, tokens2: int) -> tuple[float, float]:
    """(KV bytes per token, other SRAM bytes) implied by two points of the paper's Fig. 10."""
    per_token = (sram2_mib - sram1_mib) * MIB / (tokens2 - tokens1)
    return per_token, sram1_mib * MIB - tokens1 * per_token
