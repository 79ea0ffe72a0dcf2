"""GDS writer on a hand-made layout: KLayout reads it, areas agree, units, orientation,
hierarchy, determinism and atomic writes."""

import pytest

from romalayout.errors import InputError
from romalayout.gds.cells import device_geometry_um
from romalayout.gds.check import klayout_areas_um2, library_areas_um2, read_klayout, top_cell_name
from romalayout.gds.layout import ORIENTS, CellInstances, Layout, ViaStack
from romalayout.gds.write import build_library, write_gds
from tests.gds.synthetic import synthetic_layout


@pytest.fixture(params=["sky130", "asap7"])
def tech(request):
    return request.getfixturevalue(request.param)


def test_klayout_reads_it_and_areas_agree(tech, tmp_path):
    lib = build_library(tech, synthetic_layout(tech))
    path = tmp_path / "s.gds"
    write_gds(lib, path)
    assert top_cell_name(path) == "top"
    ours, theirs = library_areas_um2(lib), klayout_areas_um2(path)
    assert set(ours) == set(theirs)
    for key in ours:
        assert theirs[key] == pytest.approx(ours[key], rel=0.01), key
    # And against the numbers we know without any geometry engine: 23 devices (one site
    # empty), 6 + 1 programmed contacts, two wires 4 um long.
    geo = device_geometry_um(tech)
    diff = tech.base_layers["diffusion"].gds
    assert theirs[diff] == pytest.approx(23 * geo["diffusion"] * geo["height"], rel=1e-6)
    contact = tech.base_layers["contact"].gds
    assert theirs[contact] == pytest.approx(7 * geo["contact"] ** 2, rel=1e-6)
    m = tech.metals[1]
    assert theirs[m.gds] == pytest.approx(2 * 4.0 * m.width_um + sum(
        (r[3] - r[1]) * (r[4] - r[2]) for r in _via_pads(tech, m.name)), rel=1e-6)


def _via_pads(tech, layer):
    from romalayout.gds.cells import default_vias
    from romalayout.gds.lef import read_lef, tech_lef_path

    v = default_vias(tech, read_lef(tech_lef_path(tech)).vias)
    cut = next(c for c in tech.cuts if c.below == layer)
    return [r for r in v[cut.name].rects if r[0] == layer]


def test_asap7_units_and_cell_boundary(asap7, tmp_path):
    """4000 dbu per um; INVx1's boundary measures 0.162 x 0.270 um."""
    path = tmp_path / "a.gds"
    write_gds(build_library(asap7, synthetic_layout(asap7)), path)
    layout = read_klayout(path)
    assert layout.dbu == pytest.approx(0.00025)
    cell = layout.cell("INVx1_ASAP7_75t_R")
    box = cell.bbox_per_layer(layout.find_layer(100, 0))
    assert (box.width() * layout.dbu, box.height() * layout.dbu) == pytest.approx((0.162, 0.270), abs=1e-9)
    assert (box.width(), box.height()) == (648, 1080)


def test_orientations_land_on_the_placed_box(sky130, tmp_path):
    """Every DEF orientation puts the macro's outline exactly on its placed box."""
    import klayout.db as kdb

    name = sky130.roles["nand2"].cell
    c = sky130.cells[name]
    cells = CellInstances((name,), [0] * 8, [10.0 * k for k in range(8)], [5.0] * 8, list(range(8)))
    path = tmp_path / "o.gds"
    write_gds(build_library(sky130, Layout("o", 80, 10, cells)), path)
    layout = read_klayout(path)
    region = kdb.Region(layout.top_cell().begin_shapes_rec(layout.find_layer(81, 4)))
    boxes = sorted((b.left, b.bottom, b.right, b.top) for b in (p.bbox() for p in region.each()))
    for k, (x0, y0, x1, y1) in enumerate(boxes):
        wide = ORIENTS[k] in ("W", "E", "FW", "FE")  # turned by 90 degrees
        w, h = (c.height_um, c.width_um) if wide else (c.width_um, c.height_um)
        assert (x0, y0, x1, y1) == (round(10000 * k), 5000, round(10000 * k + 1000 * w), round(5000 + 1000 * h))


def test_hierarchy_keeps_a_full_grid_one_reference(asap7):
    import numpy as np

    from romalayout.gds.layout import DeviceGrid

    grid = DeviceGrid("nmos", 0.0, 0.0, 0.054, 0.054, np.full((512, 256), 2, np.int8))
    lib = build_library(asap7, Layout("g", 14, 28, grids=(grid,)))
    top = next(c for c in lib.cells if c.name == "top")
    assert len(top.references) == 2  # devices and contacts: one AREF each
    assert {c.name for c in lib.cells} == {"top", "rom_nmos", "rom_nmos_contact"}


def test_an_off_grid_pitch_keeps_every_device_on_its_site(asap7, tmp_path):
    """A grid pitch that is not whole database units (an edge-device row: the edge width over
    the devices per row) is not written as an AREF, whose inner copies would sit off their
    sites (KLayout splits such arrays with a warning): every instance lands on its site."""
    import numpy as np

    from romalayout.gds.layout import DeviceGrid

    pitch = 1.0 / 3.0
    grid = DeviceGrid("nmos", 0.1, 0.2, pitch, 0.054, np.full((2, 7), 1, np.int8), 0.054, 0.054)
    path = tmp_path / "g.gds"
    write_gds(build_library(asap7, Layout("g", 3, 1, grids=(grid,))), path)
    layout = read_klayout(path)
    insts = list(layout.cell("top").each_inst())
    assert not any(i.is_regular_array() for i in insts)
    got = sorted((i.trans.disp.x, i.trans.disp.y) for i in insts)
    want = sorted((round((0.1 + c * pitch) * 4000), round((0.2 + r * 0.054) * 4000)) for r in range(2) for c in range(7))
    assert got == want


def test_deterministic_bytes(asap7, tmp_path):
    a, b = tmp_path / "a.gds", tmp_path / "b.gds"
    write_gds(build_library(asap7, synthetic_layout(asap7)), a)
    write_gds(build_library(asap7, synthetic_layout(asap7)), b)
    assert a.read_bytes() == b.read_bytes()


def test_errors_leave_nothing(asap7, tmp_path):
    bad = Layout("x", 1, 1, CellInstances(("NOPE",), [0], [0.0], [0.0], [0]))
    with pytest.raises(InputError, match="no macro NOPE"):
        build_library(asap7, bad)
    with pytest.raises(InputError, match="itself"):
        build_library(asap7, Layout("x", 1, 1, vias=(ViaStack("M2", "M2", [[0, 0]]),)))

    class Boom(Exception):
        pass

    class Lib:
        def write_gds(self, path, **kw):
            open(path, "wb").write(b"partial")
            raise Boom()

    with pytest.raises(Boom):
        write_gds(Lib(), tmp_path / "d.gds")
    assert list(tmp_path.iterdir()) == []
