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
6. If a few clash (at most ripup.RIPUP_MAX_ILLEGAL), rip-up rounds repeat 2-5 with them,
   their neighbours and what blocked them taken out and placed first (ripup.py); the
   pass with the fewest illegal segments is drawn.
All shapes are checked with the occupancy model of tracks.py (wire space and pad space).
Designs above LEGALIZE_MAX_SEGMENTS skip steps 2-3's search (Python, ~1 ms per clashing
segment): they are snapped and checked only, so the 1 Mbit B-ROM stays within seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.errors import InputError
from romalayout.gds.bridges import same_net_bridges
from romalayout.gds.geometry import Branches, Tables
from romalayout.gds.ripup import RIPUP_MAX_ILLEGAL, RIPUP_ROUNDS, rip_priorities, shuffled
from romalayout.gds.search import greedy
from romalayout.gds.tracks import Occupancy, against, conflicts, layer_grids, pack_key, stack_pad

# Clashing segments that may search for room, per phase: a bound on time (~1-3 ms each).
# 5000 covers the group-8 compute cell (up to 4286 losers a phase; 2000 left SKY130 2291 /
# ASAP7 4039 segments illegal, 5000 leaves 180 / 79).
GREEDY_BUDGET = 5000
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
                  max_segments: int = LEGALIZE_MAX_SEGMENTS, rounds: int = RIPUP_ROUNDS) -> Assigned:
    """Assign `seg` to tracks (see the module docstring). A branch whose pin end lies in one
    of cell_regions_um ((x0, y0, x1, y1): standard-cell rows) gets a via stack down to the
    lowest metal there; elsewhere (array devices) the pin is the device's own contact.
    max_layer: highest metal index a segment may spill to (default: the one under the top
    metal, which is kept for power). greedy_budget: how many clashing segments (per phase)
    may search for a free track; the rest stay put and are counted as illegal. Designs with
    more than max_segments segments are only snapped (nearest track, no clash search): the
    Python search would take minutes there; their clashes are counted all the same.
    rounds: rip-up and re-route rounds after the first pass (ripup.py), run only while
    segments clash and only if the first pass left at most RIPUP_MAX_ILLEGAL; the
    assignment with the fewest illegal segments is kept (the first of equals)."""
    ctx = _prepare(tech, seg, width_um, height_um, vias_by_cut, cell_regions_um, max_layer)
    legalize = greedy_budget > 0 and ctx.L.size <= max_segments
    prio = np.zeros(ctx.L.size, np.int64)  # rip-up priority per segment (ripup.py)
    # Per net: along extent its trunk is drawn over in advance, so that a branch that found
    # no room may take a candidate beyond the trunk's ends in the next round (the trunk
    # extension is then placed in the trunk phase, before other trunks take its track).
    reserve = (np.full(ctx.n_nets, _FAR), np.full(ctx.n_nets, -_FAR))
    best = history = None
    for r in range(1 + (rounds if legalize else 0)):
        # Every round is a full pass: all segments re-placed in the new order (starting from
        # the last pass instead, searching only the ripped-up ones, cycled on the ASAP7 SRAM).
        res = _place(ctx, shuffled(prio, r), reserve, legalize, greedy_budget)
        if best is None or res.assigned.illegal < best.assigned.illegal:
            best = res
        if res.assigned.illegal == 0 or (r == 0 and res.assigned.illegal > RIPUP_MAX_ILLEGAL):
            break
        prio, history = rip_priorities(res.rects, res.bad, res.blockers, prio, history)
        for n, x in res.wants:
            reserve[0][n], reserve[1][n] = min(reserve[0][n], x), max(reserve[1][n], x)
    return best.assigned


_FAR = np.int64(1) << 40  # beyond any coordinate in dbu


