"""Fused cell (issue 6): L-unit netlists, the fused region's legality and utilization, the
four designs in both PDKs, the CLI contract."""

import json

import numpy as np
import pytest

from romalayout.cli import main
from romalayout.fused.designs import DESIGNS, evaluate, layer_caps, make_slice
from romalayout.fused.lunit_netlist import MEMORIES, compose, memory_netlist, random_activations, random_groups, verify
from romalayout.gen import compute
from romalayout.place import check_legality
from romalayout.place.fused import bands, fixed_segments
from romalayout.place.utilization import rect_usage

DEPTH, GROUP = 32, 8  # 32 words x 34 bits: seconds per PDK


@pytest.fixture(scope="module", params=["sky130", "asap7"])
def results(request):
    from romalayout.tech import load_technology

    tech = load_technology(request.param)
    sl = make_slice(tech, DEPTH, GROUP, 2, seed=1, cycles=64)
    return tech, sl, {r.name: r for r in evaluate(sl, seed=1)}


def test_lunit_netlist_computes_group_dot_exact(sky130):
    bits = random_groups(16, 8, 2, 3)[0]
    comp = compute.generate(sky130, 8, 2)
    for kind in MEMORIES:
        nl, _ = compose(memory_netlist(sky130, kind, bits), comp, kind)
        r = verify(nl, bits, 8, 2, np.array([0, 5, 9, 15]), random_activations(4, 8, 4))
        assert r["ok"], (kind, r)


def test_four_designs_reported_and_functional(results):
    tech, sl, res = results
    assert tuple(res) == DESIGNS
    for r in res.values():
        j = r.to_json()
        assert j["area_um2"] > 0 and j["power_mw"] > 0 and 0 < j["base_utilization"] <= 1
        assert set(j["metal_utilization"]) == {m.name for m in tech.metals}
        assert j["function"]["ok"]
        assert r.power.leakage_mw > 0 and r.power.switching_mw > 0


def test_fused_region_is_legal(results):
    _, _, res = results
    sm = res["fused"].macros[0]
    legal = check_legality(sm.placement)
    assert legal.ok and legal.n_objects == sm.netlist.n_instances
    fp, pl = sm.floorplan, sm.placement
    r = fp.region
    assert np.all(pl.x0_um >= r.x0_um - 1e-6) and np.all(pl.x1_um <= r.x1_um + 1e-6)
    assert np.all(pl.y0_um >= r.y0_um - 1e-6) and np.all(pl.y1_um <= r.y1_um + 1e-6)
    # Every standard cell sits on a site row of the fused region, on the site grid.
    cells = sm.partition.logic["fused"]
    rows = np.asarray(fp.logic["fused"].row_y_um)
    assert np.all(np.min(np.abs(pl.y0_um[cells][:, None] - rows[None, :]), axis=1) < 1e-6)
    sw = sm.tech.site_width_um
    assert np.allclose(np.round(pl.x0_um[cells] / sw) * sw, pl.x0_um[cells], atol=1e-6)


def test_fused_utilization_adds_up(results):
    tech, _, res = results
    sm = res["fused"].macros[0]
    fp, pl, u = sm.floorplan, sm.placement, sm.utilization
    nl, part = sm.netlist, sm.partition
    # base = (device area + cell area) / region area
    cells = part.logic["fused"]
    cell_area = sum(tech.cells[nl.types[int(t)].name].width_um * tech.site_height_um for t in nl.inst_type[cells])
    dev = np.concatenate([part.array, part.edge])
    dev_area = float((pl.area_um2[dev]).sum())
    assert u.base_utilization == pytest.approx((dev_area + cell_area) / fp.region.area_um2, rel=1e-9)
    # metal = used / available, available = area / pitch - blockages (cells on the lowest layer,
    # one rail track per site row on the next)
    pitch = np.array([m.pitch_um for m in tech.metals])
    cap = fp.region.area_um2 / pitch
    rules = sm.rules
    lo, rail = tech.metal(rules.blocked_layer).index, tech.metal(rules.rail_layer).index
    cap[lo] -= cell_area / pitch[lo]
    cap[rail] -= fp.logic["fused"].n_rows * fp.region.width_um
    assert np.allclose(u.usage.capacity_um, np.maximum(cap, 0), rtol=1e-9, atol=1e-6)
    mu = u.metal_utilization()
    for m in tech.metals:
        if cap[m.index] > 0:
            assert mu[m.name] == pytest.approx(u.usage.demand_um[m.index] / cap[m.index])
    # per-layer demand = array lines + memory logic + compute logic (segments split by part)
    fixed = fixed_segments(sm)
    n_mem = int(np.flatnonzero(np.isin(nl.inst_block, [nl.blocks.index(b) for b in nl.blocks if b != "compute"])).size)
    comp_net = np.zeros(nl.n_nets, bool)
    comp_net[nl.pin_net[nl.pin_offset[n_mem]:][nl.pin_net[nl.pin_offset[n_mem]:] > 1]] = True
    parts = [fixed, ~fixed & ~comp_net[sm.routes.net], ~fixed & comp_net[sm.routes.net]]
    total = sum(rect_usage(tech, fp.region, pl, sm.routes.subset(p), sm.blockage).demand_um for p in parts)
    assert np.allclose(total, u.usage.demand_um)
    # the array's line tracks hold their lines: every row line is on a horizontal layer, column lines on the vertical one above the cell-blocked layer
    assert set(fp.grid.col_slots.layers) <= set(rules.logic_vertical)


