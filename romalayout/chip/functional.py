"""Functional model: a small Llama-shaped network through the chip's arithmetic vs float64.

Chip path: base-weight GEMVs use the bit-accurate L-unit (romalayout.lunit: alignment unit +
Eq. (1) per 128-weight group), group results are summed as FP32 partial sums (the reduction
across matrix units); LoRA (FP8 weights), attention, softmax, norms and RoPE use FP16
storage with FP32 accumulation; activations and the KV cache are stored in FP16.
Reference path: the same quantized weights and FP8 LoRA values, all arithmetic in float64.
Control path ("exact products"): the chip path with each group's Eq. (1) computed exactly
(lunit.reference_dot, no alignment shift) instead of through the alignment unit, everything
else unchanged; where the chip path disagrees and the control agrees, the alignment unit's
truncation is the cause.
Agreement is measured with teacher forcing: every path sees the reference's greedy tokens,
and each decode step counts as agreeing when it picks the reference's next token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from romalayout import lunit
from romalayout.chip.models import ModelConfig
from romalayout.errors import InputError

ROPE_THETA = 500000.0  # Llama 3
TINY_MODEL = ModelConfig("tiny-llama", layers=2, hidden=256, ffn=512, q_heads=4, kv_heads=2, head_dim=64,
                         vocab=512, tied_embeddings=False, base_bits=4)


def fp8_e4m3(x: np.ndarray) -> np.ndarray:
    """Round to the nearest FP8 E4M3 value (3 mantissa bits, min normal 2^-6, max 448)."""
    x = np.asarray(x, dtype=np.float64)
    _, e = np.frexp(x)  # x = m * 2^e, 0.5 <= |m| < 1
    quantum = np.ldexp(1.0, np.maximum(e - 4, -9))  # normal: 3 fraction bits; subnormal step 2^-9
    return np.clip(np.round(x / quantum) * quantum, -448.0, 448.0)


@dataclass(frozen=True)
class QLinear:
    """Base weights of one matrix as ROM holds them: w (out, n_groups, G), z and s (out, n_groups)."""

    w: np.ndarray
    z: np.ndarray
    s: np.ndarray  # float16
    lora_a: np.ndarray | None  # (rank, in) FP8 values as float64
    lora_b: np.ndarray | None  # (out, rank)

    def dense(self) -> np.ndarray:
        """The real weight matrix (w - z) * s in float64, shape (out, in)."""
        real = (self.w - self.z[..., None]) * self.s.astype(np.float64)[..., None]
        return real.reshape(real.shape[0], -1)


def random_weights(model: ModelConfig, rank: int, seed: int) -> dict:
    """Seeded random QLoRA weights shaped like `model` (inputs must be multiples of the group)."""
    rng = np.random.default_rng(seed)
    g = model.group_size
    levels = 1 << model.base_bits

    def qlinear(lin, lora):
        if lin.in_features % g:
            raise InputError("functional model needs in_features divisible by %d, got %d" % (g, lin.in_features))
        n = lin.in_features // g
        # quantized zero-mean weights: w = clip(round(N(0, sigma)) + z), with the UInt2 zero
        # point z in 1..2 so that w - z is roughly centred (a random w would give every row a
        # large bias and a trivially constant argmax)
        sigma = levels / 6
        z = rng.integers(1, 3, size=(lin.out_features, n))
        w = np.clip(np.round(rng.normal(0, sigma, size=(lin.out_features, n, g))) + z[..., None], 0, levels - 1).astype(np.int64)
        # scale so that outputs have about unit variance for unit-variance inputs
        s = (rng.uniform(0.5, 1.5, size=(lin.out_features, n)) / (sigma * np.sqrt(lin.in_features))).astype(np.float16)
        a = b = None
        if lora and rank > 0:
            a = fp8_e4m3(rng.normal(0, 1 / np.sqrt(lin.in_features), size=(rank, lin.in_features)))
            b = fp8_e4m3(rng.normal(0, 0.5 / np.sqrt(rank), size=(lin.out_features, rank)))
        return QLinear(w, z, s, a, b)

    layers = []
    for _ in range(model.layers):
        layers.append({l.name: qlinear(l, l.name in model.lora_targets) for l in model.linears() if l.per_layer}
                      | {"attn_norm": (1 + 0.1 * rng.standard_normal(model.hidden)).astype(np.float16),
                         "ffn_norm": (1 + 0.1 * rng.standard_normal(model.hidden)).astype(np.float16)})
    return {"embed": rng.standard_normal((model.vocab, model.hidden)).astype(np.float16),
            "layers": layers, "final_norm": (1 + 0.1 * rng.standard_normal(model.hidden)).astype(np.float16),
            "lm_head": qlinear(model.linear("lm_head"), False)}


class _Float64:
    """Reference arithmetic: float64 everywhere."""

    def act(self, x):
        return np.asarray(x, dtype=np.float64)

    def linear(self, q: QLinear, x):
        y = q.dense() @ x
        if q.lora_a is not None:
            y = y + q.lora_b @ (q.lora_a @ x)
        return y

    def dot(self, a, b):
        return a @ b


class _Chip:
    """Chip arithmetic: L-unit for base weights, FP16 storage with FP32 accumulation elsewhere."""

    def act(self, x):
        return np.asarray(x, dtype=np.float32).astype(np.float16)

    def linear(self, q: QLinear, x):
        xg = x.astype(np.float16).reshape(1, q.w.shape[1], q.w.shape[2])
        per_group = lunit.group_dot(xg, q.w, q.z, q.s)  # (out, n_groups), exact Eq. (1)
        y = per_group.astype(np.float32).sum(axis=-1, dtype=np.float32)  # FP32 partial-sum reduction
        if q.lora_a is not None:
            h = (q.lora_a.astype(np.float32) @ x.astype(np.float32)).astype(np.float16)
            y = y + q.lora_b.astype(np.float32) @ h.astype(np.float32)
        return y.astype(np.float16)

    def dot(self, a, b):
        return (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float16)


class _ChipExactProducts(_Chip):
    """The chip path with each group's dot product exact (no alignment truncation)."""

    def linear(self, q: QLinear, x):
        xg = x.astype(np.float16).reshape(1, q.w.shape[1], q.w.shape[2])
        per_group = lunit.reference_dot(xg, q.w, q.z, q.s)  # float64, no shift
        y = per_group.astype(np.float32).sum(axis=-1, dtype=np.float32)
        if q.lora_a is not None:
            h = (q.lora_a.astype(np.float32) @ x.astype(np.float32)).astype(np.float16)
            y = y + q.lora_b.astype(np.float32) @ h.astype(np.float32)
        return y.astype(np.float16)


