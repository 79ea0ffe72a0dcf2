"""Greedy search of the track assigner (assign.py): each clashing segment, in order, takes
the first candidate (layer, track, pin shift) whose rectangles are all free in the
occupancy; candidates are ordered by how far they move the segment."""

from __future__ import annotations

import numpy as np

SEARCH_TRACKS = 24  # how far (in tracks, each side) a clashing segment may move on one layer

def candidates(tb, layer0: int, c: int, max_layer: int, shifts: int) -> np.ndarray:
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


def first_free(occ, cand, rects):
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


def least_blocked(occ, cand, rects):
    """(row, blockers) of the candidate whose rectangles meet the least total length of
    occupied blocks of other nets (ties: the earlier row), blockers = [(key, a0, a1)] of
    those blocks: where a rip-up would make room for it. By length, not count: a long block
    (an array line across the macro) has nowhere else to go, a short one has."""
    owner, key, a0, a1, net, sp = rects
    best, best_cost = (None, []), None
    for r in range(cand.shape[0]):
        sel = np.flatnonzero(owner == r)
        found, cost = [], 0
        for k, b0, b1, n, s_ in zip(key[sel].tolist(), a0[sel].tolist(), a1[sel].tolist(), net[sel].tolist(), sp[sel].tolist()):
            for b in occ.blockers(k, b0, b1, n, s_):
                if b not in found:
                    found.append(b)
                    cost += b[2] - b[1]
            if best_cost is not None and cost >= best_cost:
                break
        if best_cost is None or cost < best_cost:
            best, best_cost = (r, found), cost
    return best


def greedy(tb, occ, losers, first, rects_of, max_layer, on_place, budget, failed=None, max_failed=0):
    """Place each loser, in order, on its first candidate whose rectangles are all free.
    first(i) -> (layer, across dbu, pin shifts allowed) it wants; rects_of(i, cand) ->
    rectangles of loser i on candidate rows cand (owner = row). Candidates are tried in
    growing chunks (most losers find room among the first few). Losers after the first
    `budget` (a bound on time for huge designs) and those with no free candidate stay on
    their first candidate; the final check counts them. failed: a list to which
    (loser, least blocked candidate row, its blockers) is appended for every loser with no
    free candidate (rip-up hints, ripup.py), for the first max_failed of them (the search
    for the least blocked candidate tries every candidate: worth it for a few). Returns (#moved, #spilled)."""
    moved = spilled = 0
    for i in losers[:budget].tolist():  # the rest keep their places (= their first candidate)
        layer0, c, shifts = first(i)
        cand = candidates(tb, layer0, c, max_layer, shifts)
        pick, mine = None, []
        for lo, hi in ((0, 8), (8, 64), (64, cand.shape[0])):
            if lo >= cand.shape[0]:
                break
            r, mine = first_free(occ, cand[lo:hi], rects_of(i, cand[lo:hi]))
            if r is not None:
                pick = lo + r
                break
        if pick is None:
            if failed is not None and len(failed) < max_failed:
                r, blockers = least_blocked(occ, cand, rects_of(i, cand))
                failed.append((i, cand[r], blockers))
            pick = 0
            mine = first_free(occ, cand[:1], rects_of(i, cand[:1]))[1] or [
                row for row in zip(*(a.tolist() for a in rects_of(i, cand[:1])[1:]))]
        for row in mine:
            occ.add(*row)
        moved += pick > 0
        spilled += int(cand[pick, 0]) != layer0
        on_place(i, *(int(v) for v in cand[pick]))
    return moved, spilled
