"""Layer assignment of logic segments: by preferred direction, then by span.

Array lines already sit on their tracks (route.py). Each remaining segment goes to a layer of
its own direction among the logic layers (rules.logic_horizontal / logic_vertical: the cell-
blocked lowest layer excluded). Within one floorplan region and direction, segments are
sorted longest first and poured into the layers from the top down, each layer taking the same
fraction of the track length it still has free after blockages and array lines. So long nets
go high and local nets low, and no layer is overfilled while another of the same direction
idles (a router spreads demand the same way). Ties are broken by segment index: deterministic.
"""

from __future__ import annotations

import numpy as np

from romalayout.place.floorplan import Rect
from romalayout.place.placer import Placement
from romalayout.place.route import Routes
from romalayout.place.rules import RoutingRules
from romalayout.place.utilization import Blockage, rect_usage
from romalayout.tech import Technology


def _inside(rect: Rect, x, y) -> np.ndarray:
    return (x >= rect.x0_um) & (x <= rect.x1_um) & (y >= rect.y0_um) & (y <= rect.y1_um)


def assign_layers(tech: Technology, routes: Routes, regions: dict[str, Rect], pl: Placement, bl: Blockage, rules: RoutingRules) -> Routes:
    """A copy of `routes` with every segment of layer -1 given a layer (see module docstring)."""
    layer = routes.layer.copy()
    free = layer < 0
    fixed = routes.subset(~free)
    mx = 0.5 * (routes.x0_um + routes.x1_um)
    my = 0.5 * (routes.y0_um + routes.y1_um)
    rects = [regions[k] for k in sorted(regions)] + [pl.floorplan.region]
    group = np.full(layer.size, len(rects) - 1)
    for gi in range(len(rects) - 2, -1, -1):  # the first region listed wins on shared edges
        group[free & _inside(rects[gi], mx, my)] = gi
    horizontal = routes.horizontal
    length = routes.length_um
    pitch = np.array([m.pitch_um for m in tech.metals])
    for gi, rect in enumerate(rects):
        in_group = free & (group == gi)
        if not in_group.any():
            continue
        ru = rect_usage(tech, rect, pl, fixed, bl)
        remaining = np.maximum(ru.capacity_um - ru.demand_um, 0.0)
        for h, names in ((True, rules.logic_horizontal), (False, rules.logic_vertical)):
            sel = np.flatnonzero(in_group & (horizontal == h))
            if sel.size == 0:
                continue
            idx = np.array([tech.metal(n).index for n in names], dtype=np.int16)[::-1]  # top first
            room = remaining[idx]
            if room.sum() <= 0:  # nothing left anywhere: share by raw track capacity
                room = rect.area_um2 / pitch[idx]
            seg_len = length[sel]
            order = np.lexsort((sel, -seg_len))
            mid = np.cumsum(seg_len[order]) - 0.5 * seg_len[order]
            bounds = np.cumsum(room) / room.sum() * seg_len.sum()
            k = np.minimum(np.searchsorted(bounds, mid, side="right"), idx.size - 1)
            layer[sel[order]] = idx[k]
    return Routes(routes.x0_um, routes.y0_um, routes.x1_um, routes.y1_um, layer, routes.hpwl_um, routes.method, routes.net, routes.is_trunk, routes.pin)
