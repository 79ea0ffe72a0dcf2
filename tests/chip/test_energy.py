import pytest

from romalayout.chip.area import chip_area
from romalayout.chip.energy import ActionEnergies, Actions, action_energies, actions, energy, hop_energy_pj_per_bit, point_energy
from romalayout.chip.layout import load_layout_data
from romalayout.chip.models import LLAMA32_3B
from romalayout.chip.perf import perf
from romalayout.chip.spec import load_spec
from romalayout.tech import load_technology

SPEC = load_spec()


def test_fp16_mac_and_vector_op_from_liberty():
    # pdk/asap7/liberty.csv, NAND2xp33: internal energy (e_int_mid_fj) 0.0749896 fJ per output
    # transition; input caps A 0.000336683 pF, B 0.000346682 pF (mean 0.3416825 fF); 0.7 V.
    # Per toggle: 0.0749896 + 1/2 x 2 inputs x 0.3416825 fF x 0.49 V^2 = 0.2424139 fJ.
    # FP16 MAC: 3000 NAND2-eq x activity 0.15 x 0.2424139 fJ = 109.086 fJ.
    # Vector op: 4000 NAND2-eq x 0.15 x 0.2424139 fJ = 145.448 fJ.
    e = action_energies(SPEC)
    assert e.fp16_mac_pj == pytest.approx(0.109086, rel=1e-4)
    assert e.vector_op_pj == pytest.approx(0.145448, rel=1e-4)


def test_hop_energy_from_metal_rc_and_liberty():
    # pdk/asap7/metal_rc.csv M8: 0.000103962 pF/um. A 1000 um link bit toggling with p = 0.5:
    #   0.5 x 1/2 x 0.103962 pF x 0.49 V^2 = 0.0127353 pJ
    # receiving DFFHQNx1: CLK pin 0.000474736 pF x 0.49 = 0.00023262 pJ per transfer, plus
    #   0.5 x 1.09592 fJ internal per output toggle = 0.00054796 pJ
    e, _ = hop_energy_pj_per_bit(load_technology("asap7"), SPEC, 1000.0)
    assert e == pytest.approx(0.0127353 + 0.00023262 + 0.00054796, rel=1e-4)


def test_rom_read_and_sram_access_from_the_layout_record():
    rec = load_layout_data().record
    brom = {p["depth"]: p for p in rec["designs"]["brom+compute"]}[1024]["by_block_mw"]
    sram = {p["depth"]: p for p in rec["designs"]["sram+compute"]}[512]["by_block_mw"]
    e = action_energies(SPEC)
    # one 1024-word bank read per cycle at 500 MHz: memory blocks' mW / 500 MHz = nJ; per 274-bit word
    mem = lambda b: sum(v for k, v in b.items() if k not in ("compute", "inputs"))
    assert e.rom_read_pj == pytest.approx(mem(brom) / 500 * 1e3)
    assert e.rom_read_pj_per_bit == pytest.approx(mem(brom) / 500 * 1e3 / 274)
    assert e.lunit_op_pj == pytest.approx((brom["compute"] + brom["inputs"]) / 500 * 1e3)
    assert e.sram_pj_per_bit == pytest.approx(mem(sram) / 500 * 1e3 / 274)
    # a B-ROM read is cheaper per bit than an SRAM read, as the paper's Fig. 12 has it
    assert e.rom_read_pj_per_bit < e.sram_pj_per_bit


def test_energy_sums_actions_by_hand():
    e = ActionEnergies(rom_read_pj=2.0, rom_read_pj_per_bit=2 / 274, lunit_op_pj=3.0, sram_pj_per_bit=0.1, fp16_mac_pj=0.5,
                       vector_op_pj=0.25, hop_pj_per_bit=0.01, external_pj_per_bit=4.0,
                       leakage_w={"l_unit": 1.0, "h_unit": 0.5, "vector_unit": 0.0, "router": 0.0, "external": 0.0}, derivation={})
    a = Actions(rom_reads=1e6, lunit_ops=1e6, h_sram_bits=1e6, macs=2e6, vector_ops=4e5, vector_sram_bits=1e5, bit_hops=1e7)
    r = energy(a, e, tokens=2, seconds=1e-5, external_bytes=1000)
    # pJ: rom 2e6 + compute 3e6 + h sram 1e5 + macs 1e6 + vector 1e5 + vector sram 1e4 + links 1e5
    #     + external 8000 bits x 4 = 32000 + leakage 1.5 W x 1e-5 s = 1.5e7 pJ
    total_pj = 2e6 + 3e6 + 1e5 + 1e6 + 1e5 + 1e4 + 1e5 + 32000 + 1.5e7
    assert r.total_uj == pytest.approx(total_pj * 1e-6)
    assert r.per_token_uj == pytest.approx(total_pj * 1e-6 / 2)
    assert r.power_w == pytest.approx(total_pj * 1e-12 / 1e-5)
    assert r.by_block_uj["l_unit"] == pytest.approx((2e6 + 3e6 + 1e7) * 1e-6)


def test_decode_actions_of_the_3b():
    a = actions(LLAMA32_3B, SPEC, 16, 1, 0)
    # ROM words per token: every stored group once per UInt2 pass (INT4: 2 passes)
    groups = sum(l.out_features * (l.in_features // 128) * (28 if l.per_layer else 1) for l in LLAMA32_3B.linears())
    assert a.rom_reads == 2 * groups
    # H-unit SRAM: LoRA (FP8) once + K and V of the one key (28 x 2 x 8 x 128 x 2 B) read and written
    assert a.h_sram_bits == 8 * (LLAMA32_3B.lora_params(16) + 2 * 114688)
    longer = actions(LLAMA32_3B, SPEC, 16, 1, 1023)
    assert longer.h_sram_bits - a.h_sram_bits == 8 * 1023 * 114688  # 1023 more keys read


def test_point_energy_and_power():
    r = perf(LLAMA32_3B, SPEC, 16, 256, 1024)
    pe = point_energy(LLAMA32_3B, SPEC, r)
    assert pe.decode.power_w == pytest.approx(pe.decode.per_token_uj * 1e-6 * r.decode_tokens_per_s)
    assert pe.decode.by_block_uj["l_unit"] > pe.decode.by_block_uj["h_unit"] > pe.decode.by_block_uj["router"] > 0
    slower = perf(LLAMA32_3B, SPEC, 16, 256, 1024, overlap="serial")
    pe_s = point_energy(LLAMA32_3B, SPEC, slower)
    assert pe_s.decode.power_w < pe.decode.power_w  # same work over more time
    assert pe_s.decode.per_token_uj > pe.decode.per_token_uj  # more leakage per token


def test_area_blocks():
    a = chip_area(SPEC)
    # H-unit SRAM: 288 MiB x 8 bits x 0.02916 um^2 (ASAP7 6T) / 0.7 = 100.64 mm^2
    assert a.block("h_unit_sram").area_mm2 == pytest.approx(288 * 2**20 * 8 * 0.02916 / 0.7 / 1e6)
    # L-units: 4096 compute cells, each 1904.64 MiB / 4096 / 274 bits = 14,236 words
    assert a.l_slice.words == pytest.approx(1904.64 * 2**20 * 8 / 4096 / 274)
    assert a.block("l_unit").area_mm2 == pytest.approx(4096 * a.l_slice.area_um2 / 1e6)
    doubled = chip_area(SPEC.with_settings(["area.asap7_to_7nm_area_scale=2"]))
    assert doubled.total_mm2 == pytest.approx(2 * a.total_mm2)
