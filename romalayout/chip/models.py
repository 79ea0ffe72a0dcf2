"""Model descriptions: the Llama shapes the chip runs, and any Hugging Face style config.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

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
    family: str = "llama"  # Hugging Face model_type: llama, mistral or qwen2
    bias_projections: tuple[str, ...] = ()  # projections with a bias vector (Qwen2: q, k, v)
    attention_window: int | None = None  # sliding-window attention (Mistral 7B v0.1: 4096); None = full

    def __post_init__(self):
        for field in ("layers", "hidden", "ffn", "q_heads", "kv_heads", "head_dim", "vocab", "group_size"):
            v = getattr(self, field)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise InputError("model %s: %s must be a positive integer, got %r" % (self.name, field, v))
        if self.base_bits not in (2, 4):
            raise InputError("model %s: base_bits must be 2 or 4, got %r" % (self.name, self.base_bits))
        if self.q_heads % self.kv_heads:
            raise InputError("model %s: q_heads %d not a multiple of kv_heads %d" % (self.name, self.q_heads, self.kv_heads))
        bad = [t for t in self.lora_targets + self.bias_projections if t not in ALL_PROJECTIONS]
        if bad:
            raise InputError("model %s: unknown projection %s, expected some of %s" % (self.name, bad[0], ",".join(ALL_PROJECTIONS)))
        w = self.attention_window
        if w is not None and (not isinstance(w, int) or isinstance(w, bool) or w <= 0):
            raise InputError("model %s: attention window must be a positive integer or None, got %r" % (self.name, w))

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
        n += self.bias_elements()
        if not self.tied_embeddings:
            n += self.embedding_params
        return n

    def bias_elements(self) -> int:
        """Bias values of all layers (Qwen2's q, k, v biases; none in Llama and Mistral)."""
        return self.layers * sum(self.linear(p).out_features for p in self.bias_projections)

    def kv_tokens_stored(self, tokens):
        """KV tokens a sequence of `tokens` tokens keeps: all of them, or the sliding window."""
        return tokens if self.attention_window is None else np.minimum(tokens, self.attention_window)

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
            "group_size": self.group_size, "lora_targets": list(self.lora_targets), "family": self.family,
            "bias_projections": list(self.bias_projections), "attention_window": self.attention_window,
            "param_count": self.param_count(),
        }


LLAMA32_3B = ModelConfig("llama3.2-3b", layers=28, hidden=3072, ffn=8192, q_heads=24, kv_heads=8,
                         head_dim=128, vocab=128256, tied_embeddings=True, base_bits=4)
LLAMA3_8B = ModelConfig("llama3-8b", layers=32, hidden=4096, ffn=14336, q_heads=32, kv_heads=8,
                        head_dim=128, vocab=128256, tied_embeddings=False, base_bits=2)
PRESETS = {m.name: m for m in (LLAMA32_3B, LLAMA3_8B)}


# Hugging Face model_type -> the architecture class its config.json names. These three are
# the same decoder (RMSNorm, RoPE, GQA attention, SwiGLU MLP); they differ in biases (Qwen2's
# q, k, v), tied embeddings and Mistral's sliding window, all read from the config.
FAMILIES = {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM"}
_ARCH_TO_TYPE = {v: k for k, v in FAMILIES.items()}


def _config_family(cfg: dict, path: Path) -> str:
    """The config's model_type if it is a supported family; a named refusal otherwise."""
    mtype = cfg.get("model_type")
    archs = cfg.get("architectures") or []
    arch = archs[0] if isinstance(archs, list) and archs and isinstance(archs[0], str) else None
    if mtype is None and arch is not None:
        mtype = _ARCH_TO_TYPE.get(arch, arch)
    if mtype is None:
        raise InputError("model config %s: no model_type or architectures, expected a Hugging Face config.json of the %s family"
                         % (path, ", ".join(sorted(FAMILIES))))
    if mtype not in FAMILIES:
        raise InputError("model config %s: architecture %r%s is not supported, expected model_type %s (the Llama, Mistral or Qwen2 family)"
                         % (path, mtype, " (%s)" % arch if arch and arch != mtype else "", ", ".join(sorted(FAMILIES))))
    return mtype


def _int_key(cfg: dict, key: str, path: Path, default=None) -> int:
    v = cfg.get(key, default)
    if v is None:
        v = default
    if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
        raise InputError("model config %s: %s must be a positive integer, got %r" % (path, key, cfg.get(key)))
    return v


def from_hf_config(path: Path | str, base_bits: int = 4) -> ModelConfig:
    """Read a Hugging Face config.json of the Llama, Mistral or Qwen2 family into a ModelConfig.

    Grouped-query attention (num_key_value_heads), an explicit head_dim, tied embeddings,
    Qwen2's q/k/v biases, Llama's attention_bias and Mistral's sliding_window are honoured;
    features the chip model does not implement (MoE, an MLP bias, another activation,
    Qwen2's per-layer sliding window) are refused by name."""
    path = Path(path)
    try:
        cfg = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise InputError("cannot read model config %s: %s" % (path, e)) from None
    if not isinstance(cfg, dict):
        raise InputError("model config %s: expected a JSON object, got %s" % (path, type(cfg).__name__))
    family = _config_family(cfg, path)
    missing = [k for k in ("num_hidden_layers", "hidden_size", "intermediate_size", "num_attention_heads", "vocab_size") if k not in cfg]
    if missing:
        raise InputError("model config %s: missing key %s, expected a %s config.json" % (path, missing[0], FAMILIES[family]))
    act = cfg.get("hidden_act", "silu")
    if act not in ("silu", "swish"):
        raise InputError("model config %s: hidden_act %r is not supported, expected silu (SwiGLU)" % (path, act))
    if cfg.get("mlp_bias"):
        raise InputError("model config %s: mlp_bias = true is not supported, expected false" % path)
    if family == "qwen2" and cfg.get("use_sliding_window"):
        raise InputError("model config %s: use_sliding_window = true (Qwen2's per-layer window) is not supported, expected false" % path)
    heads = _int_key(cfg, "num_attention_heads", path)
    hidden = _int_key(cfg, "hidden_size", path)
    kv_heads = _int_key(cfg, "num_key_value_heads", path, heads)
    head_dim = _int_key(cfg, "head_dim", path, hidden // heads if hidden % heads == 0 else None)
    if family == "qwen2":
        biases = ("q", "k", "v")
    elif family == "llama" and cfg.get("attention_bias"):
        biases = ("q", "k", "v", "o")
    else:
        biases = ()
    window = cfg.get("sliding_window") if family == "mistral" else None
    if window is not None:
        window = _int_key(cfg, "sliding_window", path)
    return ModelConfig(
        name=path.stem if path.stem != "config" else path.parent.name or "config",
        layers=_int_key(cfg, "num_hidden_layers", path), hidden=hidden, ffn=_int_key(cfg, "intermediate_size", path),
        q_heads=heads, kv_heads=kv_heads, head_dim=head_dim, vocab=_int_key(cfg, "vocab_size", path),
        tied_embeddings=bool(cfg.get("tie_word_embeddings", False)), base_bits=base_bits,
        family=family, bias_projections=biases, attention_window=window,
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
