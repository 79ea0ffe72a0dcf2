import numpy as np
import pytest

from romalayout.design import build
from romalayout.netlist import NetlistBuilder
from romalayout.netlist.logic import LogicBuilder
from romalayout.power import estimate
from romalayout.sim import Simulator


def test_inverter_chain_hand_computed(sky130):
    """in -> inv -> inv -> out, input toggling every cycle: every number by hand."""
    nb = NetlistBuilder("t")
    lb = LogicBuilder(nb, sky130)
    a = nb.new_net("a")
    b = lb.inv(a, "logic")
    c = lb.inv(b, "logic")
    nb.add_port("a", "input", a)
    nb.add_port("c", "output", c)
    n = nb.build()
    toggles, low = Simulator(n).activity({"a": np.arange(64) % 2})
    assert toggles[a] == toggles[b] == toggles[c] == 1.0
    p = estimate(n, sky130, toggles, low, frequency_mhz=100.0)
    inv = sky130.cells["sky130_fd_sc_hd__inv_1"]
    cin = inv.input_cap_pf["A"]
    v = sky130.vdd_v
    # nets a and b each carry one inverter input; c has no sink.
    assert p.switching_mw == pytest.approx(2 * 0.5 * cin * v * v * 1e-12 * 100e6 * 1e3)
    assert p.internal_mw == pytest.approx(2 * inv.e_int_fj * 1e-15 * 100e6 * 1e3)
    assert p.leakage_mw == pytest.approx(2 * inv.leakage_nw * 1e-6)
    assert p.total_mw == pytest.approx(sum(p.by_block_mw.values()))


def test_quiet_inputs_burn_only_leakage(asap7):
    d = build(asap7, "rom", 32, 8, seed=2)
    toggles, low = Simulator(d.netlist).activity({"addr": np.zeros(16, dtype=int)})
    assert toggles.sum() == 0
    p = estimate(d.netlist, asap7, toggles, low)
    # Address 0 stays selected: bit lines of 1-bits stay low and are recharged every cycle.
    ones = int(d.contents[0].sum())
    assert p.switching_mw > 0 if ones else p.switching_mw == 0
    assert p.leakage_mw > 0


def test_power_orders_sram_rom_brom(sky130):
    """With the same random reads: SRAM > ROM > B-ROM (the ordering of the paper's Fig. 12)."""
    powers = {}
    addr = np.random.default_rng(0).integers(0, 512, 512)
    for kind in ("sram", "rom", "brom"):
        d = build(sky130, kind, 512, 64, seed=1)
        inputs = {"addr": addr}
        state = None
        if kind == "sram":
            inputs.update({"din": np.zeros((512, 64), bool), "we": np.zeros(512, int)})
            state = d.contents.ravel()
        t, low = Simulator(d.netlist).activity(inputs, state)
        powers[kind] = estimate(d.netlist, sky130, t, low).total_mw
    assert powers["sram"] > powers["rom"] > powers["brom"]
