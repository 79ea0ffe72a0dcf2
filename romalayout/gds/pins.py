"""Pin access: branch pin ends moved from the cell centre (the estimate) onto the LEF pin shape.

The routing estimate puts every pin of a standard cell at the cell's centre, so all pins of a
cell share one point and their via stacks pile up there. At drawing time each branch that
ends on a standard-cell pin is redrawn from that pin's access point, on its largest shape on
the lowest metal (the cells' pin layer: SKY130 li1, ASAP7 M1; mirrored in FS rows), at the
shape's centre line and as near the trunk as the shape reaches, straight across to the
trunk. Pins the estimate left without a branch (a cell centre lying on its net's trunk) get
one here, and nets it left without a trunk (pins on one line across it) a zero-length one,
so that every standard-cell pin has its stack and every net its trunk. Array and edge
devices keep their pins (their own contacts under the lines).
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
    inst = nl.pin_instances()[pins]
    r = access_shapes_um(sm.tech, nl, macros)[nl.pin_type_slots()[pins]]
    o = row_orientations(sm)[inst]
    ok = (o >= 0) & ~np.isnan(r[:, 0])
    h = (pl.y1_um - pl.y0_um)[inst]
    fs = o == FS
    x0, y0 = pl.x0_um[inst], pl.y0_um[inst]
    box = np.stack([x0 + r[:, 0], y0 + np.where(fs, h - r[:, 3], r[:, 1]), x0 + r[:, 2], y0 + np.where(fs, h - r[:, 1], r[:, 3])], axis=1)
    return box, ok


def _lowest(tech, direction: str) -> int:
    """The lowest metal above the cells' pin layer running in `direction`."""
    return min(m.index for m in tech.metals if m.index > 0 and m.direction == direction)


def _trunks_for_all(sm, x0, y0, x1, y1, layer, net, trunk, pin):
    """Segment arrays with a zero-length trunk added for every net of two or more pins that
    the estimate left without one (its pins on one line across it, or all at one cell centre:
    a trunk of zero length is not kept there, but the pins' shapes are apart), where its
    branches meet (the end away from their pin's cell), else at its first pin's cell centre."""
    nl, pl, tech = sm.netlist, sm.placement, sm.tech
    pin_net = nl.pin_net.astype(np.int64)
    n_pins = np.bincount(pin_net[pin_net > 1], minlength=nl.n_nets)
    has_trunk = np.zeros(nl.n_nets, bool)
    has_trunk[net[trunk]] = True
    need = np.flatnonzero((n_pins >= 2) & ~has_trunk)
    if not need.size:
        return x0, y0, x1, y1, layer, net, trunk
    b = np.flatnonzero(~trunk & (pin >= 0))
    first_b = np.full(nl.n_nets, -1, np.int64)
    first_b[net[b][::-1]] = b[::-1]
    first_pin = np.full(nl.n_nets, -1, np.int64)
    p = np.flatnonzero(pin_net > 1)
    first_pin[pin_net[p][::-1]] = p[::-1]
    bi = first_b[need]
    has_b = bi >= 0
    bs = np.maximum(bi, 0)
    p_of = np.where(has_b, pin[bs], first_pin[need])
    inst = nl.pin_instances()[p_of]
    cx, cy = pl.cx_um[inst], pl.cy_um[inst]
    vertical_b = has_b & (x0[bs] == x1[bs])  # a vertical branch meets a horizontal trunk
    horizontal_t = vertical_b | ~has_b
    jy = np.where(np.abs(y0[bs] - cy) <= np.abs(y1[bs] - cy), y1[bs], y0[bs])
    jx = np.where(np.abs(x0[bs] - cx) <= np.abs(x1[bs] - cx), x1[bs], x0[bs])
    tx = np.where(~has_b, cx, np.where(vertical_b, x0[bs], jx))
    ty = np.where(~has_b, cy, np.where(vertical_b, jy, y0[bs]))
    tl = np.where(horizontal_t, _lowest(tech, "horizontal"), _lowest(tech, "vertical")).astype(layer.dtype)
    return (np.r_[x0, tx], np.r_[y0, ty], np.r_[x1, tx], np.r_[y1, ty], np.r_[layer, tl], np.r_[net, need],
            np.r_[trunk, np.ones(need.size, bool)])


