"""Same-net gap filling: rectangles that close gaps and notches narrower than the spacing
between shapes of one net (two via pads on neighbouring tracks, a pad's overhang next to
another's along a wire). A DRC deck flags such gaps even within a net; the track
assigner's occupancy model treats a net's shapes closer than the spacing as one block, and
these bridges make the drawing match it."""

from __future__ import annotations

import numpy as np

NEIGHBOURS = 8  # how many following rectangles (in sort order) a rectangle is compared with


def _window_pairs(keys, order_keys):
    """(i, j) index pairs of rectangles with equal `keys` (a tuple of arrays) that are at most
    NEIGHBOURS apart when sorted by keys, then order_keys (each pair once, i before j)."""
    o = np.lexsort(tuple(order_keys[::-1]) + tuple(keys[::-1]))
    n = o.size
    new = np.zeros(n, bool)
    if n:
        new[0] = True
        for k in keys:
            ks = k[o]
            new[1:] |= ks[1:] != ks[:-1]
    gid = np.cumsum(new)
    for k in range(1, min(NEIGHBOURS, n - 1) + 1):
        same = gid[:-k] == gid[k:]
        if not same.any():  # groups are contiguous: none longer than k
            break
        yield o[:-k][same], o[k:][same]


def same_net_bridges(layer, net, x0, y0, x1, y1, spacing_by_layer, offset: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(layer, rects (n, 4) dbu) bridging every pair of same-net rectangles (integer dbu
    arrays) that face each other across a gap 0 < g < spacing and are near each other in
    either axis order (same centre line, sorted by start): the bridge spans the gap and the
    two wider rectangle's extent across it; then the same for rectangles off each other's
    centre line (a pad beside a wire's end: a notch), the bridge spanning only their
    overlap (_offset_gaps; skipped if not offset). Diagonal neighbours are left alone."""
    if layer.size < 2:
        return np.zeros(0, np.int64), np.zeros((0, 4), np.int64)
    sp = spacing_by_layer[layer]
    ln = (layer.astype(np.int64) << 40) + net  # one sort key for (layer, net)
    out_l, out_r = [], []
    for a0, a1, b0, b1 in ((x0, x1, y0, y1), (y0, y1, x0, x1)):  # gap along a, overlap in b
        centre = b0 + b1  # twice the centre line: integer
        # The next few along the line, not only the next: a wire between two pads starts
        # before the second pad and hides their gap from a next-neighbour comparison.
        for i, j in _window_pairs((ln, centre), (a0,)):
            gap0, gap1 = a1[i], a0[j]
            # Same centre line: the wider of the two spans the narrower; the bridge takes its
            # width, so it leaves no step (a notch) beside the narrower one.
            lo, hi = np.minimum(b0[i], b0[j]), np.maximum(b1[i], b1[j])
            sel = (gap1 > gap0) & (gap1 - gap0 < sp[i]) & (hi > lo)
            if sel.any():
                rect = np.stack([gap0[sel], lo[sel], gap1[sel], hi[sel]], axis=1)
                out_r.append(rect if a0 is x0 else rect[:, [1, 0, 3, 2]])
                out_l.append(layer[i[sel]])
    if offset:
        ol, orr = _offset_gaps(layer, ln, x0, y0, x1, y1, sp)
        out_l.append(ol)
        out_r.append(orr)
    if not out_l:
        return np.zeros(0, np.int64), np.zeros((0, 4), np.int64)
    lay, rects = np.concatenate(out_l), np.concatenate(out_r)
    key = np.unique(np.c_[lay, rects], axis=0)  # sorted: deterministic
    return key[:, 0], key[:, 1:]


def _offset_gaps(layer, ln, x0, y0, x1, y1, sp):
    """(layer, rects) closing gaps 0 < g < spacing between same-net rectangles that overlap
    across the gap, wherever their centre lines are: the bridge spans the gap and the overlap
    only, so it stays between the two. Candidates: the next NEIGHBOURS rectangles of
    the same layer and net in (x0, y0) and in (y0, x0) order (the shapes near a junction
    or a pin are few)."""
    out_l, out_r = [np.zeros(0, np.int64)], [np.zeros((0, 4), np.int64)]
    for first, second in ((x0, y0), (y0, x0)):
        for i, j in _window_pairs((ln,), (first, second)):
            # Box gaps (negative: overlap); a bridge where one is a gap below the spacing and
            # the other an overlap, off the centre line (on it: same_net_bridges' first pass).
            dx = np.maximum(x0[j] - x1[i], x0[i] - x1[j])
            dy = np.maximum(y0[j] - y1[i], y0[i] - y1[j])
            s = sp[i]
            for gap, over, along_x in ((dx, dy, True), (dy, dx, False)):
                k = np.flatnonzero((gap > 0) & (gap < s) & (over < 0))
                if not k.size:
                    continue
                a, b = (i[k], j[k])
                a0, a1, b0, b1 = (x0, x1, y0, y1) if along_x else (y0, y1, x0, x1)
                k2 = b0[a] + b1[a] != b0[b] + b1[b]
                a, b = a[k2], b[k2]
                g0, g1 = np.minimum(a1[a], a1[b]), np.maximum(a0[a], a0[b])
                r = np.stack([g0, np.maximum(b0[a], b0[b]), g1, np.minimum(b1[a], b1[b])], axis=1)
                out_r.append(r if along_x else r[:, [1, 0, 3, 2]])
                out_l.append(layer[a])
    return np.concatenate(out_l), np.concatenate(out_r)
