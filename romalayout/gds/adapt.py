"""Layout from the placement and routing estimate (romalayout.place.sizing.SizedMacro).

- Standard cells: at their placed boxes; rows alternate N / FS from the bottom of each
  region so that neighbouring rows share their power rails, as in a real row-based layout.
- Array: one DeviceGrid on the floorplan's grid; a device whose drain joins a bit line is
  "programmed" (its contact drawn). Edge devices (precharge, sense, write drivers): one
  grid per device kind on the edge rows.
- Routes and vias: the estimate's segments assigned to tracks (romalayout/gds/assign.py),
  drawn at the layer's LEF width; vias at trunk/branch junctions and, in standard-cell
  rows, at branch pin ends (a stack down to the lowest metal, the cells' pin layer).
"""

from __future__ import annotations

import numpy as np

from romalayout.gds.assign import Assigned, RouteSegments, assign_tracks
from romalayout.gds.cells import default_vias
from romalayout.gds.layout import CellInstances, DeviceGrid, Layout, Rects, ViaStack, Wires
from romalayout.gds.lef import cell_lef_path, read_lef, tech_lef_path
from romalayout.gds.pins import row_orientations, with_pin_access
from romalayout.netlist.ir import NO_NET
from romalayout.place.compiler import ring_boxes


TRACK_COUNTS = ("moved", "spilled", "illegal", "unjoined")


def cell_instances(sm) -> np.ndarray:
    """Instance indices of the standard cells, in the order of Layout.cells (and of the DEF's
    components): the sorted instances of every logic partition."""
    part = sm.partition
    idx = np.concatenate([part.logic[n] for n in sorted(part.logic)]) if part.logic else np.zeros(0, np.int64)
    return np.sort(np.asarray(idx, np.int64))


def _cells(sm) -> CellInstances | None:
    nl, pl = sm.netlist, sm.placement
    idx = cell_instances(sm)
    if not idx.size:
        return None
    orient = row_orientations(sm)
    types = nl.inst_type[idx]
    uniq, inv = np.unique(types, return_inverse=True)
    return CellInstances(tuple(nl.types[int(t)].name for t in uniq), inv, pl.x0_um[idx], pl.y0_um[idx], orient[idx])


def _array(sm) -> list[DeviceGrid]:
    nl, part, fp = sm.netlist, sm.partition, sm.floorplan
    g = fp.grid
    if g is None or not part.array.size:
        return []
    kinds = {nl.types[int(t)].kind for t in np.unique(nl.inst_type[part.array])}
    state = np.zeros((g.rows, g.cols), np.int8)
    if "bitcell" in kinds:
        state[part.array_row, part.array_col] = 1
        kind, dims = "sram6t", (g.cell_w_um, g.cell_h_um)
    else:
        # Pin 0 of an array transistor is its drain (D G S); NO_NET = the via left out.
        drain = nl.pin_net[nl.pin_offset[part.array]]
        state[part.array_row, part.array_col] = np.where(drain != NO_NET, 2, 1)
        kind, dims = "nmos", (None, None)
    # One grid per run of columns between tap columns (the whole array without taps), per bank.
    per_bank = g.cols_per_bank
    step = g.tap_every or per_bank
    return [DeviceGrid(kind, float(g.col_x_um(c)), g.y0_um, g.col_pitch_um, g.row_pitch_um,
                       state[:, c : min(c + step, b0 + per_bank)], *dims)
            for b0 in range(0, g.cols, per_bank) for c in range(b0, b0 + per_bank, step)]


def _edge(sm) -> list[DeviceGrid]:
    nl, pl, part, fp = sm.netlist, sm.placement, sm.partition, sm.floorplan
    if not part.edge.size or fp.edge_rect is None:
        return []
    e = fp.edge_rect
    px, py = e.width_um / fp.edge_per_row, fp.edge_dev_h_um
    col = np.rint((pl.x0_um[part.edge] - e.x0_um) / px).astype(np.int64)
    row = np.rint((pl.y0_um[part.edge] - e.y0_um) / py).astype(np.int64)
    rows, cols = int(row.max()) + 1, int(col.max()) + 1
    kind = np.array([nl.types[int(t)].kind for t in nl.inst_type[part.edge]])
    out = []
    for k in sorted(set(kind.tolist())):
        st = np.zeros((rows, cols), np.int8)
        sel = kind == k
        st[row[sel], col[sel]] = 2
        gk = "sram6t" if k == "bitcell" else k
        out.append(DeviceGrid(gk, e.x0_um, e.y0_um, px, py, st, fp.edge_dev_w_um, fp.edge_dev_h_um))
    return out


