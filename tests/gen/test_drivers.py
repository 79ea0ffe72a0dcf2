"""Driver chains sized from Liberty pin capacitance and tech-LEF wire capacitance, worked by hand."""

import pytest

from romalayout.gen.drivers import gate_cap_pf, line_chain, size_chain, wire_cap_pf


def test_gate_cap_from_liberty_and_cdl(sky130, asap7):
    # SKY130: inv_1 pin A 0.002302 pF (liberty.csv) over its CDL gate width 0.65 + 1.0 = 1.65 um,
    # times the array transistor's 0.42 um.
    assert gate_cap_pf(sky130) == pytest.approx(0.002302 / 1.65 * 0.42, rel=1e-9)
    # ASAP7: INVx1 pin A 0.000619928 pF over its 3 + 3 fins, times one fin.
    assert gate_cap_pf(asap7) == pytest.approx(0.000619928 / 6, rel=1e-9)


def test_wire_cap_from_tech_lef(sky130):
    # met1 c_pf_per_um 8.4743e-05 (metal_rc.csv, tech LEF) over 100 um.
    assert wire_cap_pf(sky130, "met1", 100.0) == pytest.approx(8.4743e-3, rel=1e-6)


def test_chain_by_logical_effort(sky130):
    # Load 0.08 pF from inv_1 (0.002302 pF): path effort F = 34.75. Two stages would need
    # 34.75^(1/2) = 5.9 > 4 per stage, so four: 34.75^(1/4) = 2.43. Ideal input caps
    # 2.302, 5.59, 13.57, 32.95 fF; nearest inverters in log scale (inv_2 4.459, inv_4 9.004,
    # inv_6 13.272, inv_16 33.442 fF): inv_1, inv_2, inv_6, inv_16.
    c = size_chain(sky130, 0.08)
    assert c.cells == tuple("sky130_fd_sc_hd__inv_%d" % k for k in (1, 2, 6, 16))
    assert c.stage_effort == pytest.approx((0.08 / 0.002302) ** 0.25, rel=1e-9)


def test_small_load_gets_two_stages(sky130):
    # 0.005 pF: F = 2.17, two stages of 1.47: inv_1 then the inverter nearest 3.39 fF
    # (inv_1 2.302: log ratio 0.39; inv_2 4.459: 0.27): inv_2.
    assert size_chain(sky130, 0.005).cells == ("sky130_fd_sc_hd__inv_1", "sky130_fd_sc_hd__inv_2")


def test_line_load(sky130):
    # 64 gates and 33.28 um of met1.
    c = line_chain(sky130, 64, 33.28, "met1")
    assert c.load_pf == pytest.approx(64 * 0.002302 / 1.65 * 0.42 + 33.28 * 8.4743e-05, rel=1e-9)
