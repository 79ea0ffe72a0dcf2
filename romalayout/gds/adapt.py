"""Layout from the placement and routing estimate (romalayout.place.sizing.SizedMacro).

- Standard cells: at their placed boxes; rows alternate N / FS from the bottom of each
  region so that neighbouring rows share their power rails, as in a real row-based layout.
- Array: one DeviceGrid on the floorplan's grid; a device whose drain joins a bit line is
  "programmed" (its contact drawn). Edge devices (precharge, sense, write drivers): one
  grid per device kind on the edge rows.
- Routes: per metal layer, segments drawn at the layer's LEF width.
- Vias: the estimate gives segments without nets, so junctions are recovered from geometry:
  where an end of a segment lies on a perpendicular segment of another layer, a via stack
  joins the two layers (the routing estimate ends every branch exactly on its trunk). Pin
  ends of branches get no via (pins are at instance centres in the estimate, not on the
  LEF pin shapes).
"""

from __future__ import annotations

import numpy as np

from romalayout.gds.layout import ORIENTS, CellInstances, DeviceGrid, Layout, ViaStack, Wires
from romalayout.netlist.ir import NO_NET


def _cells(sm) -> CellInstances | None:
    nl, pl, part, fp = sm.netlist, sm.placement, sm.partition, sm.floorplan
    idx = np.concatenate([part.logic[n] for n in sorted(part.logic)]) if part.logic else np.zeros(0, np.int64)
    if not idx.size:
        return None
    orient = np.zeros(nl.n_instances, np.int64)
    sh = sm.tech.site_height_um
    for name, region in fp.logic.items():
        sel = part.logic[name]
        row = np.rint((pl.y0_um[sel] - region.rect.y0_um) / sh).astype(np.int64)
        orient[sel] = np.where(row % 2 == 1, ORIENTS.index("FS"), ORIENTS.index("N"))
    idx = np.sort(idx)
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
        return [DeviceGrid("sram6t", g.x0_um, g.y0_um, g.col_pitch_um, g.row_pitch_um, state, g.cell_w_um, g.cell_h_um)]
    # Pin 0 of an array transistor is its drain (D G S); NO_NET = the via left out.
    drain = nl.pin_net[nl.pin_offset[part.array]]
    state[part.array_row, part.array_col] = np.where(drain != NO_NET, 2, 1)
    return [DeviceGrid("nmos", g.x0_um, g.y0_um, g.col_pitch_um, g.row_pitch_um, state)]


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


def _last_start_at_or_before(tk, ta, qk, qa) -> np.ndarray:
    """For each query (qk, qa): index of the target with the largest (tk, ta) <= (qk, qa)
    in lexicographic order, or -1. Targets must be sorted by (tk, ta)."""
    n = tk.size
    k = np.concatenate([tk, qk])
    a = np.concatenate([ta, qa])
    is_q = np.concatenate([np.zeros(n, np.int8), np.ones(qk.size, np.int8)])
    o = np.lexsort((is_q, a, k))  # on ties a target sorts before the query
    last = np.where(o < n, o, -1)
    last = np.maximum.accumulate(last)  # targets are sorted, so indices grow along o
    out = np.empty(qk.size, np.int64)
    q = o >= n
    out[o[q] - n] = last[q]
    return out


def _junctions(x0, y0, x1, y1, layer, horizontal):
    """[(points xy, layer a, layer b)]: where an end of a segment lies on a perpendicular
    segment of another layer (checked against the one starting last before it)."""
    out = []
    for q_is_h in (False, True):
        qs = horizontal == q_is_h  # query segments: their two ends
        ts = ~qs  # target segments: perpendicular to the queries
        if not qs.any() or not ts.any():
            continue
        # Targets keyed by their fixed coordinate, with their interval along the other.
        if q_is_h:  # vertical targets: fixed x, interval in y
            tk, ta, tb = x0[ts], y0[ts], y1[ts]
            qx, qy = np.concatenate([x0[qs], x1[qs]]), np.concatenate([y0[qs], y1[qs]])
            qk, qa = qx, qy
        else:
            tk, ta, tb = y0[ts], x0[ts], x1[ts]
            qx, qy = np.concatenate([x0[qs], x1[qs]]), np.concatenate([y0[qs], y1[qs]])
            qk, qa = qy, qx
        tl, ql = layer[ts], np.concatenate([layer[qs], layer[qs]])
        o = np.lexsort((ta, tk))
        tk, ta, tb, tl = tk[o], ta[o], tb[o], tl[o]
        j = _last_start_at_or_before(tk, ta, qk, qa)
        jj = np.maximum(j, 0)
        ok = (j >= 0) & (tk[jj] == qk) & (tb[jj] >= qa) & (tl[jj] != ql)
        out.append((np.stack([qx[ok], qy[ok]], axis=1), ql[ok], tl[jj[ok]]))
    return out


def _vias(tech, rt) -> tuple[ViaStack, ...]:
    horizontal = rt.y0_um == rt.y1_um
    groups: dict[tuple[int, int], list[np.ndarray]] = {}
    for xy, la, lb in _junctions(rt.x0_um, rt.y0_um, rt.x1_um, rt.y1_um, rt.layer.astype(np.int64), horizontal):
        lo, hi = np.minimum(la, lb), np.maximum(la, lb)
        for a, b in sorted(set(zip(lo.tolist(), hi.tolist()))):
            sel = (lo == a) & (hi == b)
            groups.setdefault((a, b), []).append(xy[sel])
    out = []
    for (a, b), parts in sorted(groups.items()):
        xy = np.unique(np.concatenate(parts), axis=0)  # sorted: deterministic
        out.append(ViaStack(tech.metals[a].name, tech.metals[b].name, xy))
    return tuple(out)


def layout_from_sized(sm, name: str = "top") -> Layout:
    """A Layout of a sized, placed and route-estimated macro (see the module docstring)."""
    tech, fp, rt = sm.tech, sm.floorplan, sm.routes
    wires = []
    for k in sorted(set(rt.layer.tolist())):
        sel = rt.layer == k
        m = tech.metals[k]
        seg = np.stack([rt.x0_um[sel], rt.y0_um[sel], rt.x1_um[sel], rt.y1_um[sel]], axis=1)
        wires.append(Wires(m.name, m.width_um, seg))
    regions = []
    if fp.array_rect is not None:
        r = fp.array_rect
        regions.append(("array", r.x0_um, r.y0_um, r.x1_um, r.y1_um))
    for n in sorted(fp.logic):
        r = fp.logic[n].rect
        regions.append((n, r.x0_um, r.y0_um, r.x1_um, r.y1_um))
    reg = fp.region
    return Layout(name, reg.width_um, reg.height_um, _cells(sm), tuple(_array(sm) + _edge(sm)), tuple(wires), _vias(tech, rt), tuple(regions))
