"""Rip-up and re-route for the track assigner (assign.py). A greedy pass places in one
order; a segment that found no room was often just placed too late. After a pass that
leaves clashing segments, the next pass takes out of the fixed occupancy (rips up) and
places first: the clashing segments, their neighbours, and the segments in the way of each
loser's least blocked candidate (search.least_blocked), clashing ones before the others.
Where that candidate lies beyond the loser's trunk, assign.py reserves the trunk extension
for the next pass, so that the trunk phase keeps other trunks off it (found on the SKY130
SRAM: an edge-device stub must leave the bit lines' columns, which needs its trunk longer).
A segment's priority grows with every round it clashed in (negotiation: persistent losers
move ever earlier); later rounds shuffle equal priorities (seeded: deterministic)."""

from __future__ import annotations

import numpy as np

RIPUP_ROUNDS = 16  # passes after the first at most (each one full pass: ~0.3 s for a 32 x 8 SRAM)
# Rip-up repairs a few clashes. With more, rounds cost more than they give: the group-8
# compute cell (ASAP7: 79 illegal after the first pass, ~13 s a pass) reached 21-52 after
# 16 rounds, never 0, in several minutes.
RIPUP_MAX_ILLEGAL = 64
RIP_TRACKS = 2  # neighbours within this many tracks of a clashing rectangle are ripped up too


def rip_priorities(rects, bad: np.ndarray, blockers: list, prio: np.ndarray, history: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(priority per segment, updated history) for the next pass. rects: (segment, key, a0,
    a1) of every rectangle of the final check, bad: per rectangle, clashes; blockers: (key,
    a0, a1) of occupied blocks in the way of a loser's least blocked candidate (their
    segments are ripped up too). history: per segment, rounds it clashed in so far (None:
    none yet); prio: this pass's priorities.
    Priority 0 = kept if it clashes with nothing; 1 = neighbour of a clash in this or an
    earlier round (a rectangle within RIP_TRACKS tracks of a clashing one, along-overlapping);
    1 + history = clashed in some round."""
    seg, key, a0, a1 = rects
    history = np.zeros(prio.size, np.int64) if history is None else history.copy()
    # Once ripped up, always ripped up: a neighbour put back in its first place would
    # block the same spot again (the rounds would alternate between two losers).
    prio = prio.copy()
    o = np.argsort(key, kind="stable")
    sk, s0, s1, ss = key[o], a0[o], a1[o], seg[o]
    for k, b0, b1 in zip(key[bad].tolist(), a0[bad].tolist(), a1[bad].tolist()):
        # Track index sits in the key's low bits: k +- d is the same layer's neighbour track.
        i, j = np.searchsorted(sk, [k - RIP_TRACKS, k + RIP_TRACKS + 1])
        near = (s1[i:j] > b0) & (s0[i:j] < b1)
        prio[ss[i:j][near]] = np.maximum(prio[ss[i:j][near]], 1)
    for k, b0, b1 in blockers:  # what stood in the way of a loser's least blocked candidate
        i, j = np.searchsorted(sk, [k, k + 1])
        near = (s1[i:j] >= b0) & (s0[i:j] <= b1)
        prio[ss[i:j][near]] = np.maximum(prio[ss[i:j][near]], 1)
    clashed = np.unique(seg[bad])
    history[clashed] += 1
    ever = history > 0
    prio[ever] = 1 + history[ever]
    return prio, history


SHUFFLE_FROM = 3  # from this round on, equal priorities are ordered by a seeded shuffle


def shuffled(prio: np.ndarray, round_: int) -> np.ndarray:
    """Priorities for pass `round_`: from round SHUFFLE_FROM on, ripped-up segments of equal
    priority are ordered by a shuffle seeded with the round (deterministic), not by length:
    rounds that kept the same order would cycle through the same losers."""
    if round_ < SHUFFLE_FROM or not (prio > 0).any():
        return prio
    rng = np.random.default_rng(round_)
    return prio * 1024 + np.where(prio > 0, rng.integers(0, 1024, prio.size), 0)
