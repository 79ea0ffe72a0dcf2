"""Placement, routing estimate, utilization and sizing on small designs (issue 5)."""

import json

import numpy as np
import pytest

from romalayout.design import build
from romalayout.netlist import NetlistBuilder
from romalayout.netlist.logic import LogicBuilder
from romalayout.place.floorplan import Floorplan, LogicRegion, Rect, spread_lines
from romalayout.place.partition import partition
from romalayout.place.placer import Placement, check_legality, place
from romalayout.place.route import estimate_routes
from romalayout.place.rules import Targets, default_rules
from romalayout.place.sizing import size_macro
from romalayout.place.layers import assign_layers
from romalayout.place.utilization import blockages, utilization
from romalayout.gen.devices import NMOS
from romalayout.errors import InputError


def inverter_chain(tech, n):
    nb = NetlistBuilder("chain")
    lb = LogicBuilder(nb, tech)
    a = nb.new_net("a")
    nb.add_port("a", "input", a)
    for _ in range(n):
        a = lb.gate("inv", "compute", A=a)
    nb.add_port("y", "output", a)
    nb.attributes["kind"] = "compute"
    return nb.build()


def test_single_row_of_cells_by_hand(sky130):
    """N inverters abutted in one full row: base 1, wire = centre distance, li1 fully blocked,
    met1 loses one rail track."""
    n = 10
    nl = inverter_chain(sky130, n)
    part = partition(nl, sky130)
    w_um = n * 1.38
    rect = Rect(0.0, 0.0, w_um, 2.72)
    fp = Floorplan(rect, None, None, None, 0, 0.0, 0.0, {"core": LogicRegion("core", rect, 1, 3 * n, 1.0)})
    pl = place(nl, sky130, part, fp, improve_iters=0)
    assert np.allclose(np.sort(pl.x0_um), 1.38 * np.arange(n))
    rules = default_rules(sky130)
    bl = blockages(nl, sky130, part, pl, rules)
    rt = assign_layers(sky130, estimate_routes(nl, sky130, part, pl), fp.regions(), pl, bl, rules)
    u = utilization(sky130, pl, rt, bl)
    assert u.base_utilization == pytest.approx(1.0)
    wl = u.wirelength_um()
    assert sum(wl.values()) == pytest.approx(1.38 * (n - 1))
    assert set(k for k, v in wl.items() if v > 0) <= {"met1", "met3"}  # horizontal logic layers
    cap = dict(zip(u.layers, u.usage.capacity_um))
    assert cap["li1"] == pytest.approx(0.0, abs=1e-9)
    assert cap["met1"] == pytest.approx(w_um * 2.72 / 0.34 - w_um)
    assert cap["met3"] == pytest.approx(w_um * 2.72 / 0.68)
    # Poured top-down to equal fractions of the free tracks of met1 and met3.
    mu = u.metal_utilization()
    assert mu["met1"] == pytest.approx(mu["met3"], abs=0.1)


def rom4x4(tech):
    nb = NetlistBuilder("rom4x4")
    nb.add_type(NMOS)
    wl = nb.new_nets(4, "wl")
    bl = nb.new_nets(4, "bl")
    r, c = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    r, c = r.ravel(), c.ravel()
    nb.add_many("nmos", "array", np.stack([bl[c], wl[r], np.zeros(16, np.int64)], axis=1))
    nb.attributes.update(kind="rom", array_rows=4, array_cols=4, array_lines_per_row=1,
                         array_device_row=r, array_device_col=c)
    return nb.build()


def test_4x4_array_by_hand(sky130):
    m = size_macro(rom4x4(sky130), sky130)
    j = m.to_json()
    area = (4 * 0.52) * (4 * 0.43)
    assert j["area_um2"] == pytest.approx(area)
    assert j["base_utilization"] == pytest.approx(1.0)
    # 4 bit lines on li1 from row 0 to row 3 centres; 4 word lines on met1, col 0 to col 3.
    assert j["wirelength_um"]["li1"] == pytest.approx(4 * 3 * 0.43)
    assert j["wirelength_um"]["met1"] == pytest.approx(4 * 3 * 0.52)
    assert j["metal_utilization"]["li1"] == pytest.approx(4 * 3 * 0.43 / (area / 0.46), rel=1e-5)
    assert j["metal_utilization"]["met1"] == pytest.approx(4 * 3 * 0.52 / (area / 0.34), rel=1e-5)
    assert j["binding_layer"] == "base" and j["targets_met"]


def test_row_pitch_derivation(sky130, asap7):
    layers, span, top = spread_lines(sky130, 15, default_rules(sky130).horizontal)
    assert (layers.count("met1"), layers.count("met3"), span) == (10, 5, pytest.approx(3.4))
    layers, span, top = spread_lines(asap7, 15, default_rules(asap7).horizontal)
    assert span == pytest.approx(0.216) and top == "M2"
    assert spread_lines(sky130, 1, ("met1", "met3"))[1] == pytest.approx(0.34)


@pytest.mark.parametrize("kind", ["rom", "brom", "sram", "compute"])
def test_legal_and_deterministic(asap7, kind):
    d = build(asap7, kind, 64, 8)
    a = size_macro(d.netlist, asap7)
    b = size_macro(build(asap7, kind, 64, 8).netlist, asap7)
    assert check_legality(a.placement).ok
    assert json.dumps(a.to_json(), sort_keys=True) == json.dumps(b.to_json(), sort_keys=True)
    # Every instance lies inside its region and the base utilization adds up.
    r = a.floorplan.region
    assert a.placement.x0_um.min() >= -1e-9 and a.placement.x1_um.max() <= r.x1_um + 1e-9
    assert a.utilization.base_utilization == pytest.approx(a.placement.area_um2.sum() / r.area_um2)


def test_overlap_is_detected(asap7):
    m = size_macro(rom4x4(asap7), asap7)
    p = m.placement
    x0 = p.x0_um.copy()
    x0[1] = x0[0] + 0.01  # push device 1 onto device 0
    bad = Placement(p.floorplan, x0, p.y0_um, x0 + (p.x1_um - p.x0_um), p.y1_um)
    leg = check_legality(bad)
    assert leg.overlaps >= 1 and not leg.ok
    out = Placement(p.floorplan, p.x0_um + 100.0, p.y0_um, p.x1_um + 100.0, p.y1_um)
    assert check_legality(out).outside == 16


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_direction_of_the_paper_claim(pdk, request):
    """B-ROM: sparse base, more horizontal metal per bit than a standard ROM."""
    tech = request.getfixturevalue(pdk)
    rom = size_macro(build(tech, "rom", 256, 16).netlist, tech).to_json()
    brom = size_macro(build(tech, "brom", 256, 16).netlist, tech).to_json()
    assert brom["regions"]["array"]["base_utilization"] < 0.5 * rom["regions"]["array"]["base_utilization"]
    horiz = lambda j: sum(v for k, v in j["wirelength_um"].items() if tech.metal(k).direction == "horizontal")
    assert horiz(brom) > 1.5 * horiz(rom)
    # The B-ROM array row is set by its line tracks, the ROM row by its device.
    assert brom["array"]["row_pitch_um"] > 4 * tech.rom_bitcell.height_um * 0.9
    assert rom["regions"]["array"]["binding"] == "base"


def test_bad_targets_and_layers(sky130):
    with pytest.raises(InputError, match="target metal must be in"):
        Targets(metal=1.5)
    with pytest.raises(InputError, match="max layer 'met9'"):
        default_rules(sky130, "met9")
