"""Performance model of ROMA's 17 x 16 dataflow array (paper III-A, IV-B).

Mapping (every matrix is spread over all 256 matrix units, so a single decode token keeps
every L-unit busy):
  * W (out x in): the 16 x 16 matrix units are 8 rows in each half. In-features are split in
    8 parts, one per row (the same in both halves); out-features in 32 parts, one per
    (column, half). A unit holds W[out part, in part] as 128-weight groups.
  * Input x: vector unit c holds slice c (of 16) of the previous output; it sends the slice
    up/down its column to row c // 2, which broadcasts it along that row, so each unit receives
    its 1/8 of x. The busiest (horizontal) link carries in/8 elements per token.
  * Partial sums (FP32) flow down each column to the vector unit, adding on the way.
  * LoRA (A then B) runs on the H-units beside the L-units in parallel; attention on the
    H-units that hold the KV cache (each KV head on units/kv_heads units, its tokens striped
    over them); softmax, norms, RoPE, SiLU and residuals on the vector units.
Timing: a stage costs max(its L-unit, H-unit, vector-unit, busiest-link cycles) plus its fill
latency (hops, pipeline, dataflow hand-off). A decode token runs the stages one after another.
Prefill streams the prompt's tokens through each layer's stages, so L-units, H-units, vector
units and links work concurrently on different tokens: a layer costs max over resources of the
summed busy cycles plus the summed latencies.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from romalayout.chip.capacity import lora_bytes, rom_packing
from romalayout.chip.models import Linear, ModelConfig
from romalayout.chip.spec import ChipSpec
from romalayout.errors import InputError


@dataclass(frozen=True)
class StageCost:
    """Cycles of one stage; array-valued when computed for many KV lengths at once."""

    name: str
    l_cycles: object
    h_cycles: object
    v_cycles: object
    link_cycles: object
    latency_cycles: object
    h_extra_latency_cycles: float = 0.0  # the H-unit path's own extra latency (LoRA A-B hand-off)

    @property
    def busy_cycles(self):
        return functools.reduce(np.maximum, [np.asarray(c, dtype=float) for c in (self.l_cycles, self.h_cycles, self.v_cycles, self.link_cycles)])

    @property
    def cycles(self):
        """One token through the stage: the slowest of the parallel paths, plus the fill latency.

        The H-unit (LoRA) path runs beside the L-unit path; its extra hand-off latency only
        counts where it makes that path the longer one."""
        h_path = np.asarray(self.h_cycles, dtype=float) + self.h_extra_latency_cycles
        return np.maximum(self.busy_cycles, h_path) + self.latency_cycles

    def to_json(self) -> dict:
        f = lambda v: float(np.asarray(v, dtype=float).sum())
        return {"name": self.name, "l_cycles": f(self.l_cycles), "h_cycles": f(self.h_cycles), "v_cycles": f(self.v_cycles),
                "link_cycles": f(self.link_cycles), "latency_cycles": f(self.latency_cycles)}


def _geometry(spec: ChipSpec):
    rows_half = spec["array.matrix_unit_rows"] // 2
    cols = spec["array.columns"]
    return rows_half, cols, spec.matrix_units


def linear_stage(name: str, mats: list[Linear], model: ModelConfig, spec: ChipSpec, tokens, rank: int) -> StageCost:
    """Matrices sharing one input (e.g. q, k, v) on the L-units, their LoRA on the H-units."""
    rows_half, cols, units = _geometry(spec)
    g = spec["l_unit.group_size_weights"]
    in_f = mats[0].in_features
    in_part = math.ceil(in_f / rows_half)
    out_parts = [math.ceil(m.out_features / (2 * cols)) for m in mats]
    groups_per_unit = sum(o * math.ceil(in_part / g) for o in out_parts)
    passes = math.ceil(model.base_bits / spec["l_unit.pass_weight_bits"])
    l = tokens * passes * math.ceil(groups_per_unit / spec["l_unit.compute_cells"])
    link_b = spec.link_bytes_per_cycle
    act_b, psum_b = spec["datatypes.activation_bytes"], spec["datatypes.partial_sum_bytes"]
    link = tokens * max(in_part * act_b, math.ceil(in_f / cols) * act_b, sum(out_parts) * psum_b) / link_b
    lora = [m for m in mats if m.name in model.lora_targets] if rank > 0 else []
    lora_macs = tokens * rank * sum(m.in_features + m.out_features for m in lora)
    h = max(lora_macs / (units * spec["h_unit.fp16_macs_per_cycle"]),
            lora_macs * spec["h_unit.lora_weight_bytes"] / (units * spec["h_unit.sram_read_bytes_per_cycle"]))
    hop = spec["router.hop_latency_cycles"]
    latency = spec["l_unit.pipeline_latency_cycles"] + spec["router.op_sync_cycles"] + hop * (2 * rows_half + cols - 1)
    # LoRA: A x must be all-reduced over the in parts and broadcast before B can start
    h_extra = hop * (rows_half + cols - 1) if lora else 0.0
    return StageCost(name, l, h, 0.0, link, latency, h_extra)


def vector_stage(name: str, elements: int, ops: float, spec: ChipSpec, tokens, allreduce: bool = False) -> StageCost:
    """Element-wise work on the vector-unit row; `allreduce` adds a sum across the row (norms)."""
    v = tokens * elements * ops / (spec["array.vector_units"] * spec["vector_unit.fp16_lanes"])
    latency = spec["router.op_sync_cycles"] + (spec["array.columns"] * spec["router.hop_latency_cycles"] if allreduce else 0)
    return StageCost(name, 0.0, 0.0, v, 0.0, latency)


def attention_stage(model: ModelConfig, spec: ChipSpec, tokens, prefix) -> StageCost:
    """Causal attention of `tokens` new tokens after `prefix` cached ones (arrays allowed)."""
    rows_half, cols, units = _geometry(spec)
    tokens = np.asarray(tokens, dtype=float)
    prefix = np.asarray(prefix, dtype=float)
    units_per_head = max(1, units // model.kv_heads)
    q_per_kv = model.q_heads // model.kv_heads
    ctx_sum = tokens * prefix + tokens * (tokens + 1) / 2
    # KV tokens each unit handles, summed over the query tokens (exact ceil for one query)
    per_unit = np.where(tokens == 1, np.ceil((prefix + 1) / units_per_head), ctx_sum / units_per_head)
    dot_cycles = math.ceil(model.head_dim / spec["h_unit.fp16_macs_per_cycle"])
    h_compute = 2 * q_per_kv * per_unit * dot_cycles  # q.k and p.v
    h_sram = per_unit * 2 * model.head_dim * spec["h_unit.kv_bytes_per_element"] / spec["h_unit.sram_read_bytes_per_cycle"]
    v = model.q_heads * ctx_sum * spec["vector_unit.softmax_ops_per_element"] / (spec["array.vector_units"] * spec["vector_unit.fp16_lanes"])
    act_b, psum_b, link_b = spec["datatypes.activation_bytes"], spec["datatypes.partial_sum_bytes"], spec.link_bytes_per_cycle
    scores = model.q_heads * ctx_sum * act_b / (2 * cols) / link_b  # to the vector units and back, per column link
    out_reduce = tokens * q_per_kv * model.head_dim * psum_b / link_b
    hop = spec["router.hop_latency_cycles"]
    latency = 3 * spec["router.op_sync_cycles"] + hop * (rows_half + cols - 1 + 3 * rows_half)
    return StageCost("attention", 0.0, np.maximum(h_compute, h_sram), v, np.maximum(scores, out_reduce), latency)


def layer_stages(model: ModelConfig, spec: ChipSpec, rank: int, tokens, prefix) -> list[StageCost]:
    """One decoder layer's stages in execution order."""
    L = {l.name: l for l in model.linears()}
    kv = model.kv_heads * model.head_dim
    qd = model.q_heads * model.head_dim
    s = lambda k: spec["vector_unit.%s_ops_per_element" % k]
    return [
        vector_stage("attn_norm", model.hidden, s("rmsnorm"), spec, tokens, allreduce=True),
        linear_stage("qkv", [L["q"], L["k"], L["v"]], model, spec, tokens, rank),
        vector_stage("rope", qd + kv, s("rope"), spec, tokens),
        attention_stage(model, spec, tokens, prefix),
        linear_stage("o", [L["o"]], model, spec, tokens, rank),
        vector_stage("residual_norm", model.hidden, s("residual") + s("rmsnorm"), spec, tokens, allreduce=True),
        linear_stage("gate_up", [L["gate"], L["up"]], model, spec, tokens, rank),
        vector_stage("silu_mul", model.ffn, s("silu_mul"), spec, tokens),
        linear_stage("down", [L["down"]], model, spec, tokens, rank),
        vector_stage("residual", model.hidden, s("residual"), spec, tokens),
    ]