def _rmsnorm(ar, x, gain):
    xf = np.asarray(x, dtype=np.float64 if isinstance(ar, _Float64) else np.float32)
    return ar.act(xf / np.sqrt(np.mean(xf * xf) + 1e-5) * gain.astype(xf.dtype))


def _rope(ar, x, pos, head_dim):
    """Rotate-half RoPE on (heads, head_dim) at position `pos`."""
    dt = np.float64 if isinstance(ar, _Float64) else np.float32
    half = head_dim // 2
    ang = pos * ROPE_THETA ** (-np.arange(half, dtype=np.float64) * 2 / head_dim)
    c, s = np.cos(ang).astype(dt), np.sin(ang).astype(dt)
    x = x.astype(dt)
    a, b = x[:, :half], x[:, half:]
    return ar.act(np.concatenate([a * c - b * s, a * s + b * c], axis=1))


def _step(model, weights, ar, token, pos, cache):
    """One token through the network; appends its K and V to `cache`; returns the logits."""
    x = ar.act(weights["embed"][token].astype(np.float64))
    hd, rep = model.head_dim, model.q_heads // model.kv_heads
    for li, lw in enumerate(weights["layers"]):
        h = _rmsnorm(ar, x, lw["attn_norm"])
        q = _rope(ar, ar.linear(lw["q"], h).reshape(model.q_heads, hd), pos, hd)
        k = _rope(ar, ar.linear(lw["k"], h).reshape(model.kv_heads, hd), pos, hd)
        v = ar.act(ar.linear(lw["v"], h).reshape(model.kv_heads, hd))
        cache[li][0].append(k)
        cache[li][1].append(v)
        K, V = np.stack(cache[li][0], axis=1), np.stack(cache[li][1], axis=1)  # (kv_heads, T, hd)
        out = []
        for head in range(model.q_heads):
            kvh = head // rep
            sc = np.asarray(ar.dot(K[kvh], q[head]), dtype=np.float64 if isinstance(ar, _Float64) else np.float32) / np.sqrt(hd)
            p = np.exp(sc - sc.max())
            out.append(ar.dot(ar.act(p / p.sum()), V[kvh]))
        x = ar.act(x + ar.linear(lw["o"], ar.act(np.concatenate(out))))
        h = _rmsnorm(ar, x, lw["ffn_norm"])
        gate, up = ar.linear(lw["gate"], h), ar.linear(lw["up"], h)
        gf = np.asarray(gate, dtype=np.float64 if isinstance(ar, _Float64) else np.float32)
        x = ar.act(x + ar.linear(lw["down"], ar.act(gf / (1 + np.exp(-gf)) * up)))
    return np.asarray(ar.linear(weights["lm_head"], _rmsnorm(ar, x, weights["final_norm"])), dtype=np.float64)


