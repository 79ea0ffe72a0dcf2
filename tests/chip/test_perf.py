import numpy as np
import pytest

from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B, ModelConfig
from romalayout.chip.perf import (OVERLAP_MODES, DoesNotFit, decode_cycles, generation_tokens_per_s, perf,
                                  prefill_cycles)
from romalayout.chip.spec import load_spec
from romalayout.errors import InputError

SPEC = load_spec()

# A one-layer model small enough to work out by hand: hidden 1024, ffn 2048, 8 heads of 128
# (8 KV heads: q_per_kv 1), vocab 256, UInt2 base (one pass), no LoRA (rank 0).
ONE = ModelConfig("one-layer", layers=1, hidden=1024, ffn=2048, q_heads=8, kv_heads=8, head_dim=128, vocab=256,
                  tied_embeddings=True, base_bits=2)


def test_one_layer_one_token_decode_by_hand():
    # Spec: 8 rows per half, 16 columns, 256 matrix units, 16 compute cells, groups of 128,
    # links 512 bit = 64 B/cycle, FP16 activations, FP32 partial sums, 16 x 128 vector lanes
    # (2048 ops/cycle), hop 1 cycle, L-unit pipeline 6, hand-off 2.
    # Matrix stage: hops = 2*8 + 16 - 1 = 31, latency 6 + 2 = 8.
    #   qkv: in part 1024/8 = 128 -> 1 group; out parts 1024/32 = 32 each for q, k, v -> 96
    #        groups/unit -> ceil(96/16) = 6 L cycles; link max(128*2, 64*2, 96*4)/64 = 6.  work 6
    #   o:   32 groups -> 2 L; link max(256, 128, 32*4)/64 = 4.                           work 4
    #   gate_up: 2 x 64 = 128 groups -> 8 L; link max(256, 128, 128*4)/64 = 8.            work 8
    #   down: in part 256 -> 2 groups x 32 = 64 -> 4 L; link max(512, 256, 128)/64 = 8.   work 8
    # Vector stages (latency 2; norms add a 16-hop all-reduce):
    #   attn_norm 1024*4/2048 = 2; rope (1024+1024)*3/2048 = 3; residual_norm 1024*5/2048 = 2.5;
    #   silu_mul 2048*4/2048 = 4; residual 1024/2048 = 0.5
    # Attention (kv 0: one key): 32 units per head, ceil(1/32) = 1 key per unit: H = 2 (q.k, p.v)
    #   and 1*2*128*2/256 = 2 B/cycle reads; output reduce 128*4/64 = 8 link cycles -> work 8;
    #   hops 8 + 15 + 24 = 47; latency 3*2 = 6.
    # serial (work + hops + latency):
    #   20 + 45 + 5 + 61 + 43 + 20.5 + 47 + 6 + 47 + 2.5 = 297 per layer
    #   head: final_norm 2+16+2 = 20; lm_head (8 groups -> 1 L, link 256/64 = 4) 4+31+8 = 43;
    #         argmax 256/2048 + 16 + 2 = 18.125  -> 81.125
    assert float(decode_cycles(ONE, SPEC, 0, 0, 1, "serial")) == pytest.approx(297 + 81.125)
    # pipelined (max(work, hops) + latency):
    #   18 + 39 + 5 + 53 + 39 + 18 + 39 + 6 + 39 + 2.5 = 258.5; head 18 + 39 + 18 = 75
    assert float(decode_cycles(ONE, SPEC, 0, 0, 1, "pipelined")) == pytest.approx(258.5 + 75)
    # full: one token alone cannot overlap its attention with its own GEMMs
    assert float(decode_cycles(ONE, SPEC, 0, 0, 1, "full")) == pytest.approx(258.5 + 75)
    r = perf(ONE, SPEC, 0, 1, 0, overlap="serial")
    assert r.decode_tokens_per_s == pytest.approx(500e6 / 378.125)


def test_one_layer_prefill_by_hand():
    # 64 prompt tokens. Per-token works as in the decode test; attention: sum of contexts
    # 64*65/2 = 2080, 2080/32 = 65 keys per unit -> H 2*65 = 130; out reduce 64*128*4/64 = 512.
    # serial: attn_norm 128+16+2; qkv 384+31+8; rope 192+2; attention 512+47+6; o 256+39;
    #   residual_norm 160+16+2; gate_up 512+39; silu 256+2; down 512+39; residual 32+2 = 3195
    assert prefill_cycles(ONE, SPEC, 0, 64, 1, "serial") == pytest.approx(3195 + 81.125)
    # full: busiest resource = links: 64*(6+4+8+8) + 512 = 2176 (> L 1280, H 130, V 808.6);
    #   one token's chain 210.5 (hops dominate) < 2176; + latencies 48 -> 2224; head 75
    assert prefill_cycles(ONE, SPEC, 0, 64, 1, "full") == pytest.approx(2176 + 48 + 75)


def test_schedules_are_ordered():
    for m in (LLAMA32_3B, LLAMA3_8B):
        for kv in (0, 1000):
            s, p, f = (float(decode_cycles(m, SPEC, 16, kv, 1, o)) for o in OVERLAP_MODES)
            assert s > p == f  # one token: full cannot beat pipelined
            s, p, f = (float(decode_cycles(m, SPEC, 16, kv, 4, o)) for o in OVERLAP_MODES)
            assert s > p > f  # a batch streams through the layer
        s, p, f = (prefill_cycles(m, SPEC, 16, 512, 1, o) for o in OVERLAP_MODES)
        assert s > p > f


