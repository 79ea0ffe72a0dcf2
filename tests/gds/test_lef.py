"""The LEF reader against the full cell and tech LEFs of both PDKs."""

import pytest

from romalayout.errors import TechnologyError
from romalayout.gds.cells import default_vias
from romalayout.gds.lef import cell_lef_path, read_lef, tech_lef_path


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_every_macro_matches_the_cell_table(pdk, request):
    tech = request.getfixturevalue(pdk)
    lef = read_lef(cell_lef_path(tech))
    assert set(lef.macros) == set(tech.cells)
    for name, m in lef.macros.items():
        c = tech.cells[name]
        assert (m.width_um, m.height_um) == pytest.approx((c.width_um, c.height_um), abs=1e-9), name
        signal = {p.name for p in m.pins if p.use == "SIGNAL"}
        assert set(c.inputs) | set(c.outputs) <= signal | {p.name for p in m.pins}, name


def test_asap7_inverter_pins(asap7):
    m = read_lef(cell_lef_path(asap7), {"INVx1_ASAP7_75t_R"}).macros["INVx1_ASAP7_75t_R"]
    assert (m.width_um, m.height_um) == (0.162, 0.27)
    pins = {p.name: p for p in m.pins}
    assert pins["Y"].direction == "OUTPUT" and pins["VDD"].use == "POWER"
    assert ("M1", 0.018, 0.126, 0.078, 0.144) in pins["A"].rects
    assert pins["VSS"].rects == (("M1", 0.0, -0.009, 0.162, 0.009),)


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_tech_lef_has_a_default_via_per_cut(pdk, request):
    tech = request.getfixturevalue(pdk)
    vias = default_vias(tech, read_lef(tech_lef_path(tech)).vias)
    for cut in tech.cuts:
        layers = {r[0] for r in vias[cut.name].rects}
        assert {cut.name, cut.below, cut.above} <= layers


def test_malformed_and_unclosed(tmp_path):
    p = tmp_path / "bad.lef"
    p.write_text("MACRO X\n  SIZE 1 BY 2 ;\n  OBS\n    RECT 0 0 1 ;\n  END\nEND X\n")
    with pytest.raises(TechnologyError, match="before any LAYER"):
        read_lef(p)
    p.write_text("MACRO X\n  SIZE 1 BY 2 ;\n  OBS\n    LAYER M1 ;\n    RECT 0 0 1 ;\n  END\nEND X\n")
    with pytest.raises(TechnologyError, match="x y pairs"):
        read_lef(p)
    p.write_text("MACRO X\n  SIZE 1 BY 2 ;\n")
    with pytest.raises(TechnologyError, match="not closed"):
        read_lef(p)
    with pytest.raises(TechnologyError, match="does not exist"):
        read_lef(tmp_path / "missing.lef")