@dataclass(frozen=True, eq=False)
class _Input:
    """assign_tracks' input in dbu, split into trunks and branches (fixed over rounds)."""

    tb: Tables
    grids: tuple
    pads: tuple
    L: np.ndarray  # metal index per segment
    c: np.ndarray  # across coordinate per segment
    max_layer: int
    n_nets: int
    T: np.ndarray  # trunk segment indices
    tn: np.ndarray  # their nets
    br: np.ndarray  # branch segment indices
    b_net: np.ndarray
    has: np.ndarray  # branch's net has a trunk
    junction: np.ndarray  # along coordinate of the end meeting the trunk (before snapping)
    pin: np.ndarray
    t_lo0: np.ndarray  # per net: the trunk's own along extent
    t_hi0: np.ndarray
    pin_via: np.ndarray  # branch pin end in a standard-cell row: a stack down to metal 0


def _prepare(tech, seg, width_um, height_um, vias_by_cut, cell_regions_um, max_layer) -> _Input:
    grids, pads = layer_grids(tech, vias_by_cut, width_um, height_um)
    tb = Tables(grids)
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
    # Branches: which end meets the trunk.
    br = np.flatnonzero(~trunk)
    b_net = net[br]
    has = ti[b_net] >= 0
    tc = c[np.maximum(ti[b_net], 0)]
    j_first = np.abs(a0[br] - tc) <= np.abs(a1[br] - tc)
    junction = np.where(j_first, a0[br], a1[br])
    pin = np.where(j_first, a1[br], a0[br])
    t_lo, t_hi = np.full(n_nets, _FAR), np.full(n_nets, -_FAR)
    t_lo[net[T]], t_hi[net[T]] = a0[T], a1[T]
    bh = tb.horizontal[L[br]]
    px, py = np.where(bh, pin, c[br]), np.where(bh, c[br], pin)
    pin_via = np.zeros(br.size, bool)
    for x0, y0, x1, y1 in cell_regions_um:
        x0, y0, x1, y1 = (round(v * dbu) for v in (x0, y0, x1, y1))
        pin_via |= (px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)
    return _Input(tb, grids, pads, L, c, max_layer, n_nets, T, net[T], br, b_net, has, junction, pin, t_lo, t_hi, pin_via)


@dataclass(frozen=True, eq=False)
class _Placed:
    assigned: Assigned
    rects: tuple  # (segment index, key, a0, a1) of every rectangle of the final check
    bad: np.ndarray  # per rectangle: clashes (the later-starting member of a clashing pair)
    blockers: list  # (key, a0, a1) of occupied blocks in the way of a loser's least blocked candidate
    wants: list  # (net, across dbu) of branches whose least blocked candidate lies beyond their trunk


def _order(ids, prio, length):
    """ids sorted: highest rip-up priority first, then longest, then by index (deterministic)."""
    return ids[np.lexsort((ids, -length, -prio))]


