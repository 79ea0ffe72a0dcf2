"""Model descriptions: the Llama shapes the chip runs, and any Hugging Face style config.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from romalayout.errors import InputError

# LoRA targets: every linear projection (QLoRA, ref [5] of the paper: adapters on all linear
# layers are needed to match full fine-tuning). Recorded in roma_spec.toml too.
ALL_PROJECTIONS = ("q", "k", "v", "o", "gate", "up", "down")


@dataclass(frozen=True)
class Linear:
    """One weight matrix y = W x with W of shape (out_features, in_features)."""

    name: str
    out_features: int
    in_features: int
    per_layer: bool  # True: one copy per decoder layer; False: once (lm_head)

    @property
    def weights(self) -> int:
        return self.out_features * self.in_features


@dataclass(frozen=True)
class ModelConfig:
    """A Llama-style decoder: shapes, base-weight precision and LoRA targets."""

    name: str
    layers: int
    hidden: int
    ffn: int
    q_heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    tied_embeddings: bool
    base_bits: int  # 2 or 4: UInt2 / UInt4 base weights in ROM
    group_size: int = 128
    lora_targets: tuple[str, ...] = ALL_PROJECTIONS

    def __post_init__(self):
        for field in ("layers", "hidden", "ffn", "q_heads", "kv_heads", "head_dim", "vocab", "group_size"):
            v = getattr(self, field)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise InputError("model %s: %s must be a positive integer, got %r" % (self.name, field, v))
        if self.base_bits not in (2, 4):
            raise InputError("model %s: base_bits must be 2 or 4, got %r" % (self.name, self.base_bits))
        if self.q_heads % self.kv_heads:
            raise InputError("model %s: q_heads %d not a multiple of kv_heads %d" % (self.name, self.q_heads, self.kv_heads))
        bad = [t for t in self.lora_targets if t not in ALL_PROJECTIONS]
        if bad:
            raise InputError("model %s: unknown LoRA target %s, expected some of %s" % (self.name, bad[0], ",".join(ALL_PROJECTIONS)))

    def linears(self) -> tuple[Linear, ...]:
        """The GEMV/GEMM weight matrices in execution order (per layer, then lm_head)."""
        q, kv = self.q_heads * self.head_dim, self.kv_heads * self.head_dim
        return (
            Linear("q", q, self.hidden, True),
            Linear("k", kv, self.hidden, True),
            Linear("v", kv, self.hidden, True),
            Linear("o", self.hidden, q, True),
            Linear("gate", self.ffn, self.hidden, True),
            Linear("up", self.ffn, self.hidden, True),
            Linear("down", self.hidden, self.ffn, True),
            Linear("lm_head", self.vocab, self.hidden, False),
        )

    def linear(self, name: str) -> Linear:
        return next(l for l in self.linears() if l.name == name)

    @property
    def embedding_params(self) -> int:
        return self.vocab * self.hidden

    def param_count(self) -> int:
        """All parameters as published counts them: linears, norms, embeddings (tied counted once)."""
        n = sum(l.weights * (self.layers if l.per_layer else 1) for l in self.linears())
        n += (2 * self.layers + 1) * self.hidden  # RMSNorm gains
        if not self.tied_embeddings:
            n += self.embedding_params
        return n

    def lora_params(self, rank: int) -> int:
        """LoRA A (rank x in) plus B (out x rank) for every target in every layer."""
        if rank < 0:
            raise InputError("LoRA rank must be >= 0, got %d" % rank)
        return self.layers * sum(rank * (self.linear(t).in_features + self.linear(t).out_features) for t in self.lora_targets)

    def kv_elements_per_token(self) -> int:
        """K and V for every layer and KV head of one token."""
        return 2 * self.layers * self.kv_heads * self.head_dim

    def with_bits(self, bits: int) -> "ModelConfig":
        return replace(self, base_bits=bits)

    def to_json(self) -> dict:
        return {
            "name": self.name, "layers": self.layers, "hidden": self.hidden, "ffn": self.ffn,
            "q_heads": self.q_heads, "kv_heads": self.kv_heads, "head_dim": self.head_dim,
            "vocab": self.vocab, "tied_embeddings": self.tied_embeddings, "base_bits": self.base_bits,
            "group_size": self.group_size, "lora_targets": list(self.lora_targets),
            "param_count": self.param_count(),
        }


LLAMA32_3B = ModelConfig("llama3.2-3b", layers=28, hidden=3072, ffn=8192, q_heads=24, kv_heads=8,
                         head_dim=128, vocab=128256, tied_embeddings=True, base_bits=4)
LLAMA3_8B = ModelConfig("llama3-8b", layers=32, hidden=4096, ffn=14336, q_heads=32, kv_heads=8,
                        head_dim=128, vocab=128256, tied_embeddings=False, base_bits=2)
PRESETS = {m.name: m for m in (LLAMA32_3B, LLAMA3_8B)}


def from_hf_config(path: Path | str, base_bits: int = 4) -> ModelConfig:
    """Read a Hugging Face style config.json (Llama keys) into a ModelConfig."""
    path = Path(path)
    try:
        cfg = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise InputError("cannot read model config %s: %s" % (path, e)) from None
    if not isinstance(cfg, dict):
        raise InputError("model config %s: expected a JSON object, got %s" % (path, type(cfg).__name__))
    missing = [k for k in ("num_hidden_layers", "hidden_size", "intermediate_size", "num_attention_heads", "vocab_size") if k not in cfg]
    if missing:
        raise InputError("model config %s: missing key %s, expected a Llama-style config.json" % (path, missing[0]))
    heads = cfg["num_attention_heads"]
    hidden = cfg["hidden_size"]
    if not isinstance(heads, int) or not isinstance(hidden, int) or heads <= 0:
        raise InputError("model config %s: num_attention_heads/hidden_size must be positive integers, got %r/%r" % (path, heads, hidden))
    return ModelConfig(
        name=path.stem if path.stem != "config" else path.parent.name or "config",
        layers=cfg["num_hidden_layers"], hidden=hidden, ffn=cfg["intermediate_size"], q_heads=heads,
        kv_heads=cfg.get("num_key_value_heads", heads), head_dim=cfg.get("head_dim", hidden // heads),
        vocab=cfg["vocab_size"], tied_embeddings=bool(cfg.get("tie_word_embeddings", False)), base_bits=base_bits,
    )


def get_model(name_or_path: str, base_bits: int | None = None) -> ModelConfig:
    """A preset by name, or a config.json path; `base_bits` overrides the preset's precision."""
    if name_or_path in PRESETS:
        m = PRESETS[name_or_path]
        return m.with_bits(base_bits) if base_bits is not None else m
    p = Path(name_or_path)
    if p.suffix == ".json" or p.exists():
        return from_hf_config(p, base_bits if base_bits is not None else 4)
    raise InputError("unknown model %r, expected one of: %s, or a path to a config.json" % (name_or_path, ", ".join(PRESETS)))
