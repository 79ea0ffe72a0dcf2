"""Area arithmetic of axis-parallel rectangles in integer database units, with numpy.

Used by the drawn-area report (report.py). Two kinds of shapes, two methods:

- Wires on tracks (`TrackCover`): every wire of a layer is a band [c - w/2, c + w/2] across
  its track c, so the union of a layer's wires is, per track, the union of the wires'
  along intervals (sort, running maximum, cumulative sums). Bands of different tracks never
  overlap when the tracks are at least a width apart (checked; `tracks_disjoint`).
- Other shapes (via pads and cuts, bridges, standard-cell abstracts; `disjoint_pieces`):
  overlapping rectangles are found by a sweep over (row bucket, x) and grouped into clusters;
  each cluster is cut into vertical slabs at its x coordinates and the y intervals are
  merged per slab. The result is the union as disjoint rectangles, whose area is a sum and
  whose overlap with the wires is a prefix-sum lookup per track (`TrackCover.overlap`).

Everything is exact on the integer grid the GDS is written on; no polygon boolean library.
"""

from __future__ import annotations

import numpy as np

_BIG = np.int64(1) << 40  # larger than any coordinate range in dbu


def merge_intervals(key: np.ndarray, a0: np.ndarray, a1: np.ndarray):
    """Union of intervals [a0, a1) per key: (key, a0, a1) of disjoint, sorted blocks."""
    if key.size == 0:
        return key, a0, a1
    o = np.lexsort((a0, key))
    key, a0, a1 = key[o], a0[o], a1[o]
    first = np.r_[True, key[1:] != key[:-1]]
    gid = np.cumsum(first) - 1
    run = np.maximum.accumulate(a1 + gid * _BIG) - gid * _BIG  # running end within a key
    new = first | (a0 > np.r_[np.int64(-1), run[:-1]])
    s = np.flatnonzero(new)
    return key[s], a0[s], np.maximum.reduceat(a1, s)


