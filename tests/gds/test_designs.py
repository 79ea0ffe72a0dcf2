"""`romalayout gds` on small designs of every kind: the three files, KLayout reads the GDS,
areas agree with our own report and the placement, width and spacing rules of the metals
(KLayout Region width/space checks with the tech LEF values) on the track-assigned routes."""

import klayout.db as kdb
import numpy as np
import pytest

from romalayout.cli import main
from romalayout.gds.check import klayout_areas_um2, library_areas_um2, read_klayout, top_cell_name
from romalayout.gds.write import build_library, write_gds

from tests.gds.conftest import SMALL


@pytest.fixture(scope="module")
def written(tmp_path_factory, small_designs):
    """(tech, sized macro, gdstk library, path, track assignment) per small design, built once."""
    out = {}
    for (pdk, kind), (tech, sm, asg, layout) in small_designs.items():
        lib = build_library(tech, layout)
        path = tmp_path_factory.mktemp("gds") / ("%s_%s.gds" % (pdk, kind))
        write_gds(lib, path)
        out[(pdk, kind)] = (tech, sm, lib, path, asg)
    return out


@pytest.mark.parametrize("kind", ["rom", "brom", "sram", "compute"])
def test_cli_writes_the_three_files(kind, tmp_path, capsys):
    args = ["gds", kind, "--pdk", "asap7", "--out", str(tmp_path)]
    args += ["--group", "8"] if kind == "compute" else ["--depth", "16", "--width", "4", "--seed", "3"]
    assert main(args) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["design.gds", "design.lyp", "design.png", "gds_report.json"]
    assert top_cell_name(tmp_path / "design.gds") == "top"
    assert (tmp_path / "design.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if kind == "compute":
        # Not yet legal (README "Routes on tracks"), but never silently: KLayout's spacing
        # violations come with illegal segments reported.
        from romalayout.tech import load_technology

        illegal = _printed_illegal(capsys.readouterr().out)
        assert illegal > 0 or not _space_violations(load_technology("asap7"), tmp_path / "design.gds")


def _printed_illegal(out: str) -> int:
    return int(out.split(" illegal")[0].rsplit(" ", 1)[1])


def test_cli_ripup_rounds(tmp_path, capsys):
    """--ripup-rounds 0 leaves the SKY130 SRAM's clashes (tracks printed and in the report);
    a negative count is refused."""
    import json

    args = ["gds", "sram", "--depth", "32", "--width", "8", "--seed", "1", "--pdk", "sky130"]
    assert main(args + ["--ripup-rounds", "0", "--out", str(tmp_path / "a")]) == 0
    illegal = _printed_illegal(capsys.readouterr().out)
    assert illegal > 0
    assert json.loads((tmp_path / "a" / "gds_report.json").read_text())["tracks"]["illegal"] == illegal
    assert main(args + ["--ripup-rounds", "-1", "--out", str(tmp_path / "b")]) == 2
    assert "--ripup-rounds: expected an integer >= 0, got '-1'" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_cli_error_leaves_nothing(tmp_path, capsys):
    assert main(["gds", "brom", "--depth", "30", "--width", "4", "--out", str(tmp_path / "o")]) == 2
    assert "romalayout: error: B-ROM depth must be a multiple of 4" in capsys.readouterr().err
    out = tmp_path / "o"
    assert not out.exists() or list(out.iterdir()) == []


def test_cli_is_deterministic(tmp_path, capsys):
    for d in ("a", "b"):
        assert main(["gds", "brom", "--depth", "16", "--width", "4", "--out", str(tmp_path / d)]) == 0
    assert (tmp_path / "a" / "design.gds").read_bytes() == (tmp_path / "b" / "design.gds").read_bytes()
    assert (tmp_path / "a" / "design.lyp").read_bytes() == (tmp_path / "b" / "design.lyp").read_bytes()


@pytest.mark.parametrize("key", SMALL, ids=["-".join(k) for k in SMALL])
def test_areas_agree_with_our_report_and_the_placement(written, key):
    tech, sm, lib, path, asg = written[key]
    ours, theirs = library_areas_um2(lib), klayout_areas_um2(path)
    assert set(ours) == set(theirs)
    for layer in ours:
        assert theirs[layer] == pytest.approx(ours[layer], rel=0.01), layer
    # Every placed instance's footprint is on the boundary layer, without overlaps: its
    # merged area is the placement's base area (its base utilization x region area).
    assert theirs[tech.cell_boundary_gds] == pytest.approx(float(sm.placement.area_um2.sum()), rel=0.01)


def _metal_region(layout, gds):
    li = layout.find_layer(*gds)
    return None if li is None else kdb.Region(layout.top_cell().begin_shapes_rec(li)).merged()


@pytest.mark.parametrize("key", SMALL, ids=lambda k: "-".join(k))
def test_metal_widths_hold(written, key):
    tech, sm, lib, path, asg = written[key]
    layout = read_klayout(path)
    for m in tech.metals:
        region = _metal_region(layout, m.gds)
        if region is not None:
            assert region.width_check(round(m.width_um / layout.dbu)).count() == 0, m.name


@pytest.mark.parametrize("key", [("sky130", "rom"), ("asap7", "rom")], ids=lambda k: "-".join(k))
def test_array_lines_keep_spacing(written, key):
    """Inside the array every line sits on its own track: spacing holds there."""
    tech, sm, lib, path, asg = written[key]
    layout = read_klayout(path)
    r = sm.floorplan.array_rect
    clip = kdb.Region(kdb.Box(*(round(v / layout.dbu) for v in (r.x0_um, r.y0_um, r.x1_um, r.y1_um))))
    for m in tech.metals:
        region = _metal_region(layout, m.gds)
        if region is not None:
            assert (region & clip).space_check(round(m.spacing_um / layout.dbu)).count() == 0, m.name


def _space_violations(tech, path) -> dict:
    """{metal: KLayout space-check violations} of the merged drawing (notches included)."""
    layout = read_klayout(path)
    out = {}
    for m in tech.metals:
        region = _metal_region(layout, m.gds)
        if region is not None:
            n = region.space_check(round(m.spacing_um / layout.dbu)).count()
            if n:
                out[m.name] = n
    return out


# SRAM 32 x 8 needs rip-up rounds (romalayout/gds/ripup.py): its edge devices' stubs must
# cross the bit lines, which run on every met2/M3 track of the array down into the bottom
# logic (before rip-up: SKY130 6 illegal, 4 KLayout violations; ASAP7 1 illegal).
@pytest.mark.parametrize("key", SMALL, ids=lambda k: "-".join(k))
def test_all_routes_keep_spacing(written, key):
    """Every drawn route, via pad and bridge keeps the LEF spacing, and the assigner agrees."""
    tech, sm, lib, path, asg = written[key]
    assert asg.illegal == 0, asg.illegal_rects
    assert _space_violations(tech, path) == {}


def test_ripup_is_what_clears_the_sram(written):
    """Without rip-up rounds the SKY130 SRAM keeps clashing segments; with them none, and
    the rounds (seeded shuffles included) give the same wires every time."""
    from romalayout.gds.adapt import assigned_routes

    tech, sm, lib, path, asg = written[("sky130", "sram")]
    assert assigned_routes(sm, rounds=0).illegal > 0
    again = assigned_routes(sm)
    assert again.illegal == asg.illegal == 0
    assert sorted(again.wires_dbu) == sorted(asg.wires_dbu)
    for m in asg.wires_dbu:
        assert np.array_equal(again.wires_dbu[m], asg.wires_dbu[m])


@pytest.mark.parametrize("key", SMALL, ids=lambda k: "-".join(k))
def test_clashes_are_never_silent(written, key):
    """Where KLayout finds a spacing violation, the assigner has reported illegal segments."""
    tech, sm, lib, path, asg = written[key]
    if _space_violations(tech, path):
        assert asg.illegal > 0


def test_vias_only_where_a_net_changes_layer(written):
    """Every stack joins two different layers, and no two nets share a stack's point (the
    assigner keeps one row per (point, net): a shared point would appear twice)."""
    for key, (tech, sm, lib, path, asg) in written.items():
        assert asg.vias_dbu, key
        for (lo, hi), xy in asg.vias_dbu.items():
            assert lo < hi, key
            assert np.unique(xy, axis=0).shape == xy.shape, (key, lo, hi)


@pytest.mark.parametrize("key", SMALL, ids=lambda k: "-".join(k))
def test_every_placed_object_is_drawn_once(written, key):
    """Instance count under `top` (arrays expanded; via stacks and bit-line contacts aside)
    = placed objects: a repetition's origin must not be drawn twice."""
    tech, sm, lib, path, asg = written[key]
    layout = read_klayout(path)
    top = layout.top_cell()
    placed = 0
    for inst in top.each_inst():
        name = layout.cell(inst.cell_index).name
        if not name.startswith("vias_") and not name.endswith("_contact"):
            placed += inst.cell_inst.size()
    assert placed == sm.placement.area_um2.size