def head_stages(model: ModelConfig, spec: ChipSpec) -> list[StageCost]:
    """Final norm, lm_head (no LoRA) and argmax over the vocabulary, for one token."""
    return [
        vector_stage("final_norm", model.hidden, spec["vector_unit.rmsnorm_ops_per_element"], spec, 1, allreduce=True),
        linear_stage("lm_head", [model.linear("lm_head")], model, spec, 1, 0),
        vector_stage("argmax", model.vocab, 1, spec, 1, allreduce=True),
    ]


def _check(rank: int, tokens: int | None = None):
    if not isinstance(rank, int) or rank < 0:
        raise InputError("LoRA rank must be an integer >= 0, got %r" % (rank,))
    if tokens is not None and tokens < 1:
        raise InputError("prompt length must be >= 1 token, got %d" % tokens)


def decode_cycles(model: ModelConfig, spec: ChipSpec, rank: int, kv):
    """Cycles to generate one token with `kv` tokens already cached (scalar or array)."""
    _check(rank)
    kv = np.asarray(kv, dtype=float)
    if np.any(kv < 0):
        raise InputError("KV length must be >= 0, got %s" % kv.min())
    per_layer = sum(st.cycles for st in layer_stages(model, spec, rank, 1, kv))
    return model.layers * per_layer + sum(st.cycles for st in head_stages(model, spec))


