"""Pin access (romalayout/gds/pins.py): every standard-cell pin of a routed net is reached by a
branch that starts on the pin's own LEF shape (mirrored in FS rows), not at the cell centre."""

import numpy as np
import pytest

from romalayout.gds.lef import cell_lef_path, read_lef
from romalayout.gds.pins import with_pin_access


def _pin_boxes(tech, sm, macros, inst, pin_name):
    """The LEF shapes of `pin_name` on the lowest metal, placed: rows alternate N / FS from the
    bottom of their region, FS mirrors y within the cell."""
    pl, fp = sm.placement, sm.floorplan
    region = next(r.rect for n, r in fp.logic.items() if inst in set(sm.partition.logic[n].tolist()))
    row = round((pl.y0_um[inst] - region.y0_um) / tech.site_height_um)
    h = pl.y1_um[inst] - pl.y0_um[inst]
    cell = macros[sm.netlist.types[int(sm.netlist.inst_type[inst])].name]
    rects = [r for p in cell.pins if p.name == pin_name for r in p.rects if r[0] == tech.metals[0].name]
    out = []
    for _, x0, y0, x1, y1 in rects:
        if row % 2:
            y0, y1 = h - y1, h - y0
        out.append((pl.x0_um[inst] + x0, pl.y0_um[inst] + y0, pl.x0_um[inst] + x1, pl.y0_um[inst] + y1))
    return out


@pytest.mark.parametrize("key", [("sky130", "compute"), ("asap7", "rom")], ids=lambda k: "-".join(k))
def test_every_cell_pin_is_reached_on_its_lef_shape(small_designs, key):
    tech, sm, _, _ = small_designs[key]
    nl = sm.netlist
    names = {t.name for t in nl.types}
    macros = read_lef(cell_lef_path(tech), names).macros
    seg = with_pin_access(sm, macros)
    cells = set(np.concatenate([sm.partition.logic[n] for n in sm.partition.logic]).tolist())
    pin_net = nl.pin_net.astype(np.int64)
    n_pins = np.bincount(pin_net[pin_net > 1], minlength=nl.n_nets)
    branch = ~np.asarray(seg.is_trunk)
    ends = np.stack([np.r_[seg.x0_um, seg.x1_um], np.r_[seg.y0_um, seg.y1_um]], axis=1)
    end_net = np.r_[seg.net, seg.net]
    end_branch = np.r_[branch, branch]
    checked = 0
    for inst in sorted(cells):
        t = nl.types[int(nl.inst_type[inst])]
        for k, name in enumerate(t.pins):
            n = int(pin_net[nl.pin_offset[inst] + k])
            if n <= 1 or n_pins[n] < 2:
                continue
            boxes = _pin_boxes(tech, sm, macros, inst, name)
            assert boxes, (t.name, name)
            mine = ends[end_branch & (end_net == n)]
            inside = [((mine[:, 0] >= x0 - 1e-9) & (mine[:, 0] <= x1 + 1e-9) & (mine[:, 1] >= y0 - 1e-9) & (mine[:, 1] <= y1 + 1e-9)).any()
                      for x0, y0, x1, y1 in boxes]
            assert any(inside), (inst, t.name, name)
            checked += 1
    # One branch per such pin, plus the estimate's branches to array and edge devices.
    assert checked > 100
    assert branch.sum() >= checked
