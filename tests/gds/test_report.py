"""Our own drawn-area report (romalayout/gds/report.py) against KLayout's merged area of the
written GDS, and its wire lengths against the placement's routing estimate."""

import json

import numpy as np
import pytest

from romalayout.cli import main
from romalayout.gds.adapt import layout_from_sized, route_segments
from romalayout.gds.areas import TrackCover, disjoint_pieces
from romalayout.gds.assign import assign_tracks
from romalayout.gds.cells import default_vias
from romalayout.gds.check import klayout_areas_um2
from romalayout.gds.lef import read_lef, tech_lef_path
from romalayout.gds.report import area_report
from romalayout.gds.write import build_library, write_gds

from tests.gds.conftest import SMALL


def _area(pieces):
    return int(((pieces[:, 2] - pieces[:, 0]) * (pieces[:, 3] - pieces[:, 1])).sum())


def test_disjoint_pieces_is_the_union():
    r = np.array([[0, 0, 10, 10], [5, 5, 15, 15], [0, 0, 10, 10], [20, 0, 30, 2], [12, 0, 14, 3], [100, 100, 101, 101]])
    pieces, n_over = disjoint_pieces(r)
    assert _area(pieces) == 100 + 100 - 25 + 20 + 6 + 1  # the copy of the first counts once
    assert n_over == 2
    # Pieces are pairwise disjoint: their summed area equals a brute-force raster count.
    grid = np.zeros((110, 110), bool)
    for x0, y0, x1, y1 in r:
        grid[x0:x1, y0:y1] = True
    assert _area(pieces) == grid.sum()


def test_disjoint_pieces_random_against_raster():
    rng = np.random.default_rng(7)
    xy = rng.integers(0, 60, (80, 2))
    wh = rng.integers(1, 15, (80, 2))
    r = np.c_[xy, xy + wh]
    grid = np.zeros((80, 80), bool)
    for x0, y0, x1, y1 in r:
        grid[x0:x1, y0:y1] = True
    assert _area(disjoint_pieces(r)[0]) == grid.sum()


def test_track_cover_overlap():
    # Two tracks (y = 10 and y = 30), width 4: bands [8, 12] and [28, 32].
    cov = TrackCover(np.array([10, 10, 30]), np.array([0, 5, 0]), np.array([8, 20, 10]), 4)
    assert cov.length_dbu == 20 + 10 and cov.tracks_disjoint()
    # A box [6, 12] x [9, 29] meets track 10 on x [6, 12] (6 long) x y [9, 12] (3) and
    # track 30 on x [6, 10] (4) x y [28, 29] (1).
    got = cov.overlap(np.array([6]), np.array([12]), np.array([9]), np.array([29]))
    assert got.tolist() == [6 * 3 + 4 * 1]


@pytest.fixture(scope="module")
def built(tmp_path_factory, small_designs):
    out = {}
    for (pdk, kind), (tech, sm, _, layout) in small_designs.items():
        path = tmp_path_factory.mktemp("rep") / ("%s_%s.gds" % (pdk, kind))
        write_gds(build_library(tech, layout), path)
        out[(pdk, kind)] = (tech, sm, layout, path)
    return out


@pytest.mark.parametrize("key", SMALL, ids=lambda k: "-".join(k))
def test_klayout_area_per_layer_equals_our_report(built, key):
    tech, sm, layout, path = built[key]
    rep = area_report(tech, layout, sm.to_json())
    theirs = {"%d/%d" % k: v for k, v in klayout_areas_um2(path).items()}
    ours = {k: row["area_um2"] for k, row in rep["layers"].items() if row["area_um2"] > 0}
    assert set(ours) == set(theirs)
    for k in sorted(ours):
        assert ours[k] == pytest.approx(theirs[k], rel=0.01), (k, rep["layers"][k]["name"])
    # The report really accounts for overlaps: without them it would be off on some layer.
    raw = {k: row.get("wire_area_um2", 0) + row["shapes_area_um2"] + row["device_area_um2"] for k, row in rep["layers"].items()}
    assert any(abs(raw[k] / theirs[k] - 1) > 0.01 for k in theirs)
    # The boundary layer holds the placement's footprints: its area is the placed base area.
    assert rep["layers"][rep["boundary_layer"]]["area_um2"] == pytest.approx(float(sm.placement.area_um2.sum()), rel=1e-6)


MEMORIES = [k for k in SMALL if k[1] != "compute"]


@pytest.mark.parametrize("key", MEMORIES, ids=lambda k: "-".join(k))
def test_wire_length_equals_the_estimate_up_to_snapping(built, key):
    """With snapping only (no segment moved or spilled), each layer's drawn wire length is
    the estimate's, up to the snap: every segment end moves at most half a pitch of the
    crossing grid (trunks stretch to their branches' tracks, branch ends go to the trunk's
    track), and same-net collinear pieces merge. (Memories: their array lines dominate; the
    compute cell's many short branches each move up to a pitch, beyond 3% of a layer.)"""
    tech, sm, _, _ = built[key]
    fp = sm.floorplan
    cells = [(r.rect.x0_um, r.rect.y0_um, r.rect.x1_um, r.rect.y1_um) for _, r in sorted(fp.logic.items())]
    vias = default_vias(tech, read_lef(tech_lef_path(tech)).vias)
    asg = assign_tracks(tech, route_segments(sm.routes), fp.region.width_um, fp.region.height_um, vias, cells, greedy_budget=0)
    assert asg.moved == 0 and asg.spilled == 0
    rep = area_report(tech, layout_from_sized(sm, assigned=asg), sm.to_json())
    est = sm.to_json()["wirelength_um"]
    rt = sm.routes
    checked = 0
    for m in tech.metals:
        row = rep["layers"].get("%d/%d" % m.gds)
        n = int((rt.layer == m.index).sum())
        if row is None or "wire_length_um" not in row:
            assert n == 0 or est[m.name] == pytest.approx(0.0, abs=1e-6), m.name
            continue
        assert row["estimate_wirelength_um"] == est[m.name]
        cross = max(x.pitch_um for x in tech.metals if x.direction != m.direction)
        assert abs(row["wire_length_um"] - est[m.name]) <= n * cross + 1e-6, m.name
        assert row["wire_length_um"] == pytest.approx(est[m.name], rel=0.03), m.name
        checked += 1
    assert checked >= 3


def test_cli_writes_the_report(tmp_path, capsys):
    assert main(["gds", "brom", "--depth", "16", "--width", "4", "--pdk", "sky130", "--out", str(tmp_path)]) == 0
    rep = json.loads((tmp_path / "gds_report.json").read_text())
    assert rep["pdk"] == "sky130" and rep["placement"]["wirelength_um"]
    theirs = klayout_areas_um2(tmp_path / "design.gds")
    for (layer, dt), area in theirs.items():
        assert rep["layers"]["%d/%d" % (layer, dt)]["area_um2"] == pytest.approx(area, rel=0.01)
