"""Same-net gap filling: rectangles that close gaps and notches narrower than the spacing
between shapes of one net (two via pads on neighbouring tracks, a pad's overhang next to
another's along a wire). A DRC deck flags such gaps even within a net; the track
assigner's occupancy model treats a net's shapes closer than the spacing as one block, and
these bridges make the drawing match it."""

from __future__ import annotations

import numpy as np


def same_net_bridges(layer, net, x0, y0, x1, y1, spacing_by_layer) -> tuple[np.ndarray, np.ndarray]:
    """(layer, rects (n, 4) dbu) bridging every pair of same-net rectangles (integer dbu
    arrays) that face each other across a gap 0 < g < spacing and are neighbours in either
    axis order (same centre line, sorted by start): the bridge spans the gap and the two
    wider rectangle's extent across it. Diagonal neighbours are left alone."""
    out_l, out_r = [], []
    if layer.size < 2:
        return np.zeros(0, np.int64), np.zeros((0, 4), np.int64)
    sp = spacing_by_layer[layer]
    for a0, a1, b0, b1 in ((x0, x1, y0, y1), (y0, y1, x0, x1)):  # gap along a, overlap in b
        centre = b0 + b1  # twice the centre line: integer
        o = np.lexsort((a0, centre, net, layer))
        la, ne, ce = layer[o], net[o], centre[o]
        s0, s1, c0, c1, s = a0[o], a1[o], b0[o], b1[o], sp[o]
        run = np.maximum.accumulate(np.where(np.r_[True, (la[1:] != la[:-1]) | (ne[1:] != ne[:-1]) | (ce[1:] != ce[:-1])],
                                             np.arange(la.size), 0))
        same = np.r_[False, run[1:] == run[:-1]]  # i and i - 1 share layer, net and centre line
        end = np.r_[np.int64(0), s1[:-1]]
        gap = s0 - end
        # Same centre line: the wider of the two spans the narrower; the bridge takes its
        # width, so it leaves no step (a notch) beside the narrower one.
        lo, hi = np.minimum(c0, np.r_[np.int64(0), c0[:-1]]), np.maximum(c1, np.r_[np.int64(0), c1[:-1]])
        k = np.flatnonzero(same & (gap > 0) & (gap < s) & (hi > lo))
        if k.size:
            rect = np.stack([end[k], lo[k], s0[k], hi[k]], axis=1)
            if a0 is y0:
                rect = rect[:, [1, 0, 3, 2]]
            out_l.append(la[k])
            out_r.append(rect)
    if not out_l:
        return np.zeros(0, np.int64), np.zeros((0, 4), np.int64)
    lay, rects = np.concatenate(out_l), np.concatenate(out_r)
    key = np.c_[lay, rects]
    key = np.unique(key, axis=0)  # sorted: deterministic
    return key[:, 0], key[:, 1:]
