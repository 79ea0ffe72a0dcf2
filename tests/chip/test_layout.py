import json

import pytest

from romalayout.chip.layout import COMMAND, LayoutData, estimate_slices, load_layout_data
from romalayout.errors import InputError


def _record(**designs):
    return {"command": COMMAND, "pdk": "asap7", "vdd_v": 0.7, "frequency_mhz": 500.0, "group": 128, "weight_bits": 2,
            "word_bits": 274, "designs": designs}


def _pt(depth, area, memory, compute, mem_mw, comp_mw, leak):
    return {"depth": depth, "area_um2": area, "memory_um2": memory, "compute_um2": compute, "power_mw": mem_mw + comp_mw,
            "leakage_mw": leak, "by_block_mw": {"array": mem_mw, "compute": comp_mw}}


def test_banked_memory_by_hand():
    rec = _record(**{"brom+compute": [_pt(512, 1600, 600, 1000, 1.0, 5.0, 0.01), _pt(1024, 2100, 1100, 1000, 1.5, 5.0, 0.02)]})
    s = LayoutData(rec, "synthetic").at_depth("brom+compute", 2500, 1024)
    # 2500 words = 2 banks of 1024 + 452 words; memory line through (512, 600) and (1024, 1100):
    # 600 + (1100 - 600) / 512 x (452 - 512) = 541.40625 um^2
    assert s.banks == 3
    assert s.memory_um2 == pytest.approx(2 * 1100 + 541.40625)
    assert s.area_um2 == pytest.approx(2 * 1100 + 541.40625 + 1000)
    # one 1024-word bank read per cycle: 1.5 mW / 500 MHz = 3 pJ per 274-bit word; compute 10 pJ
    assert s.read_pj == pytest.approx(3.0) and s.read_pj_per_bit == pytest.approx(3.0 / 274)
    assert s.compute_op_pj == pytest.approx(10.0)
    # leakage along the line at 2500 words: 0.01 + 0.01 / 512 x 1988
    assert s.leakage_mw == pytest.approx(0.01 + 0.01 / 512 * 1988)
    with pytest.raises(InputError, match="measured depths"):
        LayoutData(rec, "synthetic").at_depth("brom+compute", 2500, 2048)


def test_fused_follows_the_line():
    fused = [dict(_pt(512, 5000, None, None, 2.0, 7.0, 0.0), memory_um2=None, compute_um2=None),
             dict(_pt(1024, 7000, None, None, 3.0, 7.0, 0.0), memory_um2=None, compute_um2=None)]
    s = LayoutData(_record(fused=fused), "synthetic").at_depth("fused", 2048, 1024)
    assert s.area_um2 == pytest.approx(7000 + 2000 / 512 * 1024) and s.banks == 1
    assert s.read_pj == pytest.approx((3.0 + 1.0 / 512 * 1024) / 500 * 1e3)


def test_stored_record_names_its_command():
    d = load_layout_data()
    assert d.record["command"] == COMMAND and d.record["pdk"] == "asap7"
    assert d.path == "romalayout/data/chip/lunit_layout_asap7.json"
    assert set(d.record["designs"]) == {"sram+compute", "rom+compute", "brom+compute", "fused"}
    for pts in d.record["designs"].values():
        assert [p["depth"] for p in pts] == [512, 1024]


def test_bad_record(tmp_path):
    p = tmp_path / "r.json"
    p.write_text(json.dumps({"command": COMMAND}))
    with pytest.raises(InputError, match="lacks"):
        load_layout_data(p)
    with pytest.raises(InputError, match="cannot read layout data"):
        load_layout_data(tmp_path / "missing.json")


def test_estimator_end_to_end_small():
    # the same function the flow runs, on an 8- and 16-word slice of 8-weight groups (~3 s)
    rec = estimate_slices("asap7", depths=(8, 16), group=8, designs=("brom+compute", "sram+compute"))
    d = LayoutData(rec, "small")
    assert d.word_bits == 8 * 2 + 18
    b8, b16 = d.points("brom+compute")
    assert b16["memory_um2"] > b8["memory_um2"] > 0 and b16["compute_um2"] == b8["compute_um2"] > 0
    assert d.read_energy_pj(b16) > d.read_energy_pj(b8) > 0  # longer bit lines
    s8, _ = d.points("sram+compute")
    assert d.read_energy_pj(s8) > d.read_energy_pj(b8)  # an SRAM read swings more than a B-ROM read
    with pytest.raises(InputError, match="two different depths"):
        estimate_slices("asap7", depths=(8,), group=8)