def with_pin_access(sm, macros) -> RouteSegments:
    """sm's route segments with every standard-cell pin of a net of two or more pins reached
    from its LEF pin shape (see the module docstring); trunks and all other segments as
    estimated, plus a zero-length trunk where the estimate had none (_trunks_for_all)."""
    rt, nl, tech = sm.routes, sm.netlist, sm.tech
    pin = np.asarray(rt.pin, np.int64)
    x0, y0, x1, y1, layer, net, trunk = _trunks_for_all(
        sm, *(np.asarray(v, np.float64) for v in (rt.x0_um, rt.y0_um, rt.x1_um, rt.y1_um)),
        np.asarray(rt.layer), np.asarray(rt.net, np.int64), np.asarray(rt.is_trunk, bool), pin)
    pin = np.r_[pin, np.full(x0.size - pin.size, -1, np.int64)]
    t = np.flatnonzero(trunk)
    t_of = np.full(nl.n_nets, -1, np.int64)
    t_of[net[t]] = t

    # Every standard-cell pin of a trunked net, once, with its estimated branch (-1: the
    # estimate drew none, the cell centre lying on the trunk).
    b = np.flatnonzero(~trunk & (pin >= 0))
    seg_of = np.full(nl.n_pins, -1, np.int64)
    seg_of[pin[b]] = b
    pin_net = nl.pin_net.astype(np.int64)
    cand = np.flatnonzero(pin_net > 1)
    cand = cand[t_of[pin_net[cand]] >= 0]
    box, ok = pin_shapes_um(sm, macros, cand)
    cand, box = cand[ok], box[ok]
    s = seg_of[cand]
    ts = t_of[pin_net[cand]]
    est = s >= 0
    # Branch: across its trunk, from the access point to the trunk's line.
    trunk_h = np.array([m.direction == "horizontal" for m in tech.metals])[layer[ts]]
    h = ~trunk_h
    j = np.where(h, x0[ts], y0[ts])
    # Access point: on the shape, as near the trunk as the shape reaches.
    a = np.clip(j, np.where(h, box[:, 0], box[:, 1]), np.where(h, box[:, 2], box[:, 3]))
    c = np.where(h, 0.5 * (box[:, 1] + box[:, 3]), 0.5 * (box[:, 0] + box[:, 2]))
    lo, hi = np.minimum(a, j), np.maximum(a, j)
    # Layer: the estimate's; for a new branch the lowest of its direction above the cells'
    # pin layer; a branch of zero length is the pin shape itself, when the pin layer runs
    # across the trunk (one stack up to the trunk, as a router's pin access would do).
    lay = np.where(est, layer[np.maximum(s, 0)], np.where(h, _lowest(tech, "horizontal"), _lowest(tech, "vertical")))
    pin_layer_h = tech.metals[0].direction == "horizontal"
    lay = np.where((hi - lo < 1e-9) & (h == pin_layer_h), 0, lay)
    keep = np.ones(x0.size, bool)
    keep[s[est]] = False  # replaced
    return RouteSegments(np.r_[x0[keep], np.where(h, lo, c)], np.r_[y0[keep], np.where(h, c, lo)],
                         np.r_[x1[keep], np.where(h, hi, c)], np.r_[y1[keep], np.where(h, c, hi)],
                         np.r_[layer[keep], lay.astype(layer.dtype)], np.r_[net[keep], pin_net[cand]],
                         np.r_[trunk[keep], np.zeros(cand.size, bool)])
