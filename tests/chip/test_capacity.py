from romalayout.chip.capacity import MIB, max_kv_tokens, paper_implied_kv, rom_packing
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