def route_segments(rt) -> RouteSegments:
    """The routing estimate's segments as the track assigner takes them."""
    return RouteSegments(rt.x0_um, rt.y0_um, rt.x1_um, rt.y1_um, rt.layer, rt.net, rt.is_trunk)


def assignment_inputs(sm) -> tuple:
    """assign_tracks' arguments after tech for a sized macro: segments (standard-cell branches
    starting at their LEF pin shapes, pins.py), region width and height, default vias,
    standard-cell regions."""
    fp = sm.floorplan
    cells = [(r.rect.x0_um, r.rect.y0_um, r.rect.x1_um, r.rect.y1_um) for _, r in sorted(fp.logic.items())]
    vias = default_vias(sm.tech, read_lef(tech_lef_path(sm.tech)).vias)
    names = {sm.netlist.types[int(t)].name for t in np.unique(sm.netlist.inst_type)}
    macros = read_lef(cell_lef_path(sm.tech), names).macros if cells else {}
    seg = with_pin_access(sm, macros) if macros else route_segments(sm.routes)
    return seg, fp.region.width_um, fp.region.height_um, vias, cells


def assigned_routes(sm, **options) -> Assigned:
    """Track-assigned wires and vias of a sized macro (romalayout.gds.assign; options go to
    assign_tracks)."""
    return assign_tracks(sm.tech, *assignment_inputs(sm), **options)


def wires_and_vias(tech, asg: Assigned) -> tuple[tuple[Wires, ...], tuple[ViaStack, ...], tuple[Rects, ...]]:
    """Layout wires (one Wires per metal), via stacks and same-net bridges of an assignment, in um."""
    um = 1.0 / tech.dbu_per_um
    wires = tuple(Wires(tech.metals[k].name, tech.metals[k].width_um, asg.wires_dbu[k] * um) for k in sorted(asg.wires_dbu))
    vias = tuple(ViaStack(tech.metals[a].name, tech.metals[b].name, xy * um) for (a, b), xy in sorted(asg.vias_dbu.items()))
    rects = tuple(Rects(tech.metals[k].name, r * um) for k, r in sorted(asg.bridges_dbu.items()) if r.size)
    return wires, vias, rects


def ring_rects(tech, fp) -> tuple[Rects, ...]:
    """A compiler floorplan's supply ring rails (romalayout.place.compiler.ring_boxes)."""
    return tuple(Rects(layer, boxes) for layer, boxes in ring_boxes(tech, fp))


def layout_from_sized(sm, name: str = "top", assigned: Assigned | None = None) -> Layout:
    """A Layout of a sized, placed and route-estimated macro (see the module docstring);
    `assigned`: a track assignment already made (else one is made here)."""
    tech, fp = sm.tech, sm.floorplan
    asg = assigned if assigned is not None else assigned_routes(sm)
    wires, vias, rects = wires_and_vias(tech, asg)
    regions = []
    if fp.array_rect is not None:
        r = fp.array_rect
        regions.append(("array", r.x0_um, r.y0_um, r.x1_um, r.y1_um))
    for n in sorted(fp.logic):
        r = fp.logic[n].rect
        regions.append((n, r.x0_um, r.y0_um, r.x1_um, r.y1_um))
    reg = fp.region
    rects = rects + ring_rects(tech, fp)
    tracks = tuple((k, int(getattr(asg, k))) for k in TRACK_COUNTS)
    return Layout(name, reg.width_um, reg.height_um, _cells(sm), tuple(_array(sm) + _edge(sm)), wires, vias, tuple(regions), rects, tracks)