def test_decode_lower_bound_is_rom_stream():
    # every base weight group passes one compute cell once per token (two passes for INT4)
    for m in (LLAMA32_3B, LLAMA3_8B):
        groups = sum(l.weights * (m.layers if l.per_layer else 1) for l in m.linears()) / 128
        floor = groups * (m.base_bits // 2) / (256 * SPEC["l_unit.compute_cells"])
        for o in OVERLAP_MODES:
            assert floor < float(decode_cycles(m, SPEC, 16, 0, 1, o)) < 2 * floor


def test_batch_amortizes_latency_not_work():
    one = perf(LLAMA32_3B, SPEC, 16, 1, 256, 1)
    eight = perf(LLAMA32_3B, SPEC, 16, 1, 256, 8)
    assert one.decode_tokens_per_s < eight.decode_tokens_per_s < 8 * one.decode_tokens_per_s
    # the step's 8 tokens need at least 8 times the L-unit floor
    floor = sum(l.weights * (28 if l.per_layer else 1) for l in LLAMA32_3B.linears()) / 128 * 2 / (256 * 16)
    assert eight.decode_step_ms * 1e-3 * 500e6 > 8 * floor
    assert prefill_cycles(LLAMA32_3B, SPEC, 16, 128, 2) > prefill_cycles(LLAMA32_3B, SPEC, 16, 256, 1) * 0.99


def test_monotone_and_vectorized():
    kv = np.array([0, 512, 1024, 2048])
    c = decode_cycles(LLAMA32_3B, SPEC, 16, kv)
    assert np.all(np.diff(c) > 0)
    assert float(c[2]) == float(decode_cycles(LLAMA32_3B, SPEC, 16, 1024))
    t = [prefill_cycles(LLAMA32_3B, SPEC, 16, n) for n in (256, 1024, 2048)]
    assert t[0] < t[1] < t[2]


def test_does_not_fit_refused_unless_external_memory():
    # the 3B holds 2421 tokens of KV beside rank-16 LoRA (test_capacity): 4096 cached do not fit
    with pytest.raises(DoesNotFit, match="exceeds the 2421 tokens"):
        perf(LLAMA32_3B, SPEC, 16, 256, 4096)
    with pytest.raises(DoesNotFit, match="ROM"):  # the 8B INT2 with its lm_head is 0.5% over the ROM
        perf(LLAMA3_8B, SPEC, 16, 256, 0)
    with pytest.raises(DoesNotFit):  # a batch shares the SRAM: 2 x 1300 tokens > 2421
        perf(LLAMA32_3B, SPEC, 16, 1, 1299, batch=2)
    r = perf(LLAMA32_3B, SPEC, 16, 256, 4096, external_memory_gbps=68.3)
    assert r.fits == {"rom": True, "sram": False}
    # each step reads the 4097 - 2421 = 1676 spilled tokens (112 KiB each) and writes the new one
    assert r.decode_external_bytes_per_step == pytest.approx((1676 + 1) * 114688)
    compute_only = float(decode_cycles(LLAMA32_3B, SPEC, 16, 4096)) / 500e6
    assert r.decode_step_ms * 1e-3 == pytest.approx(compute_only + 1677 * 114688 / 68.3e9)
    # the 8B: 2,008,082,432 - 1,997,159,793 = 10,922,639 B of ROM (the lm_head's) read per token
    r8 = perf(LLAMA3_8B, SPEC, 16, 256, 0, external_memory_gbps=100)
    assert r8.decode_external_bytes_per_step == 2008082432 - 1997159793


def test_fig9_needs_prompt_plus_output_tokens():
    with pytest.raises(DoesNotFit):
        generation_tokens_per_s(LLAMA32_3B, SPEC, 16, 256, 4096)
    g = generation_tokens_per_s(LLAMA32_3B, SPEC, 16, 256, 2000)  # 2255 tokens fit
    assert perf(LLAMA32_3B, SPEC, 16, 1, 2254).decode_tokens_per_s < g < perf(LLAMA32_3B, SPEC, 16, 1, 256).decode_tokens_per_s


def test_more_compute_cells_is_faster():
    fast = SPEC.with_settings(["l_unit.compute_cells=32"])
    assert decode_cycles(LLAMA32_3B, fast, 16, 0) < decode_cycles(LLAMA32_3B, SPEC, 16, 0)


@pytest.mark.parametrize("kwargs", [dict(rank=-1), dict(batch=0), dict(overlap="eager")])
def test_bad_arguments(kwargs):
    args = dict(rank=16, batch=1, overlap="full") | kwargs
    with pytest.raises(InputError):
        perf(LLAMA32_3B, SPEC, args["rank"], 10, 0, args["batch"], args["overlap"])


def test_spec_every_param_has_unit_and_source():
    for p in SPEC.params.values():
        assert p.unit is not None and p.source.strip()
        if isinstance(p.value, (int, float)) and not isinstance(p.value, bool):
            assert p.source.startswith(("paper", "assumption", "repo", "Intel", "NVIDIA", "4 cores", "one add", "as above")), p.name
