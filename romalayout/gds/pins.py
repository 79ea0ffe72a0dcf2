"""Pin access: branch pin ends moved from the cell centre (the estimate) onto the LEF pin shape.

The routing estimate puts every pin of a standard cell at the cell's centre, so all pins of a
cell share one point and their via stacks pile up there (the compute cell's clashes sat
there). At drawing time each branch that ends on a standard-cell pin is redrawn from that
pin's access point, the centre of its largest shape on the lowest metal (the cells' pin
layer: SKY130 li1, ASAP7 M1), mirrored in FS rows, straight to where it met the trunk.
Pins the estimate left without a branch (a cell centre lying on its net's trunk) get one
here, so that every standard-cell pin has its stack. Array and edge devices keep their pins
(their own contacts under the lines).
"""

from __future__ import annotations

import numpy as np

from romalayout.gds.assign import RouteSegments
from romalayout.gds.layout import ORIENTS

FS = ORIENTS.index("FS")


def row_orientations(sm) -> np.ndarray:
    """Per instance: ORIENTS index of a standard cell (rows alternate N / FS from the bottom of
    each logic region, so neighbouring rows share their rails), -1 for any other instance."""
    nl, pl, part, fp = sm.netlist, sm.placement, sm.partition, sm.floorplan
    orient = np.full(nl.n_instances, -1, np.int64)
    sh = sm.tech.site_height_um
    for name, region in fp.logic.items():
        sel = part.logic[name]
        row = np.rint((pl.y0_um[sel] - region.rect.y0_um) / sh).astype(np.int64)
        orient[sel] = np.where(row % 2 == 1, FS, ORIENTS.index("N"))
    return orient


def access_shapes_um(tech, netlist, macros) -> np.ndarray:
    """(n_type_pins, 4) x0, y0, x1, y1 of each type pin's largest shape on the lowest metal,
    relative to the cell's lower-left corner in orientation N, in the order of the types'
    pins; NaN for pins without such a shape (and for types that are not LEF macros)."""
    lowest = tech.metals[0].name
    rows = []
    for t in netlist.types:
        macro = macros.get(t.name)
        shapes = {p.name: [r for r in p.rects if r[0] == lowest] for p in macro.pins} if macro else {}
        for p in t.pins:
            rects = shapes.get(p)
            # Largest rectangle; equal areas: the lower-left one (deterministic).
            rows.append(min(rects, key=lambda r: (-(r[3] - r[1]) * (r[4] - r[2]), r[1], r[2]))[1:] if rects else (np.nan,) * 4)
    return np.array(rows, np.float64).reshape(-1, 4)


def pin_shapes_um(sm, macros, pins: np.ndarray):
    """((n, 4) placed x0, y0, x1, y1, ok) of the access shapes of netlist pins `pins`; ok is
    False where the pin is not on a standard cell with a shape on the lowest metal."""
    nl, pl = sm.netlist, sm.placement
    inst = np.searchsorted(nl.pin_offset, pins, side="right") - 1
    type_start = np.concatenate([[0], np.cumsum([len(t.pins) for t in nl.types])]).astype(np.int64)
    r = access_shapes_um(sm.tech, nl, macros)[type_start[nl.inst_type[inst]] + pins - nl.pin_offset[inst]]
    o = row_orientations(sm)[inst]
    ok = (o >= 0) & ~np.isnan(r[:, 0])
    h = (pl.y1_um - pl.y0_um)[inst]
    fs = o == FS
    x0, y0 = pl.x0_um[inst], pl.y0_um[inst]
    box = np.stack([x0 + r[:, 0], y0 + np.where(fs, h - r[:, 3], r[:, 1]), x0 + r[:, 2], y0 + np.where(fs, h - r[:, 1], r[:, 3])], axis=1)
    return box, ok


