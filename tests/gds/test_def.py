"""DEF + LEF of the placement (romalayout/gds/def_.py): KLayout's LEF/DEF reader loads them
with the PDK's technology and cell LEF; every placed instance is a component; the die is the
placement's region; NETS hold every netlist net with >= 2 standard-cell pins."""

import re
from collections import defaultdict

import klayout.db as kdb
import pytest

from romalayout.cli import main
from romalayout.gds.def_ import component_count, def_nets_of, def_text, write_def_lef
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


def _def_nets(text):
    """{net name: sorted [(component, pin)]} of the DEF's NETS section (one pin per line)."""
    body = text[text.index("\nNETS ") + 1:text.index("\nEND NETS")]
    count = int(body.split()[1])
    nets, name = {}, None
    for line in body.splitlines()[1:]:
        if line.startswith("- "):
            name = line.split()[1]
            assert name not in nets
            nets[name] = []
        else:
            nets[name] += re.findall(r"\(\s*(\S+)\s+(\S+)\s*\)", line)
    assert count == len(nets)
    return {k: sorted(v) for k, v in nets.items()}


def _expected_nets(sm):
    """The same from the netlist, written independently: instance loop, components c<k> in
    ascending instance order of the logic partitions."""
    nl = sm.netlist
    cells = sorted(int(i) for v in sm.partition.logic.values() for i in v)
    nets = defaultdict(list)
    for k, i in enumerate(cells):
        t = nl.types[int(nl.inst_type[i])]
        for pin, net in zip(t.pins, nl.pin_net[nl.pin_offset[i]:nl.pin_offset[i + 1]]):
            if net >= 2:
                nets["n%d" % net].append(("c%d" % k, pin))
    return {n: sorted(v) for n, v in nets.items() if len(v) >= 2}


@pytest.mark.parametrize("key", SMALL, ids=lambda k: "-".join(k))
def test_klayout_loads_the_def(key, tmp_path, small_designs):
    tech, sm, _, layout = small_designs[key]
    nets = def_nets_of(sm)
    write_def_lef(tech, layout, tmp_path, nets=nets)
    text = (tmp_path / "design.def").read_text()
    assert _def_nets(text) == _expected_nets(sm)
    assert len(_expected_nets(sm)) == nets.n_nets > 0
    assert text.count("\nTRACKS ") == len(tech.metals) and "\nPINS 0 ;\nEND PINS\n" in text
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
    assert def_text(tech, layout, nets=nets) == text  # deterministic
    assert "\nNETS " not in def_text(tech, layout)  # no connectivity: no NETS


def test_cli_def_option(tmp_path, capsys):
    assert main(["gds", "rom", "--depth", "16", "--width", "4", "--pdk", "asap7", "--def", "--out", str(tmp_path)]) == 0
    assert {"design.def", "design.lef", "design.gds"} <= {p.name for p in tmp_path.iterdir()}
    assert _read(load_technology("asap7"), tmp_path).top_cell().child_instances() > 0
    assert "\nNETS " in (tmp_path / "design.def").read_text()


def test_cli_compute_def_nets(tmp_path):
    """`romalayout gds compute --group 1 --pdk sky130 --def`: KLayout loads the DEF with its
    NETS, and the DEF has one net per netlist net with >= 2 standard-cell pins (same pins)."""
    from romalayout.design import build
    from romalayout.place.sizing import size_macro

    assert main(["gds", "compute", "--group", "1", "--pdk", "sky130", "--def", "--out", str(tmp_path)]) == 0
    tech = load_technology("sky130")
    sm = size_macro(build(tech, "compute", None, None, group=1).netlist, tech)
    text = (tmp_path / "design.def").read_text()
    assert _def_nets(text) == _expected_nets(sm)
    kl = _read(tech, tmp_path)
    assert kl.top_cell().child_instances() == sm.placement.x0_um.size
