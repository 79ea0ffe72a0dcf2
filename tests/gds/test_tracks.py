"""Track assignment primitives and the assigner on hand-made routes."""

import numpy as np
import pytest

from romalayout.gds.assign import RouteSegments, assign_tracks
from romalayout.gds.bridges import same_net_bridges
from romalayout.gds.cells import default_vias
from romalayout.gds.lef import read_lef, tech_lef_path
from romalayout.gds.tracks import Occupancy, conflicts, pack_key


def _a(*v):
    return np.array(v, np.int64)


def test_conflicts_flags_the_later_of_a_close_pair_only():
    key = pack_key(0, 1, _a(5, 5, 5, 6))
    # net 1 [0, 100]; net 2 starts 40 later (< spacing 50): clash; net 3 on the same track
    # starts exactly a spacing after net 2 ends: fine; net 4 on another track: fine.
    a0, a1, net = _a(0, 140, 250, 0), _a(100, 200, 400, 1000), _a(1, 2, 3, 4)
    assert conflicts(key, a0, a1, net, _a(50, 50, 50, 50)).tolist() == [False, True, False, False]
    # The same net overlapping itself, or closer than the spacing, never clashes.
    assert not conflicts(key[:2], a0[:2], a1[:2], _a(7, 7), _a(50, 50)).any()


def test_occupancy_checks_spacing_and_merges_a_net():
    occ = Occupancy(pack_key(0, 1, _a(5)), _a(0), _a(100), _a(1))
    k = int(pack_key(0, 1, 5))
    assert not occ.is_free(k, 120, 200, 2, 50)  # 20 from net 1's end
    assert occ.is_free(k, 150, 200, 2, 50)
    assert occ.is_free(k, 50, 300, 1, 50)  # its own net
    occ.add(k, 150, 200, 2, 50)
    assert not occ.is_free(k, 210, 260, 3, 50)
    assert occ.is_free(int(pack_key(0, 1, 6)), 0, 1000, 3, 50)  # another track


def test_bridges_close_a_same_net_gap_only():
    # Two pads of net 1 with a 30 gap along x (< spacing 50), one of net 2 as close: only
    # the same-net gap is bridged, across the wider pad's height.
    layer, net = _a(1, 1, 1), _a(1, 1, 2)
    x0, y0, x1, y1 = _a(0, 130, 260), _a(0, -10, 0), _a(100, 230, 360), _a(40, 50, 40)
    bl, rects = same_net_bridges(layer, net, x0, y0, x1, y1, _a(0, 50))
    assert bl.tolist() == [1] and rects.tolist() == [[100, -10, 130, 50]]


def test_bridges_fill_a_notch_beside_an_offset_pad():
    # A pad of net 1 whose top overlaps, 20 away, the lower end of a vertical wire of net 1
    # on another centre line (the notch KLayout flagged beside a pin stack): bridged over the
    # overlap only; a diagonal neighbour (no overlap) and the other net are left alone.
    layer, net = _a(1, 1, 1, 1), _a(1, 1, 1, 2)
    x0, y0, x1, y1 = _a(0, 300, 460, 320), _a(0, 345, 1020, 0), _a(280, 440, 560, 400), _a(370, 1000, 1100, 30)
    bl, rects = same_net_bridges(layer, net, x0, y0, x1, y1, _a(0, 140))
    assert bl.tolist() == [1] and rects.tolist() == [[280, 345, 300, 370]]


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_two_nets_on_one_line_get_separate_tracks(pdk, request):
    """Two horizontal trunks estimated on the same y, with vertical branches: assigned to
    different tracks, branches follow their trunk, vias at the junctions, nothing illegal."""
    tech = request.getfixturevalue(pdk)
    h = next(m for m in tech.metals[1:] if m.direction == "horizontal")
    v = next(m for m in tech.metals[h.index + 1:] if m.direction == "vertical")
    y, p = 10 * h.pitch_um, v.pitch_um
    seg = RouteSegments(
        x0_um=[0, p, 3 * p, 5 * p, 2 * p, 7 * p], y0_um=[y, y, y, y - 4 * h.pitch_um, y, y],
        x1_um=[10 * p, p, 3 * p, 5 * p, 8 * p, 7 * p], y1_um=[y, y + 4 * h.pitch_um, y + 4 * h.pitch_um, y, y, y + 4 * h.pitch_um],
        layer=[h.index, v.index, v.index, v.index, h.index, v.index], net=[1, 1, 1, 1, 2, 2],
        is_trunk=[True, False, False, False, True, False])
    vias = default_vias(tech, read_lef(tech_lef_path(tech)).vias)
    asg = assign_tracks(tech, seg, 40 * p, 40 * h.pitch_um, vias)
    assert asg.illegal == 0 and asg.moved >= 1
    w = asg.wires_dbu[h.index]
    ys = {int(n): int(r[1]) for r, n in zip(w, asg.wire_nets[h.index])}
    assert ys[1] != ys[2]
    dbu = round(h.pitch_um * tech.dbu_per_um)
    assert all((yy - round((h.offset_um or h.pitch_um / 2) * tech.dbu_per_um)) % dbu == 0 for yy in ys.values())
    junctions = asg.vias_dbu[(h.index, v.index)]
    assert junctions.shape[0] == 4  # one per branch
    for x, yy in junctions.tolist():  # every junction on one of the trunks' tracks
        assert yy in ys.values()