def prefill_cycles(model: ModelConfig, spec: ChipSpec, rank: int, tokens: int) -> float:
    """Cycles from a prompt of `tokens` tokens to the first generated token (TTFT)."""
    _check(rank, tokens)
    stages = layer_stages(model, spec, rank, tokens, 0)
    busy = max(float(sum(np.asarray(getattr(st, f), dtype=float) for st in stages))
               for f in ("l_cycles", "h_cycles", "v_cycles", "link_cycles"))
    latency = float(sum(st.latency_cycles for st in stages))
    return model.layers * (busy + latency) + float(sum(st.cycles for st in head_stages(model, spec)))


@dataclass(frozen=True)
class PerfResult:
    """TTFT for a prompt and decode speed at a KV length, with the decode stage breakdown."""

    model: str
    rank: int
    prompt_tokens: int
    kv_tokens: int
    ttft_ms: float
    decode_tokens_per_s: float
    decode_stage_cycles: dict

    def to_json(self) -> dict:
        return {"model": self.model, "rank": self.rank, "prompt_tokens": self.prompt_tokens, "kv_tokens": self.kv_tokens,
                "ttft_ms": self.ttft_ms, "decode_tokens_per_s": self.decode_tokens_per_s,
                "decode_ms_per_token": 1e3 / self.decode_tokens_per_s, "decode_stage_cycles": self.decode_stage_cycles}


def perf(model: ModelConfig, spec: ChipSpec, rank: int, prompt: int, kv: int) -> PerfResult:
    """TTFT of `prompt` tokens and decode tokens/s with `kv` tokens cached."""
    ttft = prefill_cycles(model, spec, rank, prompt) / spec.clock_hz * 1e3
    dec = float(decode_cycles(model, spec, rank, kv))
    stages = {st.name: round(float(st.cycles) * (model.layers if i < 10 else 1), 1)
              for i, st in enumerate(layer_stages(model, spec, rank, 1, kv) + head_stages(model, spec))}
    return PerfResult(model.name, rank, prompt, kv, ttft, spec.clock_hz / dec, stages)


def generation_tokens_per_s(model: ModelConfig, spec: ChipSpec, rank: int, prompt: int, output: int) -> float:
    """Fig. 9 metric: generated tokens / (TTFT + time to decode them all)."""
    kv = np.arange(prompt, prompt + output - 1)  # the first token comes with the prefill
    cycles = prefill_cycles(model, spec, rank, prompt) + float(np.sum(decode_cycles(model, spec, rank, kv)))
    return output * spec.clock_hz / cycles


@dataclass(frozen=True)
class RooflineDevice:
    """A CPU/GPU reduced to memory bandwidth and peak compute (Fig. 9 comparison)."""

    name: str
    memory_bandwidth_gb_per_s: float
    peak_gflops: float

    def _time_s(self, bytes_, flops):
        return np.maximum(bytes_ / (self.memory_bandwidth_gb_per_s * 1e9), flops / (self.peak_gflops * 1e9))

    def generation_tokens_per_s(self, model: ModelConfig, spec: ChipSpec, rank: int, prompt: int, output: int) -> float:
        """Upper bound: every decode step streams the weights, LoRA and the KV cache once."""
        weights = rom_packing(model, spec).total_bytes + lora_bytes(model, rank, spec)
        kv_b = model.kv_elements_per_token() * spec["h_unit.kv_bytes_per_element"]
        layer_w = sum(l.weights for l in model.linears() if l.per_layer) * model.layers
        flops_tok = 2 * (layer_w + model.linear("lm_head").weights + model.lora_params(rank))
        att = 4 * model.layers * model.q_heads * model.head_dim  # flops per (query, key) pair
        ttft = self._time_s(weights, prompt * 2 * (layer_w + model.lora_params(rank)) + att * prompt * (prompt + 1) / 2)
        kv = np.arange(prompt, prompt + output - 1, dtype=float)
        dec = self._time_s(weights + kv * kv_b, flops_tok + att * (kv + 1)).sum()
        return output / float(ttft + dec)


def baselines(spec: ChipSpec) -> tuple[RooflineDevice, RooflineDevice]:
    return (RooflineDevice(spec["baselines.cpu_name"], spec["baselines.cpu_memory_bandwidth_gb_per_s"], spec["baselines.cpu_peak_gflops"]),
            RooflineDevice(spec["baselines.gpu_name"], spec["baselines.gpu_memory_bandwidth_gb_per_s"], spec["baselines.gpu_peak_gflops"]))
