"""Track assignment at drawing time: routing-estimate segments -> legal wires and vias.

Input: segments with a net and a trunk/branch flag (romalayout.place.route.Routes: each net
is one trunk plus perpendicular branches from its pins to the trunk). Output: wires on
their layer's track grid (tech.metals pitch and offset, preferred direction), vias only
where a net changes layer, and counts of what could not be placed legally.

1. Each branch gets its nearest track; each trunk is stretched to reach them.
2. Trunks: snap to the nearest track; a vectorized pass (tracks.conflicts) keeps every trunk
   that clashes with no other net; the rest are placed greedily, longest first, on the
   nearest free track within +-SEARCH_TRACKS, else on the next layer of the same direction
   (spill), else on their nearest track anyway and counted as illegal.
3. Branches: the same, with the trunk end moved to the trunk's assigned track; a candidate
   track must also leave room for the via pads it implies (the stack at the junction, the
   stack down to the standard-cell pin layer at the pin end) and, if it lies beyond the
   trunk's ends, for the trunk's extension.
4. Same-net pieces on one track are merged; vias go to junctions and pin ends; same-net
   gaps below the spacing are bridged (bridges.py).
5. A final vectorized check of every wire and pad counts the segments that still clash
   (`illegal`, per layer in `illegal_rects`): drawn, never silent.
All shapes are checked with the occupancy model of tracks.py (wire space and pad space).
Designs above LEGALIZE_MAX_SEGMENTS skip steps 2-3's search (Python, ~1 ms per clashing
segment): they are snapped and checked only, so the 1 Mbit B-ROM stays within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.errors import InputError
from romalayout.gds.bridges import same_net_bridges
from romalayout.gds.tracks import Occupancy, against, conflicts, layer_grids, pack_key, stack_pad

SEARCH_TRACKS = 24  # how far (in tracks, each side) a clashing segment may move on one layer
# Clashing segments that may search for room, per phase: a bound on time (~1 ms each).
GREEDY_BUDGET = 2000
# Above this many segments, only snap (see assign_tracks); the 1 Mbit B-ROM has 5e5.
LEGALIZE_MAX_SEGMENTS = 100_000
PIN_SHIFTS = 3  # how many tracks (each side) a pin end may slide along its cell


@dataclass(frozen=True, eq=False)
class RouteSegments:
    """What assign_tracks needs of a routing estimate (all arrays of one length):
    coordinates in um, metal index, net, trunk flag."""

    x0_um: np.ndarray
    y0_um: np.ndarray
    x1_um: np.ndarray
    y1_um: np.ndarray
    layer: np.ndarray
    net: np.ndarray
    is_trunk: np.ndarray


@dataclass(frozen=True, eq=False)
class Assigned:
    """Track-assigned wires: per metal index, segments (n, 4) in dbu (x0, y0, x1, y1) with
    their net; via stacks {(lo, hi): (n, 2) dbu centres}; counts."""

    wires_dbu: dict
    wire_nets: dict
    vias_dbu: dict
    bridges_dbu: dict  # metal index -> (n, 4) rectangles closing same-net gaps (bridges.py)
    illegal: int  # segments left on a clashing track (drawn, reported, never silent)
    moved: int  # segments placed off their nearest track
    spilled: int  # segments moved to a higher layer of the same direction
    unjoined: int  # branches of nets whose trunk has zero length (no junction via)
    illegal_rects: dict  # metal name -> clashing rectangles the final check found there


class _Tables:
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


def _pad_rects(tb: _Tables, pads, owner, net, layer, x, y, lo, hi, skip_wire_space):
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


def _cat(parts):
    return tuple(np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, np.int64) for i in range(6))


class _Branches:
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
        parts += _pad_rects(tb, self.pads, rep, net[rep], m, jx[rep], jy[rep], lo[rep], hi[rep], on_track)
        # Pin stack down to the lowest metal.
        span = np.where(self.pin_via[b], layer + 1, 0)
        span[layer == 0] = 0
        rep = np.repeat(own, span)
        m = np.arange(rep.size) - np.repeat(np.cumsum(span) - span, span)
        px, py = np.where(h, p, c), np.where(h, c, p)
        parts += _pad_rects(tb, self.pads, rep, net[rep], m, px[rep], py[rep], np.zeros_like(m), layer[rep], m == layer[rep])
        # Trunk extension when the branch lies beyond the trunk's ends.
        beyond = has_t & ((c < self.t_lo[net]) | (c > self.t_hi[net]))
        if beyond.any():
            k = np.flatnonzero(beyond)
            n_, l_ = net[k], lt[k]
            parts.append((own[k], pack_key(0, l_, self.t_track[n_]), np.minimum(c[k], self.t_lo[n_]) - tb.ext[l_],
                          np.maximum(c[k], self.t_hi[n_]) + tb.ext[l_], n_, tb.spacing[l_]))
        return _cat(parts)


def _candidates(tb, layer0: int, c: int, max_layer: int, shifts: int) -> np.ndarray:
    """(layer, track, pin shift) rows in order of preference: on the segment's own layer,
    by |track move| + |pin shift| (track 0, +1, -1, ...; shift 0, +1, -1, ...), then the
    same on the other layers of the same direction, nearest first, upper before lower
    (never onto the lowest metal, which is blocked inside the cells, unless it started there)."""
    d = np.r_[0, np.stack([np.arange(1, SEARCH_TRACKS + 1), -np.arange(1, SEARCH_TRACKS + 1)], axis=1).ravel()]
    dd, kk = (a.ravel() for a in np.meshgrid(d, d[: 2 * shifts + 1], indexing="ij"))
    o = np.argsort(np.abs(dd) + np.abs(kk), kind="stable")
    dd, kk = dd[o], kk[o]
    out = []
    others = [m for m in range(1, max(max_layer, layer0) + 1) if m != layer0 and tb.horizontal[m] == tb.horizontal[layer0]]
    for m in [layer0] + sorted(others, key=lambda m: (abs(m - layer0), -m)):
        ts = int(tb.nearest(m, c)) + dd
        ok = (ts >= tb.t_lo[m]) & (ts <= tb.t_hi[m])
        out.append(np.stack([np.full(ok.sum(), m), ts[ok], kk[ok]], axis=1))
    return np.concatenate(out)


def _first_free(occ, cand, rects):
    """Index of the first candidate row whose rectangles are all free in occ, with its
    rectangles as tuples; (None, []) if none is."""
    owner, key, a0, a1, net, sp = rects
    o = np.argsort(owner, kind="stable")
    rows = list(zip(key[o].tolist(), a0[o].tolist(), a1[o].tolist(), net[o].tolist(), sp[o].tolist()))
    bounds = np.searchsorted(owner[o], np.arange(cand.shape[0] + 1)).tolist()
    for r in range(cand.shape[0]):
        mine = rows[bounds[r]:bounds[r + 1]]
        if all(occ.is_free(*row) for row in mine):
            return r, mine
    return None, []


def _greedy(tb, occ, losers, first, rects_of, max_layer, on_place, budget):
    """Place each loser, in order, on its first candidate whose rectangles are all free.
    first(i) -> (layer, across dbu, pin shifts allowed) it wants; rects_of(i, cand) ->
    rectangles of loser i on candidate rows cand (owner = row). Candidates are tried in
    growing chunks (most losers find room among the first few). Losers after the first
    `budget` (a bound on time for huge designs) and those with no free candidate stay on
    their first candidate; the final check counts them. Returns (#moved, #spilled)."""
    moved = spilled = 0
    for i in losers[:budget].tolist():  # the rest keep their places (= their first candidate)
        layer0, c, shifts = first(i)
        cand = _candidates(tb, layer0, c, max_layer, shifts)
        pick, mine = None, []
        for lo, hi in ((0, 8), (8, 64), (64, cand.shape[0])):
            if lo >= cand.shape[0]:
                break
            r, mine = _first_free(occ, cand[lo:hi], rects_of(i, cand[lo:hi]))
            if r is not None:
                pick = lo + r
                break
        if pick is None:
            pick = 0
            mine = _first_free(occ, cand[:1], rects_of(i, cand[:1]))[1] or [
                row for row in zip(*(a.tolist() for a in rects_of(i, cand[:1])[1:]))]
        for row in mine:
            occ.add(*row)
        moved += pick > 0
        spilled += int(cand[pick, 0]) != layer0
        on_place(i, *(int(v) for v in cand[pick]))
    return moved, spilled


def _merge(layer, cross, net, a0, a1):
    """Union of same-net intervals on one track: (layer, cross, net, a0, a1) of the blocks."""
    o = np.lexsort((a0, net, cross, layer))
    layer, cross, net, a0, a1 = layer[o], cross[o], net[o], a0[o], a1[o]
    grp = np.r_[True, (layer[1:] != layer[:-1]) | (cross[1:] != cross[:-1]) | (net[1:] != net[:-1])] if o.size else np.zeros(0, bool)
    gid = np.cumsum(grp) - 1
    big = np.int64(1) << 36
    run = np.maximum.accumulate(a1 + gid * big) if o.size else a1
    new = grp | (a0 + gid * big > np.r_[np.int64(-1), run[:-1]]) if o.size else grp
    s = np.flatnonzero(new)
    end = np.maximum.reduceat(a1, s) if s.size else a1[:0]
    return layer[s], cross[s], net[s], a0[s], end


def assign_tracks(tech, seg: RouteSegments, width_um: float, height_um: float, vias_by_cut: dict,
                  cell_regions_um=(), max_layer: int | None = None, greedy_budget: int = GREEDY_BUDGET,
                  max_segments: int = LEGALIZE_MAX_SEGMENTS) -> Assigned:
    """Assign `seg` to tracks (see the module docstring). A branch whose pin end lies in one
    of cell_regions_um ((x0, y0, x1, y1): standard-cell rows) gets a via stack down to the
    lowest metal there; elsewhere (array devices) the pin is the device's own contact.
    max_layer: highest metal index a segment may spill to (default: the one under the top
    metal, which is kept for power). greedy_budget: how many clashing segments (per phase)
    may search for a free track; the rest stay put and are counted as illegal. Designs with
    more than max_segments segments are only snapped (nearest track, no clash search): the
    Python search would take minutes there; their clashes are counted all the same."""
    grids, pads = layer_grids(tech, vias_by_cut, width_um, height_um)
    tb = _Tables(grids)
    L = np.asarray(seg.layer, np.int64)
    if max_layer is None:
        max_layer = max(len(grids) - 2, int(L.max()) if L.size else 0)
    dbu = tech.dbu_per_um
    X0, Y0, X1, Y1 = (np.rint(np.asarray(v, np.float64) * dbu).astype(np.int64) for v in (seg.x0_um, seg.y0_um, seg.x1_um, seg.y1_um))
    hz = tb.horizontal[L]
    if np.any(np.where(hz, Y0 != Y1, X0 != X1)):
        raise InputError("a route segment runs against its layer's preferred direction")
    a0, a1, c = np.where(hz, X0, Y0), np.where(hz, X1, Y1), np.where(hz, Y0, X0)
    net = np.asarray(seg.net, np.int64)
    trunk = np.asarray(seg.is_trunk, bool)
    n_nets = int(net.max()) + 1 if net.size else 0
    T = np.flatnonzero(trunk)
    if np.unique(net[T]).size != T.size:
        raise InputError("a net has more than one trunk")
    ti = np.full(n_nets, -1, np.int64)
    ti[net[T]] = T

    # Branches: which end meets the trunk, their nearest tracks.
    br = np.flatnonzero(~trunk)
    b_net, b_layer = net[br], L[br].copy()
    has = ti[b_net] >= 0
    tc = c[np.maximum(ti[b_net], 0)]
    j_first = np.abs(a0[br] - tc) <= np.abs(a1[br] - tc)
    junction = np.where(j_first, a0[br], a1[br])
    pin = np.where(j_first, a1[br], a0[br])
    b_track = tb.nearest(b_layer, c[br])

    # Trunks: stretched over their branches' tracks, then snapped and cleared.
    big = np.int64(1) << 40
    t_lo, t_hi = np.full(n_nets, big), np.full(n_nets, -big)
    t_lo[net[T]], t_hi[net[T]] = a0[T], a1[T]
    bc = tb.cross(b_layer, b_track)
    np.minimum.at(t_lo, b_net[has], bc[has])
    np.maximum.at(t_hi, b_net[has], bc[has])
    t_layer = np.full(n_nets, -1, np.int64)
    t_track = np.zeros(n_nets, np.int64)
    tn = net[T]
    t_layer[tn] = L[T]
    t_track[tn] = tb.nearest(L[T], c[T])

    def trunk_rects(nets, layer, track):
        e = tb.ext[layer]
        return (pack_key(0, layer, track), t_lo[nets] - e, t_hi[nets] + e, nets, tb.spacing[layer])

    legalize = greedy_budget > 0 and L.size <= max_segments
    key, s0, s1, nn, sp = trunk_rects(tn, t_layer[tn], t_track[tn])
    bad = conflicts(key, s0, s1, nn, sp) if legalize else np.zeros(key.size, bool)
    occ = Occupancy(key[~bad], s0[~bad], s1[~bad], nn[~bad]) if legalize else None
    losers = tn[bad][np.lexsort((tn[bad], -(t_hi - t_lo)[tn[bad]]))]
    orig_layer, orig_c = t_layer.copy(), np.zeros(n_nets, np.int64)
    orig_c[tn] = c[T]

    def place_trunk(n, m, t, _k):
        t_layer[n], t_track[n] = m, t

    def trunk_cands(n, cand):
        rows = np.arange(cand.shape[0])
        return (rows,) + trunk_rects(np.full(rows.size, n), cand[:, 0], cand[:, 1])

    mv1, sp1 = _greedy(tb, occ, losers, lambda n: (int(orig_layer[n]), int(orig_c[n]), 0), trunk_cands, max_layer, place_trunk, greedy_budget)

    # Branches: the trunk end moves to the trunk's track.
    junction = np.where(has, tb.cross(t_layer[b_net], t_track[b_net]), junction)
    bh = tb.horizontal[b_layer]
    px, py = np.where(bh, pin, c[br]), np.where(bh, c[br], pin)
    pin_via = np.zeros(br.size, bool)
    for x0, y0, x1, y1 in cell_regions_um:
        x0, y0, x1, y1 = (round(v * dbu) for v in (x0, y0, x1, y1))
        pin_via |= (px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)
    geo = _Branches(tb, pads, b_net, pin, junction, pin_via, t_layer, t_track, t_lo, t_hi)
    b_shift = np.zeros(br.size, np.int64)
    lose = np.zeros(br.size, bool)
    if legalize:
        owner, key, s0, s1, nn, sp = geo.rects(np.arange(br.size), b_layer, b_track)
        tk, ts0, ts1, tnn, tsp = trunk_rects(tn, t_layer[tn], t_track[tn])
        bad = conflicts(key, s0, s1, nn, sp) | against(key, s0, s1, nn, sp, tk, ts0, ts1, tnn, tsp)
        lose[owner[bad]] = True
        keep = ~lose[owner]
        occ = Occupancy(np.r_[key[keep], tk], np.r_[s0[keep], ts0], np.r_[s1[keep], ts1], np.r_[nn[keep], tnn])
    blen = np.abs(geo.pin_end(np.arange(br.size), b_layer, b_shift) - junction)
    losers = np.flatnonzero(lose)
    losers = losers[np.lexsort((losers, -blen[losers]))]
    orig_b = (b_layer.copy(), c[br])

    def place_branch(i, m, t, k):
        b_layer[i], b_track[i], b_shift[i] = m, t, k
        n = b_net[i]
        if has[i]:
            x = int(tb.cross(m, t))
            t_lo[n], t_hi[n] = min(t_lo[n], x), max(t_hi[n], x)

    def branch_cands(i, cand):
        return geo.rects(np.full(cand.shape[0], i), cand[:, 0], cand[:, 1], cand[:, 2])

    shifts = np.where(pin_via, PIN_SHIFTS, 0)
    mv2, sp2 = (0, 0) if not legalize else _greedy(tb, occ, losers, lambda i: (int(orig_b[0][i]), int(orig_b[1][i]), int(shifts[i])), branch_cands, max_layer, place_branch, greedy_budget)

    # Final check of everything drawn, then wires (merged per net and track) and vias.
    owner, key, s0, s1, nn, sp = geo.rects(np.arange(br.size), b_layer, b_track, b_shift)
    tk, ts0, ts1, tnn, tsp = trunk_rects(tn, t_layer[tn], t_track[tn])
    pin = geo.pin_end(np.arange(br.size), b_layer, b_shift)
    bad = conflicts(np.r_[key, tk], np.r_[s0, ts0], np.r_[s1, ts1], np.r_[nn, tnn], np.r_[sp, tsp])
    illegal = np.unique(owner[bad[: owner.size]]).size + int(bad[owner.size:].sum())
    where = {}
    for k, n in zip(*np.unique((np.r_[key, tk][bad] >> 32) & 63, return_counts=True)):
        where[grids[int(k)].name] = int(n)
    bc = tb.cross(b_layer, b_track)
    ml, mc, mn, m0, m1 = _merge(np.r_[t_layer[tn], b_layer], np.r_[tb.cross(t_layer[tn], t_track[tn]), bc], np.r_[tn, b_net],
                                np.r_[t_lo[tn], np.minimum(pin, junction)], np.r_[t_hi[tn], np.maximum(pin, junction)])
    bh = tb.horizontal[b_layer]
    lt = t_layer[b_net]
    vias = _vias(((np.minimum(b_layer, lt), np.maximum(b_layer, lt), np.where(bh, junction, bc), np.where(bh, bc, junction), b_net, has),
                  (np.zeros_like(b_layer), b_layer, np.where(bh, pin, bc), np.where(bh, bc, pin), b_net, pin_via & (b_layer > 0))))
    wires, wire_nets, bridges = _drawn(tb, pads, (ml, mc, mn, m0, m1), vias)
    return Assigned(wires, wire_nets, {k: v[:, :2] for k, v in vias.items()}, bridges, illegal, mv1 + mv2, sp1 + sp2,
                    int((~has).sum()), where)


def _vias(groups) -> dict:
    """{(lo, hi): (n, 3) unique (x, y, net)} of stacks given as (lo, hi, x, y, net, mask)."""
    out: dict[tuple[int, int], list] = {}
    for lo, hi, x, y, net, ok in groups:
        for a, b in sorted(set(zip(lo[ok].tolist(), hi[ok].tolist()))):
            s = ok & (lo == a) & (hi == b)
            out.setdefault((a, b), []).append(np.stack([x[s], y[s], net[s]], axis=1))
    return {k: np.unique(np.concatenate(v), axis=0) for k, v in sorted(out.items())}


def _drawn(tb, pads, merged, vias):
    """Wires per layer ((n, 4) dbu and nets) from merged track intervals, and the same-net
    bridges ({layer: (n, 4) dbu}) between every wire and via pad drawn."""
    ml, mc, mn, m0, m1 = merged
    keep = m1 > m0
    ml, mc, mn, m0, m1 = ml[keep], mc[keep], mn[keep], m0[keep], m1[keep]
    h = tb.horizontal[ml]
    xy = np.where(h[:, None], np.stack([m0, mc, m1, mc], axis=1), np.stack([mc, m0, mc, m1], axis=1))
    wires = {m: xy[ml == m] for m in np.unique(ml).tolist()}
    nets = {m: mn[ml == m] for m in np.unique(ml).tolist()}
    half = tb.width[ml] // 2
    parts = [(ml, mn, xy[:, 0] - np.where(h, 0, half), xy[:, 1] - np.where(h, half, 0),
              xy[:, 2] + np.where(h, 0, half), xy[:, 3] + np.where(h, half, 0))]
    for (lo, hi), v in vias.items():
        for m in range(lo, hi + 1):
            a, c = stack_pad(pads, m, lo, hi)
            hx, hy = (a, c) if tb.grids[m].horizontal else (c, a)
            parts.append((np.full(v.shape[0], m), v[:, 2], v[:, 0] - hx, v[:, 1] - hy, v[:, 0] + hx, v[:, 1] + hy))
    cols = [np.concatenate([p[i] for p in parts]) for i in range(6)]
    bl, br_ = same_net_bridges(*cols, tb.spacing)
    return wires, nets, {m: br_[bl == m] for m in np.unique(bl).tolist()}
