"""Same-net gap filling: rectangles that close gaps and notches narrower than the spacing
between shapes of one net (two via pads on neighbouring tracks, a pad's overhang next to
another's along a wire). A DRC deck flags such gaps even within a net; the track
assigner's occupancy model treats a net's shapes closer than the spacing as one block, and
these bridges make the drawing match it."""

from __future__ import annotations

import numpy as np

NEIGHBOURS = 8  # how many following rectangles (in sort order) a rectangle is compared with


def same_net_bridges(layer, net, x0, y0, x1, y1, spacing_by_layer) -> tuple[np.ndarray, np.ndarray]:
    """(layer, rects (n, 4) dbu) bridging every pair of same-net rectangles (integer dbu
    arrays) that face each other across a gap 0 < g < spacing and are neighbours in either
    axis order (same centre line, sorted by start): the bridge spans the gap and the two
    wider rectangle's extent across it; then the same for rectangles off each other's centre
    line (a pad beside a wire's end: a notch), the bridge spanning only their overlap
    (_offset_gaps). Diagonal neighbours are left alone."""
    out_l, out_r = [], []
    if layer.size < 2:
        return np.zeros(0, np.int64), np.zeros((0, 4), np.int64)
    sp = spacing_by_layer[layer]
    for a0, a1, b0, b1 in ((x0, x1, y0, y1), (y0, y1, x0, x1)):  # gap along a, overlap in b
        centre = b0 + b1  # twice the centre line: integer
        o = np.lexsort((a0, centre, net, layer))
        # The next few along the line, not only the next: a wire between two pads starts
        # before the second pad and hides their gap from a next-neighbour comparison.
        for k in range(1, min(NEIGHBOURS, o.size - 1) + 1):
            i, j = o[:-k], o[k:]
            same = (layer[i] == layer[j]) & (net[i] == net[j]) & (centre[i] == centre[j])
            gap0, gap1 = a1[i], a0[j]
            # Same centre line: the wider of the two spans the narrower; the bridge takes its
            # width, so it leaves no step (a notch) beside the narrower one.
            lo, hi = np.minimum(b0[i], b0[j]), np.maximum(b1[i], b1[j])
            sel = same & (gap1 > gap0) & (gap1 - gap0 < sp[i]) & (hi > lo)
            if sel.any():
                rect = np.stack([gap0[sel], lo[sel], gap1[sel], hi[sel]], axis=1)
                out_r.append(rect if a0 is x0 else rect[:, [1, 0, 3, 2]])
                out_l.append(layer[i[sel]])
    ol, orr = _offset_gaps(layer, net, x0, y0, x1, y1, sp)
    out_l.append(ol)
    out_r.append(orr)
    lay, rects = np.concatenate(out_l), np.concatenate(out_r)
    key = np.c_[lay, rects]
    key = np.unique(key, axis=0)  # sorted: deterministic
    return key[:, 0], key[:, 1:]




def _offset_gaps(layer, net, x0, y0, x1, y1, sp):
    """(layer, rects) closing gaps 0 < g < spacing between same-net rectangles that overlap
    across the gap, wherever their centre lines are: the bridge spans the gap and the overlap
    only, so it stays between the two. Candidates: the next NEIGHBOURS rectangles of
    the same layer and net in (x0, y0) and in (y0, x0) order (the shapes near a junction
    or a pin are few)."""
    out_l, out_r = [np.zeros(0, np.int64)], [np.zeros((0, 4), np.int64)]
    for first, second in ((x0, y0), (y0, x0)):
        o = np.lexsort((second, first, net, layer))
        for k in range(1, min(NEIGHBOURS, o.size - 1) + 1):
            i, j = o[:-k], o[k:]
            same = (layer[i] == layer[j]) & (net[i] == net[j])
            i, j = i[same], j[same]
            for a0, a1, b0, b1, along_x in ((x0, x1, y0, y1, True), (y0, y1, x0, x1, False)):
                lo_i = a1[i] <= a0[j]  # i before j along a
                g0 = np.where(lo_i, a1[i], a1[j])
                g1 = np.where(lo_i, a0[j], a0[i])
                o0, o1 = np.maximum(b0[i], b0[j]), np.minimum(b1[i], b1[j])
                sel = (g1 > g0) & (g1 - g0 < sp[i]) & (o1 > o0) & (b0[i] + b1[i] != b0[j] + b1[j])  # same line: above
                if sel.any():
                    r = np.stack([g0[sel], o0[sel], g1[sel], o1[sel]], axis=1)
                    out_r.append(r if along_x else r[:, [1, 0, 3, 2]])
                    out_l.append(layer[i[sel]])
    return np.concatenate(out_l), np.concatenate(out_r)