def test_separate_designs_are_sums_of_macros(results):
    _, _, res = results
    for name in DESIGNS[:3]:
        r = res[name]
        mem, comp = r.macros
        assert r.area_um2 == pytest.approx(mem.floorplan.region.area_um2 + comp.floorplan.region.area_um2)
        assert r.extra["bbox_area_um2"] >= r.area_um2 - 1e-6


def test_bands_geometry():
    b = bands(10, 5, 0.216, 0.054, 0.27)  # ASAP7 B-ROM rows: five rows hold three site rows
    assert b.band_rows == 5 and b.site_rows == 6
    assert b.row_y_um[0] == pytest.approx(5 * 0.054)
    b1 = bands(3, 1, 3.4, 0.43, 2.72)  # SKY130: one site row per B-ROM row
    assert b1.site_rows == 3 and b1.row_y_um[1] == pytest.approx(3.4 + 0.43)


def test_m1_placeholder_capacitance(asap7):
    c, note = layer_caps(asap7)
    assert c[0] == c[1] and "placeholder" in note


def test_cli_contract(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["fused", "--pdk", "asap7", "--depth", "8", "--group", "4", "--cycles", "16", "--out", str(out)]) == 0
    rep = json.loads((out / "fused.json").read_text())
    assert [d["name"] for d in rep["designs"]] == list(DESIGNS)
    for d in rep["designs"]:
        assert {"name", "area_um2", "power_mw", "base_utilization", "metal_utilization"} <= set(d)
        assert all(isinstance(v, float) for v in d["metal_utilization"].values())
    assert rep["control"]["separate_area_um2"] > 0 and "fused_saving_area" in rep["control"]
    png = (out / "fig12.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # deterministic
    out2 = tmp_path / "o2"
    assert main(["fused", "--pdk", "asap7", "--depth", "8", "--group", "4", "--cycles", "16", "--out", str(out2)]) == 0
    assert (out2 / "fused.json").read_bytes() == (out / "fused.json").read_bytes()
    assert (out2 / "fig12.png").read_bytes() == png


@pytest.mark.parametrize("argv", [
    ["--depth", "30"], ["--depth", "8", "--width", "100"], ["--pdk", "nope"], ["--depth", "8", "--group", "4", "--base-target", "1.5"],
    ["--depth", "8", "--group", "4", "--max-layer", "met9"], ["--depth", "8", "--weight-bits", "3"],
])
def test_cli_bad_input(tmp_path, capsys, argv):
    out = tmp_path / "bad"
    assert main(["fused", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("romalayout: error:") and err.count("\n") == 1
    assert not out.exists() or not any(out.iterdir())


def test_cli_gds_views(tmp_path):
    out = tmp_path / "g"
    assert main(["fused", "--pdk", "asap7", "--depth", "4", "--group", "2", "--cycles", "8", "--gds", "--out", str(out)]) == 0
    for name in DESIGNS:
        for f in ("design.gds", "design.lyp", "design.png"):
            assert (out / name / f).stat().st_size > 0
