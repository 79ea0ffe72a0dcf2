import pytest

from romalayout.chip.capacity import MIB, fit, max_kv_tokens, paper_implied_kv, rom_packing
from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B
from romalayout.chip.spec import load_spec

SPEC = load_spec()


def test_rom_3b_int4_bytes():
    r = rom_packing(LLAMA32_3B, SPEC)
    w = sum(l.weights * (28 if l.per_layer else 1) for l in LLAMA32_3B.linears())
    groups = w // 128
    assert r.total_bytes == w // 2 + 2 * groups + groups // 4  # 4-bit weights + FP16 scale + UInt2 zero
    assert r.fits and r.input_embedding is None  # tied: lm_head doubles as the embedding table


def test_rom_8b_int2_bytes_and_overflow():
    r = rom_packing(LLAMA3_8B, SPEC)
    layer_bytes = sum(p.total_bytes for p in r.parts if p.name != "lm_head")
    # the 32 decoder layers alone fit 1.86 GiB; with the INT2 lm_head the total exceeds it by ~0.5%
    assert layer_bytes < r.capacity_bytes < r.total_bytes < 1.01 * r.capacity_bytes
    assert not r.fits and r.input_embedding.total_bytes == r.parts[-1].total_bytes


def test_kv_capacity_arithmetic():
    c = max_kv_tokens(LLAMA32_3B, 16, 64, SPEC)
    assert c.kv_bytes_per_token == 114688
    per_unit_free = 64 * MIB // 256 - -(-c.lora_bytes // 256)
    assert c.max_tokens == per_unit_free // (114688 // 256)
    assert max_kv_tokens(LLAMA32_3B, 64, 64, SPEC).max_tokens == 0  # paper Fig. 10: rank 64 leaves no room
    assert max_kv_tokens(LLAMA32_3B, 16, 256, SPEC).max_tokens > c.max_tokens


def test_paper_fig10_implies_64kib_per_token():
    per_token, other = paper_implied_kv(64, 736, 256, 3808)
    assert per_token == 65536 and other == 18 * MIB


def test_fit_3b_by_hand():
    # KV per token: K and V x 28 layers x 8 KV heads x 128 x 2 B = 114,688 B (448 B per H-unit)
    # LoRA rank 16, FP8: 16 x 28 x sum(in + out) over q, k, v, o, gate, up, down
    #   = 16 x 28 x (6144 + 4096 + 4096 + 6144 + 11264 + 11264 + 11264) = 24,313,856 B
    # SRAM 288 MiB / 256 units = 1,179,648 B per unit; LoRA 94,976 B per unit
    # -> (1,179,648 - 94,976) // 448 = 2421 tokens
    f = fit(LLAMA32_3B, SPEC, 16, 2421)
    assert (f.lora_bytes, f.kv_bytes_per_token, f.max_kv_tokens) == (24313856, 114688, 2421)
    assert f.rom and f.sram and f.problem() == ""
    assert not fit(LLAMA32_3B, SPEC, 16, 2422).sram
    assert fit(LLAMA32_3B, SPEC, 16, 1210, batch=2).sram  # the batch shares the SRAM
    g = fit(LLAMA32_3B, SPEC, 16, 1211, batch=2)
    assert not g.sram and g.kv_spill_tokens == 1 and "2422 tokens (2 x 1211)" in g.problem()
    j = f.to_json()
    assert j["fits"] == {"rom": True, "sram": True}
    assert j["sram"]["utilization"] == pytest.approx((24313856 + 2421 * 114688) / (288 * MIB))


def test_fit_rank_64_and_8b_rom():
    # Section I claims 4K tokens of KV and rank-64 LoRA in the SRAM: 4096 x 112 KiB = 448 MiB alone
    assert not fit(LLAMA32_3B, SPEC, 64, 4096).sram
    f8 = fit(LLAMA3_8B, SPEC, 16, 0)
    assert not f8.rom and f8.rom_spill_bytes == f8.rom_bytes - f8.rom_capacity_bytes > 0
    assert f8.sram