@dataclass(frozen=True)
class AgreementResult:
    """Share of decode steps where the chip model picks the reference's next token."""

    model: str
    prompt_tokens: int
    decode_steps: int
    agreeing_steps: int
    max_abs_logit_error: float
    logit_rms: float
    min_top2_gap: float  # smallest reference gap between the best and second-best logit
    distinct_tokens: int  # how many different next tokens the reference chose
    chip_tokens_per_s: float  # the simulation's own speed (chip path only)
    seed: int = 0
    control_agreeing_steps: int | None = None  # exact-product control (None: not run)
    control_max_abs_logit_error: float | None = None

    @property
    def agreement(self) -> float:
        return self.agreeing_steps / self.decode_steps

    def to_json(self) -> dict:
        return {"model": self.model, "prompt_tokens": self.prompt_tokens, "decode_steps": self.decode_steps,
                "agreeing_steps": self.agreeing_steps, "agreement": self.agreement,
                "max_abs_logit_error": self.max_abs_logit_error, "logit_rms": self.logit_rms,
                "min_top2_gap": self.min_top2_gap, "distinct_tokens": self.distinct_tokens,
                "chip_tokens_per_s": self.chip_tokens_per_s, "seed": self.seed,
                "control_agreeing_steps": self.control_agreeing_steps,
                "control_agreement": None if self.control_agreeing_steps is None else self.control_agreeing_steps / self.decode_steps,
                "control_max_abs_logit_error": self.control_max_abs_logit_error}


def run_agreement(model: ModelConfig = TINY_MODEL, rank: int = 8, prompt_tokens: int = 8, decode_steps: int = 64, seed: int = 0,
                  control: bool = True) -> AgreementResult:
    """Greedy decode with the reference; the chip model (and the exact-product control) follow
    the same tokens (teacher forcing)."""
    if prompt_tokens < 1 or decode_steps < 1:
        raise InputError("need prompt_tokens >= 1 and decode_steps >= 1, got %d and %d" % (prompt_tokens, decode_steps))
    if rank < 0:
        raise InputError("LoRA rank must be >= 0, got %d" % rank)
    weights = random_weights(model, rank, seed)
    prompt = np.random.default_rng(seed + 1).integers(0, model.vocab, size=prompt_tokens)
    paths = [_Float64(), _Chip()] + ([_ChipExactProducts()] if control else [])
    caches = [[([], []) for _ in range(model.layers)] for _ in paths]
    agree = [0] * len(paths)
    max_err, ctrl_err, sq, n, gap, chosen = 0.0, 0.0, 0.0, 0, np.inf, set()
    chip_s = 0.0
    tokens = list(prompt)
    for pos in range(prompt_tokens + decode_steps - 1):
        logits = []
        for i, (ar, cache) in enumerate(zip(paths, caches)):
            t0 = time.perf_counter()
            logits.append(_step(model, weights, ar, tokens[pos], pos, cache))
            if i == 1:
                chip_s += time.perf_counter() - t0
        if pos >= prompt_tokens - 1:  # a decode step: predict the next token
            lr, lc = logits[0], logits[1]
            nxt = int(np.argmax(lr))
            for i in range(1, len(paths)):
                agree[i] += int(np.argmax(logits[i])) == nxt
            top2 = np.partition(lr, -2)[-2:]
            gap, chosen = min(gap, float(top2[1] - top2[0])), chosen | {nxt}
            max_err = max(max_err, float(np.max(np.abs(lc - lr))))
            if control:
                ctrl_err = max(ctrl_err, float(np.max(np.abs(logits[2] - lr))))
            sq += float(np.sum(lr * lr))
            n += lr.size
            if pos + 1 >= len(tokens):
                tokens.append(nxt)
    return AgreementResult(model.name, prompt_tokens, decode_steps, agree[1], max_err, float(np.sqrt(sq / n)), gap, len(chosen),
                           (prompt_tokens + decode_steps - 1) / chip_s, seed, agree[2] if control else None,
                           ctrl_err if control else None)


