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
    over them); softmax, norms, RoPE, SiLU, biases and residuals on the vector units.

A stage (one operator of a layer) has, for the tokens it processes, busy cycles per resource
(L-units, H-units, vector units, the busiest link), hop cycles (its data crossing the array)
and a fill latency (L-unit pipeline, dataflow hand-off). Its work is the slowest resource
(the LoRA path includes its A -> B hand-off). How stages combine is the schedule, a named
choice (`--overlap`, README.md "Schedules"):
  serial     every stage waits for its predecessor; it costs work + hops + latency.
  pipelined  hop forwarding overlapped with compute: routers forward cut-through and a stage
             starts on the first operands that reach it, so its hops hide under the work;
             it costs max(work, hops) + latency.
  full       pipelined, and the stages of a layer overlap across tokens (the tokens of a
             prompt, or the sequences of a decode batch, stream through the layer, so the
             H-units' attention runs beside the L-units' GEMMs): a layer costs the busiest
             resource's summed cycles, at least one token's pipelined chain, plus the
             latencies. One decode token alone gains nothing over pipelined.
Batches: B sequences decode together (B tokens per step) or prefill together (B x P tokens);
the KV capacity is shared by the batch (capacity.fit).
External memory (`external_memory_gbps`): what does not fit (capacity.fit) is streamed from
an external memory of that bandwidth, in series with the array (no prefetch; see `spill`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from romalayout.chip.capacity import Fit, fit, lora_bytes, rom_packing
from romalayout.chip.models import Linear, ModelConfig
from romalayout.chip.spec import ChipSpec
from romalayout.errors import InputError

OVERLAP_MODES = ("serial", "pipelined", "full")
DEFAULT_OVERLAP = "full"


class DoesNotFit(InputError):
    """A point whose weights or KV cache exceed the chip, with no external memory given."""


def _max(*vals):
    return functools.reduce(np.maximum, [np.asarray(v, dtype=float) for v in vals])


@dataclass(frozen=True)
class StageCost:
    """Cycles of one stage for the tokens it processes; array-valued for many KV lengths at once."""

    name: str
    l_cycles: object
    h_cycles: object
    v_cycles: object
    link_cycles: object
    hop_cycles: float  # the stage's data crossing the array (router hops)
    latency_cycles: float  # pipeline fill and dataflow hand-off
    h_extra_latency_cycles: float = 0.0  # the LoRA path's A -> B hand-off

    @property
    def work_cycles(self):
        """The slowest of the stage's parallel paths (the LoRA path includes its hand-off)."""
        return _max(self.l_cycles, np.asarray(self.h_cycles, dtype=float) + self.h_extra_latency_cycles, self.v_cycles, self.link_cycles)

    def cycles(self, overlap: str = "serial"):
        """The stage alone: work + hops + latency (serial), max(work, hops) + latency otherwise."""
        if overlap == "serial":
            return self.work_cycles + self.hop_cycles + self.latency_cycles
        return _max(self.work_cycles, self.hop_cycles) + self.latency_cycles

    def to_json(self) -> dict:
        f = lambda v: float(np.asarray(v, dtype=float).sum())
        return {"name": self.name, "l_cycles": f(self.l_cycles), "h_cycles": f(self.h_cycles), "v_cycles": f(self.v_cycles),
                "link_cycles": f(self.link_cycles), "hop_cycles": self.hop_cycles, "latency_cycles": self.latency_cycles,
                "h_extra_latency_cycles": self.h_extra_latency_cycles}


def check_overlap(overlap: str) -> str:
    if overlap not in OVERLAP_MODES:
        raise InputError("overlap %r is not a schedule, expected one of: %s" % (overlap, ", ".join(OVERLAP_MODES)))
    return overlap


def schedule_cycles(stages: list[StageCost], overlap: str, tokens: int):
    """Cycles for `tokens` tokens (all of the stages' work) through stages in order."""
    check_overlap(overlap)
    if overlap != "full":
        return sum(st.cycles(overlap) for st in stages)
    busiest = _max(*(sum(np.asarray(getattr(st, f), dtype=float) for st in stages) for f in ("l_cycles", "h_cycles", "v_cycles", "link_cycles")))
    one_token_chain = sum(_max(st.work_cycles / tokens, st.hop_cycles) for st in stages)
    return _max(busiest, one_token_chain) + sum(st.latency_cycles for st in stages)


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
    latency = spec["l_unit.pipeline_latency_cycles"] + spec["router.op_sync_cycles"]
    hops = hop * (2 * rows_half + cols - 1)  # up the column, along the row, partial sums down the column
    # LoRA: A x must be all-reduced over the in parts and broadcast before B can start
    h_extra = hop * (rows_half + cols - 1) if lora else 0.0
    return StageCost(name, l, h, 0.0, link, hops, latency, h_extra)


def vector_stage(name: str, ops_per_token: float, spec: ChipSpec, tokens, allreduce: bool = False) -> StageCost:
    """Element-wise work on the vector-unit row; `allreduce` adds a sum across the row (norms)."""
    v = tokens * ops_per_token / (spec["array.vector_units"] * spec["vector_unit.fp16_lanes"])
    hops = spec["array.columns"] * spec["router.hop_latency_cycles"] if allreduce else 0
    return StageCost(name, 0.0, 0.0, v, 0.0, hops, spec["router.op_sync_cycles"])


def context_sum(model: ModelConfig, tokens, prefix):
    """Sum over `tokens` new queries after `prefix` cached tokens of the keys each attends to
    (causal; at most the sliding window)."""
    t = np.asarray(tokens, dtype=float)
    p = np.asarray(prefix, dtype=float)
    if model.attention_window is None:
        return t * p + t * (t + 1) / 2
    w = float(model.attention_window)
    k = np.clip(w - p, 0, t)  # queries whose context p + i is still inside the window
    return k * p + k * (k + 1) / 2 + (t - k) * w


def attention_stage(model: ModelConfig, spec: ChipSpec, tokens, prefix, batch: int = 1) -> StageCost:
    """Causal attention of `tokens` new tokens after `prefix` cached ones, for each of `batch` sequences."""
    rows_half, cols, units = _geometry(spec)
    tokens = np.asarray(tokens, dtype=float)
    prefix = np.asarray(prefix, dtype=float)
    units_per_head = max(1, units // model.kv_heads)
    q_per_kv = model.q_heads // model.kv_heads
    ctx_sum = context_sum(model, tokens, prefix)
    # KV tokens each unit handles, summed over the query tokens (exact ceil for one query)
    per_unit = batch * np.where(tokens == 1, np.ceil(ctx_sum / units_per_head), ctx_sum / units_per_head)
    dot_cycles = math.ceil(model.head_dim / spec["h_unit.fp16_macs_per_cycle"])
    h_compute = 2 * q_per_kv * per_unit * dot_cycles  # q.k and p.v
    h_sram = per_unit * 2 * model.head_dim * spec["h_unit.kv_bytes_per_element"] / spec["h_unit.sram_read_bytes_per_cycle"]
    v = batch * model.q_heads * ctx_sum * spec["vector_unit.softmax_ops_per_element"] / (spec["array.vector_units"] * spec["vector_unit.fp16_lanes"])
    act_b, psum_b, link_b = spec["datatypes.activation_bytes"], spec["datatypes.partial_sum_bytes"], spec.link_bytes_per_cycle
    scores = batch * model.q_heads * ctx_sum * act_b / (2 * cols) / link_b  # to the vector units and back, per column link
    out_reduce = batch * tokens * q_per_kv * model.head_dim * psum_b / link_b
    hop = spec["router.hop_latency_cycles"]
    hops = hop * (rows_half + cols - 1 + 3 * rows_half)
    return StageCost("attention", 0.0, _max(h_compute, h_sram), v, _max(scores, out_reduce), hops, 3 * spec["router.op_sync_cycles"])


def layer_stages(model: ModelConfig, spec: ChipSpec, rank: int, tokens, prefix, batch: int = 1) -> list[StageCost]:
    """One decoder layer's stages in execution order, for `batch` sequences of `tokens` new tokens."""
    L = {l.name: l for l in model.linears()}
    kv = model.kv_heads * model.head_dim
    qd = model.q_heads * model.head_dim
    s = lambda k: spec["vector_unit.%s_ops_per_element" % k]
    bias = lambda *names: sum(L[n].out_features for n in names if n in model.bias_projections) * s("residual")  # one add each
    n = tokens * batch
    return [
        vector_stage("attn_norm", model.hidden * s("rmsnorm"), spec, n, allreduce=True),
        linear_stage("qkv", [L["q"], L["k"], L["v"]], model, spec, n, rank),
        vector_stage("rope", (qd + kv) * s("rope") + bias("q", "k", "v"), spec, n),
        attention_stage(model, spec, tokens, prefix, batch),
        linear_stage("o", [L["o"]], model, spec, n, rank),
        vector_stage("residual_norm", model.hidden * (s("residual") + s("rmsnorm")) + bias("o"), spec, n, allreduce=True),
        linear_stage("gate_up", [L["gate"], L["up"]], model, spec, n, rank),
        vector_stage("silu_mul", model.ffn * s("silu_mul") + bias("gate", "up"), spec, n),
        linear_stage("down", [L["down"]], model, spec, n, rank),
        vector_stage("residual", model.hidden * s("residual") + bias("down"), spec, n),
    ]


def head_stages(model: ModelConfig, spec: ChipSpec, batch: int = 1) -> list[StageCost]:
    """Final norm, lm_head (no LoRA) and argmax over the vocabulary, for one token of each sequence."""
    return [
        vector_stage("final_norm", model.hidden * spec["vector_unit.rmsnorm_ops_per_element"], spec, batch, allreduce=True),
        linear_stage("lm_head", [model.linear("lm_head")], model, spec, batch, 0),
        vector_stage("argmax", model.vocab, spec, batch, allreduce=True),
    ]


def _check(rank: int, tokens: int | None = None, batch: int = 1):
    if not isinstance(rank, int) or rank < 0:
        raise InputError("LoRA rank must be an integer >= 0, got %r" % (rank,))
    if tokens is not None and tokens < 1:
        raise InputError("prompt length must be >= 1 token, got %d" % tokens)
    if not isinstance(batch, int) or batch < 1:
        raise InputError("batch must be an integer >= 1, got %r" % (batch,))


def decode_cycles(model: ModelConfig, spec: ChipSpec, rank: int, kv, batch: int = 1, overlap: str = DEFAULT_OVERLAP):
    """Cycles of one decode step (one token for each of `batch` sequences with `kv` cached
    tokens each; scalar or array kv). Compute only: no external-memory time."""
    _check(rank, batch=batch)
    kv = np.asarray(kv, dtype=float)
    if np.any(kv < 0):
        raise InputError("KV length must be >= 0, got %s" % kv.min())
    per_layer = schedule_cycles(layer_stages(model, spec, rank, 1, kv, batch), overlap, batch)
    return model.layers * per_layer + schedule_cycles(head_stages(model, spec, batch), overlap, batch)


def prefill_cycles(model: ModelConfig, spec: ChipSpec, rank: int, tokens: int, batch: int = 1, overlap: str = DEFAULT_OVERLAP) -> float:
    """Cycles from `batch` prompts of `tokens` tokens to their first generated tokens (TTFT).
    Compute only: no external-memory time."""
    _check(rank, tokens, batch)
    per_layer = schedule_cycles(layer_stages(model, spec, rank, tokens, 0, batch), overlap, tokens * batch)
    return float(model.layers * per_layer + schedule_cycles(head_stages(model, spec, batch), overlap, batch))


@dataclass(frozen=True)
class Spill:
    """Bytes an external memory moves when a point does not fit (0 when it fits).

    * ROM overflow: the lm_head spills first (it is read once per generated token and, in a
      prefill, only for the last token); anything beyond it comes from the layers, read for
      every token that passes them.
    * LoRA beyond the SRAM: read for every token.
    * KV beyond the SRAM: the newest tokens of each sequence live off chip. A decode step
      reads every spilled token once and writes the new ones; a prefill writes each spilled
      token once and reads it once per tile of `query_tile` later queries."""

    rom_per_token_bytes: float
    rom_layers_per_token_bytes: float  # of rom_per_token_bytes: the part outside the lm_head
    lora_per_token_bytes: float
    kv_bytes_per_token: float
    query_tile: int

    def decode_step_bytes(self, kv_spill_tokens, batch: int):
        """One decode step of `batch` sequences with `kv_spill_tokens` (whole batch) off chip."""
        s = np.asarray(kv_spill_tokens, dtype=float)
        return batch * (self.rom_per_token_bytes + self.lora_per_token_bytes) + self.kv_bytes_per_token * (s + np.minimum(s, batch))

    def prefill_bytes(self, tokens: int, kv_spill_tokens: float, batch: int) -> float:
        s = kv_spill_tokens / batch  # per sequence: its newest tokens; token j is read by s - j + 1 queries
        kv = batch * self.kv_bytes_per_token * (s + s * (s + 1) / 2 / self.query_tile)
        lm_head = self.rom_per_token_bytes - self.rom_layers_per_token_bytes
        return float(batch * (lm_head + tokens * (self.rom_layers_per_token_bytes + self.lora_per_token_bytes)) + kv)


def spill(model: ModelConfig, spec: ChipSpec, f: Fit) -> Spill:
    rom = f.rom_spill_bytes
    lm_head = next(p.total_bytes for p in rom_packing(model, spec).parts if p.name.startswith("lm_head"))
    return Spill(float(rom), float(max(0, rom - lm_head)), float(f.lora_spill_bytes), float(f.kv_bytes_per_token), int(spec["external.query_tile_tokens"]))


def require_fit(fits: list[Fit], external_memory_gbps: float | None, what: str) -> None:
    """Refuse (DoesNotFit) a point that does not fit unless an external memory is given."""
    if external_memory_gbps is not None:
        if not external_memory_gbps > 0:
            raise InputError("external memory bandwidth must be > 0 GB/s, got %r" % (external_memory_gbps,))
        return
    for f in fits:
        if not (f.rom and f.sram):
            raise DoesNotFit("%s does not fit: %s; give --external-memory-gbps X to model the spill over an external memory" % (what, f.problem()))


@dataclass(frozen=True)
class PerfResult:
    """TTFT for a prompt and decode speed at a KV length, for a batch, under one schedule."""

    model: str
    rank: int
    prompt_tokens: int
    kv_tokens: int
    batch: int
    overlap: str
    ttft_ms: float
    decode_step_ms: float  # one token for every sequence of the batch
    decode_stage_cycles: dict
    prefill_fit: Fit
    decode_fit: Fit
    external_memory_gbps: float | None
    prefill_external_bytes: float
    decode_external_bytes_per_step: float

    @property
    def decode_tokens_per_s(self) -> float:
        """Generated tokens per second over the whole batch."""
        return self.batch * 1e3 / self.decode_step_ms

    @property
    def fits(self) -> dict:
        return {"rom": self.prefill_fit.rom and self.decode_fit.rom, "sram": self.prefill_fit.sram and self.decode_fit.sram}

    def to_json(self) -> dict:
        return {"model": self.model, "rank": self.rank, "prompt_tokens": self.prompt_tokens, "kv_tokens": self.kv_tokens,
                "batch": self.batch, "overlap": self.overlap, "ttft_ms": self.ttft_ms,
                "decode_tokens_per_s": self.decode_tokens_per_s, "decode_tokens_per_s_per_sequence": 1e3 / self.decode_step_ms,
                "decode_ms_per_token": self.decode_step_ms / self.batch, "decode_step_ms": self.decode_step_ms,
                "decode_stage_cycles": self.decode_stage_cycles, "fits": self.fits,
                "fit": {"prefill": self.prefill_fit.to_json(), "decode": self.decode_fit.to_json()},
                "external_memory_gbps": self.external_memory_gbps, "prefill_external_bytes": self.prefill_external_bytes,
                "decode_external_bytes_per_step": self.decode_external_bytes_per_step}


def perf(model: ModelConfig, spec: ChipSpec, rank: int, prompt: int, kv: int, batch: int = 1, overlap: str = DEFAULT_OVERLAP,
         external_memory_gbps: float | None = None) -> PerfResult:
    """TTFT of `batch` prompts of `prompt` tokens and a decode step with `kv` tokens cached.

    Refuses (DoesNotFit) a point whose weights or KV cache (prompt tokens for the prefill,
    kv + 1 for the decode step, times the batch) exceed the chip, unless
    `external_memory_gbps` models the spill."""
    _check(rank, prompt, batch)
    check_overlap(overlap)
    if kv < 0:
        raise InputError("KV length must be >= 0, got %d" % kv)
    fp, fd = fit(model, spec, rank, prompt, batch), fit(model, spec, rank, kv + 1, batch)
    require_fit([fp, fd], external_memory_gbps, "%s rank %d, batch %d, %d prompt tokens and %d cached" % (model.name, rank, batch, prompt, kv))
    sp = spill(model, spec, fp)
    pre_b = sp.prefill_bytes(prompt, fp.kv_spill_tokens, batch)
    dec_b = float(sp.decode_step_bytes(fd.kv_spill_tokens, batch))
    ext_s = lambda b: b / (external_memory_gbps * 1e9) if external_memory_gbps else 0.0
    ttft = (prefill_cycles(model, spec, rank, prompt, batch, overlap) / spec.clock_hz + ext_s(pre_b)) * 1e3
    step = (float(decode_cycles(model, spec, rank, kv, batch, overlap)) / spec.clock_hz + ext_s(dec_b)) * 1e3
    stages = {st.name: round(float(st.cycles(overlap)) * (model.layers if i < 10 else 1), 1)
              for i, st in enumerate(layer_stages(model, spec, rank, 1, kv, batch) + head_stages(model, spec, batch))}
    return PerfResult(model.name, rank, prompt, kv, batch, overlap, ttft, step, stages, fp, fd, external_memory_gbps, pre_b, dec_b)


def generation_tokens_per_s(model: ModelConfig, spec: ChipSpec, rank: int, prompt: int, output: int, batch: int = 1,
                            overlap: str = DEFAULT_OVERLAP, external_memory_gbps: float | None = None) -> float:
    """Fig. 9 metric: generated tokens / (TTFT + time to decode them all), over the batch.

    Needs prompt + output - 1 tokens of KV per sequence (the last token's is never stored)."""
    if output < 1:
        raise InputError("output tokens must be >= 1, got %d" % output)
    fp, fl = fit(model, spec, rank, prompt, batch), fit(model, spec, rank, prompt + output - 1, batch)
    require_fit([fp, fl], external_memory_gbps, "%s rank %d, batch %d, %d in + %d out" % (model.name, rank, batch, prompt, output))
    kv = np.arange(prompt, prompt + output - 1)  # the first token comes with the prefill
    sp = spill(model, spec, fp)
    cap = fp.max_kv_tokens
    stored = batch * np.asarray(model.kv_tokens_stored(kv + 1), dtype=float)
    ext = sp.prefill_bytes(prompt, fp.kv_spill_tokens, batch) + float(np.sum(sp.decode_step_bytes(np.maximum(0, stored - cap), batch)))
    seconds = (prefill_cycles(model, spec, rank, prompt, batch, overlap) + float(np.sum(decode_cycles(model, spec, rank, kv, batch, overlap)))) / spec.clock_hz
    if external_memory_gbps:
        seconds += ext / (external_memory_gbps * 1e9)
    return batch * output / seconds


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
