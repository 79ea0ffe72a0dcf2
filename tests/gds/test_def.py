"""DEF + LEF of the placement (romalayout/gds/def_.py): KLayout's LEF/DEF reader loads them
with the PDK's technology and cell LEF; every placed instance is a component; the die is the
placement's region."""

import klayout.db as kdb
import pytest

from romalayout.cli import main
from romalayout.gds.def_ import component_count, def_text, write_def_lef
from romalayout.gds.lef import cell_lef_path, tech_lef_path
from romalayout.tech import load_technology

from tests.gds.conftest import SMALL


def _read(tech, d):
    opt = kdb.LoadLayoutOptions()
    cfg = opt.lefdef_config
    cfg.dbu = 1.0 / tech.dbu_per_um
    cfg.lef_files = [str(tech_lef_path(tech)), str(cell_lef_path(tech)), str(d / "design.lef")]
    cfg.read_lef_with_def = False
    layout = kdb.Layout()
    layout.read(str(d / "design.def"), opt)
    return layout


@pytest.mark.parametrize("key", SMALL, ids=lambda k: "-".join(k))
def test_klayout_loads_the_def(key, tmp_path, small_designs):
    tech, sm, _, layout = small_designs[key]
    write_def_lef(tech, layout, tmp_path)
    kl = _read(tech, tmp_path)
    top = kl.top_cell()
    placed = sm.placement.x0_um.size  # every instance of the netlist: cells, array and edge devices
    assert top.child_instances() == component_count(layout) == placed
    die = next(li for li in kl.layer_indexes() if kl.get_info(li).name == "OUTLINE")
    box = top.bbox(die)  # the DIEAREA shape (only the top cell draws on OUTLINE)
    reg = sm.floorplan.region
    assert (box.left, box.bottom) == (0, 0)
    assert box.width() * kl.dbu == pytest.approx(reg.width_um, abs=kl.dbu)
    assert box.height() * kl.dbu == pytest.approx(reg.height_um, abs=kl.dbu)
    # Every standard cell keeps its macro and lands on its placed lower-left corner.
    names = {i.cell.name for i in top.each_inst()}
    assert set(layout.cells.macros) <= names
    assert def_text(tech, layout) == (tmp_path / "design.def").read_text()  # deterministic


def test_cli_def_option(tmp_path, capsys):
    assert main(["gds", "rom", "--depth", "16", "--width", "4", "--pdk", "asap7", "--def", "--out", str(tmp_path)]) == 0
    assert {"design.def", "design.lef", "design.gds"} <= {p.name for p in tmp_path.iterdir()}
    assert _read(load_technology("asap7"), tmp_path).top_cell().child_instances() > 0