class TrackCover:
    """Union of wires on one layer that all run in one direction: per track (the across
    coordinate c), disjoint along intervals; wire width w (dbu, may be odd)."""

    def __init__(self, cross: np.ndarray, a0: np.ndarray, a1: np.ndarray, width: int):
        self.width = int(width)
        self.track, self.a0, self.a1 = merge_intervals(cross, np.minimum(a0, a1), np.maximum(a0, a1))
        self.tracks = np.unique(self.track)
        rank = np.searchsorted(self.tracks, self.track)
        self._rank = rank
        self._key = rank * _BIG + self.a0  # sorted: by track, then start (|a0| < _BIG / 2)
        length = self.a1 - self.a0
        csum = np.cumsum(length)
        first = np.r_[True, rank[1:] != rank[:-1]] if rank.size else np.zeros(0, bool)
        start = np.maximum.accumulate(np.where(first, np.arange(rank.size), 0)) if rank.size else rank
        self._before = csum - length - (csum - length)[start]  # length on the track before block i

    @property
    def length_dbu(self) -> int:
        return int((self.a1 - self.a0).sum())

    def tracks_disjoint(self) -> bool:
        """True if no two tracks' bands overlap (track spacing >= width)."""
        return bool(self.tracks.size < 2 or np.diff(self.tracks).min() >= self.width)

    def area_dbu2(self) -> float:
        return float(self.length_dbu) * self.width

    def _covered(self, rank: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Covered along length on track `rank` (index into self.tracks) below x."""
        if not self._key.size:
            return np.zeros(x.shape, np.int64)
        j = np.maximum(np.searchsorted(self._key, rank * _BIG + x, side="right") - 1, 0)
        ok = self._rank[j] == rank
        inside = np.clip(x - self.a0[j], 0, self.a1[j] - self.a0[j])
        return np.where(ok, self._before[j] + inside, 0)

    def overlap(self, along0, along1, cross0, cross1) -> np.ndarray:
        """Area (dbu^2, float) of each rectangle [along0, along1] x [cross0, cross1] that
        the wires cover (rectangles given in this layer's along/across coordinates)."""
        n = along0.size
        if n == 0 or self.tracks.size == 0:
            return np.zeros(n)
        # Twice the coordinates: a band edge c +- w/2 is then an integer.
        t2, c0, c1 = 2 * self.tracks, 2 * cross0, 2 * cross1
        lo = np.searchsorted(t2 + self.width, c0, side="right")  # first track whose band ends above c0
        hi = np.searchsorted(t2 - self.width, c1, side="left")  # tracks whose band starts below c1
        cnt = np.maximum(hi - lo, 0)
        owner = np.repeat(np.arange(n), cnt)
        rank = lo[owner] + (np.arange(owner.size) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        across = (np.minimum(c1[owner], t2[rank] + self.width) - np.maximum(c0[owner], t2[rank] - self.width)) / 2.0
        along = self._covered(rank, along1[owner]) - self._covered(rank, along0[owner])
        return np.bincount(owner, weights=np.maximum(across, 0.0) * along, minlength=n)


def overlap_pairs(r: np.ndarray) -> np.ndarray:
    """(m, 2) index pairs i < j of rectangles r (n, 4: x0, y0, x1, y1) that overlap with
    positive area. Rows of height H = the tallest rectangle: a pair lies in one row or two
    neighbouring ones; within a row, sorted by x0, a rectangle meets only the next ones
    that start before it ends."""
    n = r.shape[0]
    if n < 2:
        return np.zeros((0, 2), np.int64)
    h = int(max((r[:, 3] - r[:, 1]).max(), 1))
    row = r[:, 1] // h
    idx = np.r_[np.arange(n), np.arange(n)]
    key = np.r_[row, row - 1]  # copies one row down: pairs with the row above
    copy = np.r_[np.zeros(n, bool), np.ones(n, bool)]
    o = np.lexsort((r[idx, 0], key))
    idx, key, copy = idx[o], key[o], copy[o]
    x0, x1 = r[idx, 0], r[idx, 2]
    found = []
    live = np.arange(idx.size)
    k = 1
    while live.size:
        live = live[live + k < idx.size]
        nxt = live + k
        live = live[(key[nxt] == key[live]) & (x0[nxt] < x1[live])]
        nxt = live + k
        a, b = idx[live], idx[nxt]
        ok = ~(copy[live] & copy[nxt]) & (a != b)
        a, b = a[ok], b[ok]
        ok = (np.minimum(r[a, 2], r[b, 2]) > np.maximum(r[a, 0], r[b, 0])) & (np.minimum(r[a, 3], r[b, 3]) > np.maximum(r[a, 1], r[b, 1]))
        found.append(np.stack([np.minimum(a, b)[ok], np.maximum(a, b)[ok]], axis=1))
        k += 1
    pairs = np.concatenate(found) if found else np.zeros((0, 2), np.int64)
    return np.unique(pairs, axis=0) if pairs.size else pairs.reshape(0, 2)


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected-component label (the smallest member index) of each of n nodes."""
    lab = np.arange(n)
    if not pairs.size:
        return lab
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        m = np.minimum(lab[a], lab[b])
        new = lab.copy()
        np.minimum.at(new, a, m)
        np.minimum.at(new, b, m)
        new = new[new]  # pointer jumping
        while True:
            nn = new[new]
            if np.array_equal(nn, new):
                break
            new = nn
        if np.array_equal(new, lab):
            return lab
        lab = new


def disjoint_pieces(r: np.ndarray) -> tuple[np.ndarray, int]:
    """The union of rectangles r (n, 4 int dbu) as disjoint rectangles, and how many of
    the input rectangles overlapped another. Degenerate rectangles are dropped."""
    r = np.asarray(r, np.int64).reshape(-1, 4)
    r = np.unique(r[(r[:, 2] > r[:, 0]) & (r[:, 3] > r[:, 1])], axis=0)  # identical copies count once
    pairs = overlap_pairs(r)
    lab = components(r.shape[0], pairs)
    member = np.zeros(r.shape[0], bool)
    member[pairs.ravel()] = True
    alone = r[~member]
    c = r[member]
    if not c.size:
        return alone, 0
    cl = lab[member]
    # Slab edges per cluster: its distinct x coordinates.
    xs = np.unique(np.stack([np.r_[cl, cl], np.r_[c[:, 0], c[:, 2]]], axis=1), axis=0)
    ckey = xs[:, 0] * _BIG + xs[:, 1]
    i0 = np.searchsorted(ckey, cl * _BIG + c[:, 0])
    i1 = np.searchsorted(ckey, cl * _BIG + c[:, 2])
    cnt = i1 - i0  # slabs each rectangle spans
    owner = np.repeat(np.arange(c.shape[0]), cnt)
    slab = i0[owner] + (np.arange(owner.size) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    k, y0, y1 = merge_intervals(slab, c[owner, 1], c[owner, 3])
    pieces = np.stack([xs[k, 1], y0, xs[k + 1, 1], y1], axis=1)
    return np.concatenate([alone, pieces]), int(member.sum())
