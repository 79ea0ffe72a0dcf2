"""Geometry of routing segments for the track assigner (assign.py): per-layer grid tables
and the rectangles (wire, junction and pin via pads, trunk extension) a branch draws on a
candidate (layer, track), projected onto the occupancy tracks of tracks.py. Vectorized over
candidates so that one search step costs one numpy call."""

from __future__ import annotations

import numpy as np

from romalayout.gds.tracks import pack_key, stack_pad

class Tables:
    """Per-layer grid parameters as numpy arrays, indexed by metal index."""

    def __init__(self, grids):
        self.grids = grids
        for f in ("pitch", "offset", "width", "spacing", "ext", "pad_half", "t_lo", "t_hi"):
            setattr(self, f, np.array([getattr(g, f) for g in grids], np.int64))
        self.horizontal = np.array([g.horizontal for g in grids])
        self.bulge = np.array([g.pads_bulge for g in grids])

    def cross(self, layer, t):
        return self.offset[layer] + t * self.pitch[layer]

    def nearest(self, layer, c):
        t = np.floor_divide(2 * (c - self.offset[layer]) + self.pitch[layer], 2 * self.pitch[layer])
        return np.clip(t, self.t_lo[layer], self.t_hi[layer])


def pad_rects(tb: Tables, pads, owner, net, layer, x, y, lo, hi, skip_wire_space):
    """Rectangles (owner, key, a0, a1, net, spacing) of the pad a stack lo..hi puts on
    `layer` at (x, y) (all arrays), projected onto the tracks they come close to: wire space
    (band = width / 2) unless skip_wire_space, and pad space (band = widest pad) on layers
    whose pads can clash across tracks."""
    out = []
    if owner.size == 0:
        return out
    ha = np.zeros(owner.size, np.int64)
    hc = np.zeros(owner.size, np.int64)
    for m in np.unique(layer).tolist():
        for a, b in set(zip(lo[layer == m].tolist(), hi[layer == m].tolist())):
            sel = (layer == m) & (lo == a) & (hi == b)
            ha[sel], hc[sel] = stack_pad(pads, m, a, b)
    h = tb.horizontal[layer]
    along, cross = np.where(h, x, y), np.where(h, y, x)
    for space in (0, 1):
        keep = tb.bulge[layer] if space else ~skip_wire_space
        if not keep.any():
            continue
        band = np.where(space == 1, tb.pad_half[layer], tb.width[layer] // 2)
        sp, pitch, off = tb.spacing[layer], tb.pitch[layer], tb.offset[layer]
        t_lo = (cross - hc - sp - band - off) // pitch + 1
        t_hi = -((-(cross + hc + sp + band - off)) // pitch) - 1
        n = np.where(keep, np.maximum(t_hi - t_lo + 1, 0), 0)
        rep = np.repeat(np.arange(owner.size), n)
        t = t_lo[rep] + (np.arange(rep.size) - np.repeat(np.cumsum(n) - n, n))
        out.append((owner[rep], pack_key(space, layer[rep], t), along[rep] - ha[rep], along[rep] + ha[rep], net[rep], sp[rep]))
    return out


def cat(parts):
    return tuple(np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, np.int64) for i in range(6))


class Branches:
    """Branch geometry as a function of (layer, track), vectorized over candidates."""

    def __init__(self, tb, pads, net, pin, junction, pin_via, t_layer, t_track, t_lo, t_hi):
        self.tb, self.pads = tb, pads
        self.net, self.pin, self.junction, self.pin_via = net, pin, junction, pin_via
        self.t_layer, self.t_track, self.t_lo, self.t_hi = t_layer, t_track, t_lo, t_hi  # per net
        # Per branch layer: the closest a pin stack may come to the junction (layers <= it).
        sep = 2 * np.maximum(tb.pad_half, tb.ext) + tb.spacing
        self.min_sep = np.maximum.accumulate(sep)

    def pin_end(self, b, layer, k):
        """Along coordinate of the pin end: at a standard-cell pin, the k-th track (0, 1,
        -1, ...) of the layer below nearest to the pin, so the pin stack's pads sit on
        tracks and pins of one cell (all at its centre in the estimate) can spread out."""
        p, j = self.pin[b], self.junction[b]
        stack = self.pin_via[b] & (layer > 0)
        if not stack.any():
            return p
        below = np.maximum(layer - 1, 0)
        p = np.where(stack, self.tb.cross(below, self.tb.nearest(below, p) + k), p)
        # A pin stack closer to the junction than two pads and a spacing would leave a
        # same-net gap or notch below the spacing: put it at the junction instead.
        near = stack & (np.abs(p - j) < self.min_sep[layer])
        return np.where(near, j, p)

    def rects(self, b, layer, t, k=None):
        """(owner, key, a0, a1, net, spacing) of branch b on (layer, t) with pin shift k,
        owner = position in b."""
        tb, net = self.tb, self.net[b]
        own = np.arange(b.size)
        c = tb.cross(layer, t)
        p, j = self.pin_end(b, layer, np.zeros_like(b) if k is None else k), self.junction[b]
        e = tb.ext[layer]
        parts = [(own, pack_key(0, layer, t), np.minimum(p, j) - e, np.maximum(p, j) + e, net, tb.spacing[layer])]
        h = tb.horizontal[layer]
        lt = self.t_layer[net]
        has_t = lt >= 0
        # Junction stack: pads on every layer from the branch's to the trunk's.
        jx, jy = np.where(h, j, c), np.where(h, c, j)
        lo, hi = np.minimum(layer, lt), np.maximum(layer, lt)
        span = np.where(has_t, hi - lo + 1, 0)
        rep = np.repeat(own, span)
        m = lo[rep] + (np.arange(rep.size) - np.repeat(np.cumsum(span) - span, span))
        on_track = (m == layer[rep]) | (m == lt[rep])
        parts += pad_rects(tb, self.pads, rep, net[rep], m, jx[rep], jy[rep], lo[rep], hi[rep], on_track)
        # Pin stack down to the lowest metal.
        span = np.where(self.pin_via[b], layer + 1, 0)
        span[layer == 0] = 0
        rep = np.repeat(own, span)
        m = np.arange(rep.size) - np.repeat(np.cumsum(span) - span, span)
        px, py = np.where(h, p, c), np.where(h, c, p)
        parts += pad_rects(tb, self.pads, rep, net[rep], m, px[rep], py[rep], np.zeros_like(m), layer[rep], m == layer[rep])
        # Trunk extension when the branch lies beyond the trunk's ends.
        beyond = has_t & ((c < self.t_lo[net]) | (c > self.t_hi[net]))
        if beyond.any():
            k = np.flatnonzero(beyond)
            n_, l_ = net[k], lt[k]
            parts.append((own[k], pack_key(0, l_, self.t_track[n_]), np.minimum(c[k], self.t_lo[n_]) - tb.ext[l_],
                          np.maximum(c[k], self.t_hi[n_]) + tb.ext[l_], n_, tb.spacing[l_]))
        return cat(parts)
