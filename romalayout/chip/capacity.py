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
    if model.bias_elements():
        # biases are FP16 constants of the base model, kept in ROM beside it (read by the vector units)
        n = model.bias_elements()
        parts.append(RomPart("bias (%s, FP16)" % ",".join(model.bias_projections), n, 0, n * 2, 0, 0, 0))
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


@dataclass(frozen=True)
class Fit:
    """Does a point fit the chip? ROM: the base model; SRAM: LoRA + the batch's KV cache.

    `kv_tokens_per_sequence` is what each sequence keeps (its tokens, or the sliding window).
    Spill: what an external memory must hold when it does not fit (see perf.spill)."""

    model: str
    rank: int
    batch: int
    kv_tokens_per_sequence: int
    rom_bytes: int
    rom_capacity_bytes: int
    lora_bytes: int
    kv_bytes_per_token: int
    sram_capacity_bytes: int
    max_kv_tokens: int  # over the whole batch, beside the LoRA weights
    lora_fits: bool

    @property
    def kv_tokens(self) -> int:
        return self.batch * self.kv_tokens_per_sequence

    @property
    def rom(self) -> bool:
        return self.rom_bytes <= self.rom_capacity_bytes

    @property
    def sram(self) -> bool:
        return self.lora_fits and self.kv_tokens <= self.max_kv_tokens

    @property
    def rom_spill_bytes(self) -> int:
        return max(0, self.rom_bytes - self.rom_capacity_bytes)

    @property
    def lora_spill_bytes(self) -> int:
        return 0 if self.lora_fits else self.lora_bytes - self.sram_capacity_bytes

    @property
    def kv_spill_tokens(self) -> int:
        """Tokens whose KV lives off chip (whole batch): the newest ones, once SRAM is full."""
        return max(0, self.kv_tokens - self.max_kv_tokens)

    def problem(self) -> str:
        """One line saying what does not fit ('' when everything fits)."""
        out = []
        if not self.rom:
            out.append("base weights need %d B of ROM, the chip has %d B (%.1f%%)"
                       % (self.rom_bytes, self.rom_capacity_bytes, 100 * self.rom_bytes / self.rom_capacity_bytes))
        if not self.lora_fits:
            out.append("rank-%d LoRA needs %d B of SRAM, the chip has %d B" % (self.rank, self.lora_bytes, self.sram_capacity_bytes))
        elif not self.sram:
            out.append("KV cache of %d tokens (%d x %d) exceeds the %d tokens the SRAM holds beside rank-%d LoRA"
                       % (self.kv_tokens, self.batch, self.kv_tokens_per_sequence, self.max_kv_tokens, self.rank))
        return "; ".join(out)

    def to_json(self) -> dict:
        kv_bytes = self.kv_tokens * self.kv_bytes_per_token
        return {
            "fits": {"rom": self.rom, "sram": self.sram},
            "rom": {"used_bytes": self.rom_bytes, "capacity_bytes": self.rom_capacity_bytes,
                    "utilization": self.rom_bytes / self.rom_capacity_bytes, "spill_bytes": self.rom_spill_bytes},
            "sram": {"lora_bytes": self.lora_bytes, "kv_bytes": kv_bytes, "kv_tokens": self.kv_tokens,
                     "kv_bytes_per_token": self.kv_bytes_per_token, "capacity_bytes": self.sram_capacity_bytes,
                     "utilization": (self.lora_bytes + kv_bytes) / self.sram_capacity_bytes,
                     "max_kv_tokens": self.max_kv_tokens, "kv_spill_tokens": self.kv_spill_tokens,
                     "lora_spill_bytes": self.lora_spill_bytes},
        }


def fit(model: ModelConfig, spec: ChipSpec, rank: int, tokens_per_sequence: int, batch: int = 1) -> Fit:
    """Fit of `batch` sequences of `tokens_per_sequence` tokens each (their KV) beside rank-`rank` LoRA."""
    if not isinstance(batch, int) or batch < 1:
        raise InputError("batch must be an integer >= 1, got %r" % (batch,))
    if tokens_per_sequence < 0:
        raise InputError("tokens per sequence must be >= 0, got %r" % (tokens_per_sequence,))
    cap = max_kv_tokens(model, rank, spec["h_unit.sram_mib"], spec)
    rom = rom_packing(model, spec)
    return Fit(model.name, rank, batch, int(model.kv_tokens_stored(tokens_per_sequence)), rom.total_bytes, rom.capacity_bytes,
               cap.lora_bytes, cap.kv_bytes_per_token, cap.sram_bytes, cap.max_tokens,
               math.ceil(cap.lora_bytes / cap.units) <= cap.sram_bytes // cap.units)