def _place(ctx: _Input, prio: np.ndarray, reserve, legalize: bool, greedy_budget: int) -> _Placed:
    """One pass: snap, keep what clashes with no other net and is not ripped up (prio > 0),
    place the rest greedily (ripped-up ones first), then check everything drawn. reserve:
    (lo, hi) per net, along extent its trunk covers at least."""
    tb, L, c, T, tn, br, b_net, has = ctx.tb, ctx.L, ctx.c, ctx.T, ctx.tn, ctx.br, ctx.b_net, ctx.has
    b_layer0, b_track0 = L[br], tb.nearest(L[br], c[br])
    b_layer, b_track, b_shift = b_layer0.copy(), b_track0.copy(), np.zeros(br.size, np.int64)
    # Trunks: stretched over their branches' tracks, then snapped and cleared.
    t_lo, t_hi = np.minimum(ctx.t_lo0, reserve[0]), np.maximum(ctx.t_hi0, reserve[1])
    bc = tb.cross(b_layer, b_track)
    np.minimum.at(t_lo, b_net[has], bc[has])
    np.maximum.at(t_hi, b_net[has], bc[has])
    t_layer0 = np.full(ctx.n_nets, -1, np.int64)
    t_track0 = np.zeros(ctx.n_nets, np.int64)
    t_layer0[tn] = L[T]
    t_track0[tn] = tb.nearest(L[T], c[T])
    t_layer, t_track = t_layer0.copy(), t_track0.copy()
    t_prio = np.zeros(ctx.n_nets, np.int64)
    t_prio[tn] = prio[T]

    def trunk_rects(nets, layer, track):
        e = tb.ext[layer]
        return (pack_key(0, layer, track), t_lo[nets] - e, t_hi[nets] + e, nets, tb.spacing[layer])

    key, s0, s1, nn, sp = trunk_rects(tn, t_layer[tn], t_track[tn])
    bad = (conflicts(key, s0, s1, nn, sp) | (prio[T] > 0)) if legalize else np.zeros(key.size, bool)
    occ = Occupancy(key[~bad], s0[~bad], s1[~bad], nn[~bad]) if legalize else None
    losers = _order(tn[bad], t_prio[tn[bad]], (t_hi - t_lo)[tn[bad]])
    orig_layer, orig_c = t_layer0, np.zeros(ctx.n_nets, np.int64)
    orig_c[tn] = c[T]

    def place_trunk(n, m, t, _k):
        t_layer[n], t_track[n] = m, t

    def trunk_cands(n, cand):
        rows = np.arange(cand.shape[0])
        return (rows,) + trunk_rects(np.full(rows.size, n), cand[:, 0], cand[:, 1])

    failed_t, failed_b = [], []
    greedy(tb, occ, losers, lambda n: (int(orig_layer[n]), int(orig_c[n]), 0), trunk_cands, ctx.max_layer, place_trunk,
                      greedy_budget, failed_t, RIPUP_MAX_ILLEGAL)

    # Branches: the trunk end moves to the trunk's track.
    junction = np.where(has, tb.cross(t_layer[b_net], t_track[b_net]), ctx.junction)
    geo = Branches(tb, ctx.pads, b_net, ctx.pin, junction, ctx.pin_via, t_layer, t_track, t_lo, t_hi)
    lose = prio[br] > 0
    if legalize:
        owner, key, s0, s1, nn, sp = geo.rects(np.arange(br.size), b_layer, b_track)
        tk, ts0, ts1, tnn, tsp = trunk_rects(tn, t_layer[tn], t_track[tn])
        bad = conflicts(key, s0, s1, nn, sp) | against(key, s0, s1, nn, sp, tk, ts0, ts1, tnn, tsp)
        lose[owner[bad]] = True
        keep = ~lose[owner]
        occ = Occupancy(np.r_[key[keep], tk], np.r_[s0[keep], ts0], np.r_[s1[keep], ts1], np.r_[nn[keep], tnn])
    blen = np.abs(geo.pin_end(np.arange(br.size), b_layer, b_shift) - junction)
    losers = np.flatnonzero(lose)
    losers = _order(losers, prio[br][losers], blen[losers])
    orig_b = (b_layer0, c[br])

    def place_branch(i, m, t, k):
        b_layer[i], b_track[i], b_shift[i] = m, t, k
        n = b_net[i]
        if has[i]:
            x = int(tb.cross(m, t))
            t_lo[n], t_hi[n] = min(t_lo[n], x), max(t_hi[n], x)

    def branch_cands(i, cand):
        return geo.rects(np.full(cand.shape[0], i), cand[:, 0], cand[:, 1], cand[:, 2])

    shifts = np.where(ctx.pin_via, PIN_SHIFTS, 0)
    if legalize:
        greedy(tb, occ, losers, lambda i: (int(orig_b[0][i]), int(orig_b[1][i]), int(shifts[i])), branch_cands,
                                                  ctx.max_layer, place_branch, greedy_budget, failed_b, RIPUP_MAX_ILLEGAL)

    # Final check of everything drawn, then wires (merged per net and track) and vias.
    owner, key, s0, s1, nn, sp = geo.rects(np.arange(br.size), b_layer, b_track, b_shift)
    tk, ts0, ts1, tnn, tsp = trunk_rects(tn, t_layer[tn], t_track[tn])
    pin = geo.pin_end(np.arange(br.size), b_layer, b_shift)
    bad = conflicts(np.r_[key, tk], np.r_[s0, ts0], np.r_[s1, ts1], np.r_[nn, tnn], np.r_[sp, tsp])
    illegal = np.unique(owner[bad[: owner.size]]).size + int(bad[owner.size:].sum())
    where = {}
    for k, n in zip(*np.unique((np.r_[key, tk][bad] >> 32) & 63, return_counts=True)):
        where[ctx.grids[int(k)].name] = int(n)
    bc = tb.cross(b_layer, b_track)
    ml, mc, mn, m0, m1 = _merge(np.r_[t_layer[tn], b_layer], np.r_[tb.cross(t_layer[tn], t_track[tn]), bc], np.r_[tn, b_net],
                                np.r_[t_lo[tn], np.minimum(pin, junction)], np.r_[t_hi[tn], np.maximum(pin, junction)])
    bh = tb.horizontal[b_layer]
    lt = t_layer[b_net]
    vias = _vias(((np.minimum(b_layer, lt), np.maximum(b_layer, lt), np.where(bh, junction, bc), np.where(bh, bc, junction), b_net, has),
                  (np.zeros_like(b_layer), b_layer, np.where(bh, pin, bc), np.where(bh, bc, pin), b_net, ctx.pin_via & (b_layer > 0))))
    wires, wire_nets, bridges = _drawn(tb, ctx.pads, (ml, mc, mn, m0, m1), vias, legalize)
    # Moved: off the nearest track of its own layer (or pin end shifted); spilled: layer changed.
    t_moved = (t_layer[tn] != t_layer0[tn]) | (t_track[tn] != t_track0[tn])
    b_moved = (b_layer != b_layer0) | (b_track != b_track0) | (b_shift != 0)
    spilled = int((t_layer[tn] != t_layer0[tn]).sum() + (b_layer != b_layer0).sum())
    asg = Assigned(wires, wire_nets, {k: v[:, :2] for k, v in vias.items()}, bridges, illegal, int(t_moved.sum() + b_moved.sum()), spilled,
                   int((~has).sum()), where)
    seg_of = np.r_[br[owner], T]  # trunk rectangles are in the order of T
    blockers = [b for f in failed_t + failed_b for b in f[2]]
    wants = [(int(b_net[i]), int(tb.cross(int(cd[0]), int(cd[1])))) for i, cd, _ in failed_b if has[i]]
    return _Placed(asg, (seg_of, np.r_[key, tk], np.r_[s0, ts0], np.r_[s1, ts1]), bad, blockers, wants)


def _vias(groups) -> dict:
    """{(lo, hi): (n, 3) unique (x, y, net)} of stacks given as (lo, hi, x, y, net, mask)."""
    out: dict[tuple[int, int], list] = {}
    for lo, hi, x, y, net, ok in groups:
        for a, b in sorted(set(zip(lo[ok].tolist(), hi[ok].tolist()))):
            s = ok & (lo == a) & (hi == b)
            out.setdefault((a, b), []).append(np.stack([x[s], y[s], net[s]], axis=1))
    return {k: np.unique(np.concatenate(v), axis=0) for k, v in sorted(out.items())}


def _drawn(tb, pads, merged, vias, offset_notches: bool):
    """Wires per layer ((n, 4) dbu and nets) from merged track intervals, and the same-net
    bridges ({layer: (n, 4) dbu}) between every wire and via pad drawn. offset_notches:
    also fill notches between shapes off each other's centre line (bridges._offset_gaps;
    left out for snap-only designs, whose clashes are counted, not cleared: 3 s of the
    1 Mbit B-ROM's GDS)."""
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
    bl, br_ = same_net_bridges(*cols, tb.spacing, offset_notches)
    return wires, nets, {m: br_[bl == m] for m in np.unique(bl).tolist()}