def with_pin_access(sm, macros) -> RouteSegments:
    """sm's route segments with every standard-cell pin of a routed net reached from its
    LEF pin shape (see the module docstring); trunks and all other segments as estimated."""
    rt, nl, pl, tech = sm.routes, sm.netlist, sm.placement, sm.tech
    x0, y0, x1, y1 = (np.asarray(v, np.float64) for v in (rt.x0_um, rt.y0_um, rt.x1_um, rt.y1_um))
    layer, net, trunk = np.asarray(rt.layer), np.asarray(rt.net, np.int64), np.asarray(rt.is_trunk, bool)
    pin = np.asarray(rt.pin, np.int64)
    t = np.flatnonzero(trunk)
    t_of = np.full(nl.n_nets, -1, np.int64)
    t_of[net[t]] = t

    # Every standard-cell pin of a net with a trunk or a branch, once: its estimated branch
    # (-1: the estimate drew none, the cell centre lying on the trunk).
    b = np.flatnonzero(~trunk & (pin >= 0))
    pin_net = nl.pin_net.astype(np.int64)
    routed = np.zeros(nl.n_nets, bool)
    routed[net] = True
    cand = np.flatnonzero((pin_net > 1) & routed[np.maximum(pin_net, 0)])
    seg_of = np.full(nl.n_pins, -1, np.int64)
    seg_of[pin[b]] = b
    cand = cand[(seg_of[cand] >= 0) | (t_of[pin_net[cand]] >= 0)]
    box, ok = pin_shapes_um(sm, macros, cand)
    cand, box = cand[ok], box[ok]
    s = seg_of[cand]
    ts = t_of[pin_net[cand]]
    est = s >= 0
    # Branch direction: across the trunk; without a trunk, the estimated branch's own.
    h = np.where(ts >= 0, x0[np.maximum(ts, 0)] == x1[np.maximum(ts, 0)], y0[np.maximum(s, 0)] == y1[np.maximum(s, 0)])
    # Junction (along the branch): the trunk's track; without a trunk, the estimated
    # branch's end away from the cell centre (where the estimate put the pin).
    inst = np.searchsorted(nl.pin_offset, cand, side="right") - 1
    cx, cy = pl.cx_um[inst], pl.cy_um[inst]
    se = np.maximum(s, 0)
    far_x = np.where(np.abs(x0[se] - cx) <= np.abs(x1[se] - cx), x1[se], x0[se])
    far_y = np.where(np.abs(y0[se] - cy) <= np.abs(y1[se] - cy), y1[se], y0[se])
    tj = np.where(h, x0[np.maximum(ts, 0)], y0[np.maximum(ts, 0)])
    j = np.where(ts >= 0, tj, np.where(h, far_x, far_y))
    # Access point: on the shape, as near the junction as the shape reaches.
    a_lo, a_hi = np.where(h, box[:, 0], box[:, 1]), np.where(h, box[:, 2], box[:, 3])
    a = np.clip(j, a_lo, a_hi)
    c = np.where(h, 0.5 * (box[:, 1] + box[:, 3]), 0.5 * (box[:, 0] + box[:, 2]))
    lo, hi = np.minimum(a, j), np.maximum(a, j)
    # Layer: the estimate's; for a new branch the lowest of its direction above the cells'
    # pin layer; a branch of zero length across a trunk is the pin shape itself, when the pin
    # layer runs that way (one stack up to the trunk, as a router's pin access would do).
    d_low = {d: min(m.index for m in tech.metals if m.index > 0 and m.direction == d) for d in ("horizontal", "vertical")}
    lay = np.where(est, layer[se], np.where(h, d_low["horizontal"], d_low["vertical"]))
    pin_layer_h = tech.metals[0].direction == "horizontal"
    lay = np.where((hi - lo < 1e-9) & (ts >= 0) & (h == pin_layer_h), 0, lay)
    keep = np.ones(x0.size, bool)
    keep[s[est]] = False  # replaced
    return RouteSegments(np.r_[x0[keep], np.where(h, lo, c)], np.r_[y0[keep], np.where(h, c, lo)],
                         np.r_[x1[keep], np.where(h, hi, c)], np.r_[y1[keep], np.where(h, c, hi)],
                         np.r_[layer[keep], lay.astype(layer.dtype)], np.r_[net[keep], pin_net[cand]],
                         np.r_[trunk[keep], np.zeros(cand.size, bool)])