@dataclass(frozen=True)
class SeedSweep:
    """Agreement of the chip path and the exact-product control over several seeds."""

    runs: tuple[AgreementResult, ...]

    @property
    def agreement(self) -> float:
        return sum(r.agreeing_steps for r in self.runs) / sum(r.decode_steps for r in self.runs)

    @property
    def control_agreement(self) -> float:
        return sum(r.control_agreeing_steps for r in self.runs) / sum(r.decode_steps for r in self.runs)

    def to_json(self) -> dict:
        return {"seeds": len(self.runs), "agreement": self.agreement, "control_agreement": self.control_agreement,
                "min_agreement": min(r.agreement for r in self.runs), "runs": [r.to_json() for r in self.runs]}


def run_seeds(model: ModelConfig = TINY_MODEL, rank: int = 8, prompt_tokens: int = 8, decode_steps: int = 64, seeds=range(10)) -> SeedSweep:
    """run_agreement over several seeds, with the exact-product control."""
    seeds = list(seeds)
    if not seeds:
        raise InputError("need at least one seed")
    return SeedSweep(tuple(run_agreement(model, rank, prompt_tokens, decode_steps, s, control=True) for s in seeds))


def functional_model(layers: int, hidden: int, ffn: int, heads: int, kv_heads: int, vocab: int, head_dim: int | None = None,
                     base_bits: int = 4) -> ModelConfig:
    """A small Llama shape for the functional run (inputs of every matrix a multiple of 128)."""
    hd = head_dim if head_dim is not None else (hidden // heads if heads > 0 and hidden % heads == 0 else 0)
    if hd <= 0 or hd % 2:
        raise InputError("head_dim must be a positive even integer (RoPE rotates halves), got %r; give --head-dim" % (hd,))
    m = ModelConfig("functional-%dL-%dh" % (layers, hidden), layers=layers, hidden=hidden, ffn=ffn, q_heads=heads, kv_heads=kv_heads,
                    head_dim=hd, vocab=vocab, tied_embeddings=False, base_bits=base_bits)
    for lin in m.linears():
        if lin.in_features % m.group_size:
            raise InputError("functional model: %s has %d inputs, expected a multiple of the %d-weight group (hidden, ffn and heads x head_dim)"
                             % (lin.name, lin.in_features, m.group_size))
    return m


@dataclass(frozen=True)
class GroupErrorStats:
    """Error of Eq. (1) (bit-accurate L-unit) against the float64 reference over random groups."""

    groups: int
    weight_bits: int
    max_rel_error: float  # |res - ref| / (|s| * sum|x| * max|w - z|)
    p50_rel_error: float
    p99_rel_error: float
    bound_violations: int  # groups where |res - ref| > |s| * 2^(max_exp-25) * sum_k |w_k - z|

    def to_json(self) -> dict:
        return dict(self.__dict__)


def group_error_stats(groups: int = 20000, weight_bits: int = 2, seed: int = 0, group_size: int = 128) -> GroupErrorStats:
    """Random FP16 activations (normal, with some denormals and a wide exponent spread)."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((groups, group_size)) * np.exp2(rng.integers(-16, 4, size=(groups, 1)))).astype(np.float16)
    w = rng.integers(0, 1 << weight_bits, size=(groups, group_size))
    z = rng.integers(0, 4, size=groups)
    s = rng.uniform(1e-3, 1e-1, size=groups).astype(np.float16)
    res = lunit.group_dot(x, w, z, s)
    ref = lunit.reference_dot(x, w, z, s)
    err = np.abs(res - ref)
    _, max_exp, _ = lunit.align(x)
    bound = np.abs(s.astype(np.float64)) * np.ldexp(1.0, (max_exp - lunit.EXP_OFFSET).astype(np.int32)) * np.abs(w - z[:, None]).sum(axis=1)
    # the reference's own float64 summation rounding (a few ulps) is allowed on top
    slack = 4 * np.finfo(np.float64).eps * (np.abs(s.astype(np.float64)) * np.abs(x.astype(np.float64) * (w - z[:, None])).sum(axis=1))
    scale = np.abs(s.astype(np.float64)) * np.abs(x.astype(np.float64)).sum(axis=1) * np.maximum(np.abs(w - z[:, None]).max(axis=1), 1)
    rel = np.divide(err, scale, out=np.zeros_like(err), where=scale > 0)
    return GroupErrorStats(groups, weight_bits, float(rel.max()), float(np.percentile(rel, 50)), float(np.percentile(rel, 99)),
                           int(np.sum(err > bound + slack)))
