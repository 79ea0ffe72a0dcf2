"""GDS layouts of the L-unit designs (romalayout.gds.layout.Layout; written by
romalayout.commands.gds.write_views).

- separate designs: the memory macro's layout at the origin and the compute macro's to its
  right (x offset = memory width), bottoms aligned; the bus between them is not drawn.
- fused: romalayout.gds.adapt.layout_from_sized of the fused region, with its array drawn as
  band_rows device grids (device j of every band: one grid whose row pitch is the band
  height), since the fused array stacks each band's devices at the band's bottom.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from romalayout.gds.adapt import layout_from_sized
from romalayout.gds.layout import CellInstances, DeviceGrid, Layout
from romalayout.netlist.ir import NO_NET


def _shift(lay: Layout, dx: float) -> Layout:
    cells = None
    if lay.cells is not None:
        c = lay.cells
        cells = CellInstances(c.macros, c.macro_index, c.x_um + dx, c.y_um, c.orient)
    grids = tuple(replace(g, x_um=g.x_um + dx) for g in lay.grids)
    wires = tuple(replace(w, segments_um=w.segments_um + np.array([dx, 0.0, dx, 0.0])) for w in lay.wires)
    vias = tuple(replace(v, xy_um=v.xy_um + np.array([dx, 0.0])) for v in lay.vias)
    regions = tuple((n, x0 + dx, y0, x1 + dx, y1) for n, x0, y0, x1, y1 in lay.regions)
    rects = tuple(replace(r, rects_um=r.rects_um + np.array([dx, 0.0, dx, 0.0])) for r in lay.rects)
    return replace(lay, cells=cells, grids=grids, wires=wires, vias=vias, regions=regions, rects=rects)


def side_by_side(left: Layout, right: Layout, name: str) -> Layout:
    r = _shift(right, left.width_um)
    cells = None
    if left.cells is not None or r.cells is not None:
        parts = [c for c in (left.cells, r.cells) if c is not None]
        macros = tuple(sorted(set(m for c in parts for m in c.macros)))
        idx = np.concatenate([np.searchsorted(macros, np.asarray(c.macros)[c.macro_index]) for c in parts])
        cells = CellInstances(macros, idx, np.concatenate([c.x_um for c in parts]), np.concatenate([c.y_um for c in parts]),
                              np.concatenate([c.orient for c in parts]))
    regions = tuple(("memory." + n, *xy) for n, *xy in left.regions) + tuple(("compute." + n, *xy) for n, *xy in r.regions)
    counts = dict(left.tracks)
    for k, v in r.tracks:
        counts[k] = counts.get(k, 0) + v
    return replace(left, name=name, tracks=tuple(counts.items()), width_um=left.width_um + right.width_um, height_um=max(left.height_um, right.height_um), cells=cells,
                   grids=left.grids + r.grids, wires=left.wires + r.wires, vias=left.vias + r.vias, regions=regions, rects=left.rects + r.rects)


def fused_layout(sm, name: str = "fused") -> Layout:
    lay = layout_from_sized(sm, name)
    g, part, nl = sm.floorplan.grid, sm.partition, sm.netlist
    k = g.band_rows
    n_bands = -(-g.rows // k)
    drain = nl.pin_net[nl.pin_offset[part.array]]
    val = np.where(drain != NO_NET, 2, 1).astype(np.int8)
    grids = []
    for j in range(k):
        st = np.zeros((n_bands, g.cols), np.int8)
        sel = part.array_row % k == j
        st[part.array_row[sel] // k, part.array_col[sel]] = val[sel]
        grids.append(DeviceGrid("nmos", g.x0_um, g.y0_um + j * g.cell_h_um, g.col_pitch_um, k * g.row_pitch_um, st, g.cell_w_um, g.cell_h_um))
    others = tuple(x for x in lay.grids[1:])  # grid 0 is the array (adapt._array), the rest edge devices
    return replace(lay, grids=tuple(grids) + others)


def layout_of(result, drawn: dict | None = None) -> Layout:
    """The Layout of one design of romalayout.fused.designs.evaluate. drawn: layouts of the
    macros already drawn, by id of the sized macro, shared between calls (the separate
    designs share one compute macro, and its track assignment is the costly part)."""
    name = result.name.replace("+", "_")
    if result.name == "fused":
        return fused_layout(result.macros[0], name)
    drawn = {} if drawn is None else drawn
    parts = []
    for sm, part in zip(result.macros, ("memory", "compute")):
        if id(sm) not in drawn:
            drawn[id(sm)] = (sm, layout_from_sized(sm, part))  # sm kept: its id stays unique
        parts.append(drawn[id(sm)][1])
    return side_by_side(*parts, name)
