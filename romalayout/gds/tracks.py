"""Track grids, via pad sizes and the occupancy model used to assign routes to tracks.

Everything is in integer database units (dbu), so "closer than the spacing" is exact.
Per routing layer we work in (along, across) coordinates: along = the preferred direction,
across = the track coordinate (track t sits at offset + t * pitch).

Occupancy model. Every drawn rectangle is projected onto the tracks whose wire band
(track +- width/2) it comes closer to than the layer spacing: on each such track it blocks
an along interval (the "wire space", key space 0). Two rectangles of different nets conflict
when they block overlapping-or-too-close intervals of one track. This is exact for wire
against wire and wire against pad (wires always sit on tracks; track pitch >= width +
spacing). Pads wider than the wire (SKY130: a 0.15 um cut needs a 0.26 um met1 pad on a
0.14 um wire) can also clash with each other on neighbouring tracks; those layers get a
second projection with the widest pad as the band ("pad space", key space 1), checked pad
against pad only. Both checks use box distance (along and across gaps both below the
spacing), a superset of KLayout's euclidian space check: conservative, never optimistic.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

# Key of one track's occupancy: (space, layer, track) packed into one int64.
_TRACK_BIAS = 1 << 30


def pack_key(space, layer, track):
    """int64 key of (space 0/1, layer index < 64, track index |t| < 2^30)."""
    return ((np.asarray(space, np.int64) * 64 + np.asarray(layer, np.int64)) << 32) + (np.asarray(track, np.int64) + _TRACK_BIAS)


@dataclass(frozen=True)
class LayerGrid:
    """One routing layer's tracks and rules in dbu."""

    index: int
    name: str
    horizontal: bool
    pitch: int
    offset: int
    width: int
    spacing: int
    ext: int  # how far a via pad reaches along the track beyond the via centre (max over cuts)
    pad_half: int  # widest via pad across the track, half (>= width / 2)
    t_lo: int  # first and last track inside the die
    t_hi: int

    @property
    def pads_bulge(self) -> bool:
        """True if two pads on neighbouring tracks can be closer than the spacing."""
        return 2 * self.pad_half + self.spacing > self.pitch


@dataclass(frozen=True)
class ViaPads:
    """Half sizes (along, across) in dbu of the pad a cut puts on the metal below / above."""

    below: tuple[int, int]
    above: tuple[int, int]


def layer_grids(tech, vias_by_cut: dict, width_um: float, height_um: float) -> tuple[tuple[LayerGrid, ...], tuple[ViaPads, ...]]:
    """(grid per metal, pads per cut k joining metal k and k + 1) from tech.metals and the
    tech LEF's default vias (`vias_by_cut`: cut name -> LefVia, centred rectangles)."""
    dbu = tech.dbu_per_um

    def d(v):
        return int(round(v * dbu))

    horiz = [m.direction == "horizontal" for m in tech.metals]
    pads = []
    for k in range(len(tech.metals) - 1):
        cut = next(c for c in tech.cuts if c.below == tech.metals[k].name)
        rects = {r[0]: r for r in vias_by_cut[cut.name].rects}
        halves = []
        for m in (k, k + 1):
            _, x0, y0, x1, y1 = rects[tech.metals[m].name]
            hx, hy = d(max(-x0, x1)), d(max(-y0, y1))
            halves.append((hx, hy) if horiz[m] else (hy, hx))
        pads.append(ViaPads(halves[0], halves[1]))
    grids = []
    for k, m in enumerate(tech.metals):
        mine = [pads[k - 1].above] if k > 0 else []
        mine += [pads[k].below] if k < len(pads) else []
        pitch = d(m.pitch_um)
        off = d(m.offset_um) if m.offset_um is not None else pitch // 2
        off %= pitch
        extent = d(height_um if horiz[k] else width_um)
        w = d(m.width_um)
        grids.append(LayerGrid(
            k, m.name, horiz[k], pitch, off, w, d(m.spacing_um),
            ext=max([a for a, _ in mine] + [0]), pad_half=max([c for _, c in mine] + [w // 2]),
            t_lo=-((-(w // 2 - off)) // pitch), t_hi=(extent - w // 2 - off) // pitch))
    return tuple(grids), tuple(pads)


def stack_pad(pads: tuple[ViaPads, ...], layer: int, lo: int, hi: int) -> tuple[int, int]:
    """(along, across) half sizes of the pad a via stack lo..hi draws on `layer` (the
    bounding box of the pads of the cuts below and above it)."""
    a = c = 0
    if layer > lo:
        a, c = max(a, pads[layer - 1].above[0]), max(c, pads[layer - 1].above[1])
    if layer < hi:
        a, c = max(a, pads[layer].below[0]), max(c, pads[layer].below[1])
    return a, c


def _blocks(key, a0, a1, net, spacing):
    """Same-net rectangles of one track merged into blocks (those closer than the spacing
    too: the writer bridges such gaps, see assign.same_net_bridges): (order, block id per
    sorted rect, block starts in the sorted order, block ends)."""
    o = np.lexsort((a0, net, key))
    k, n_, s0, s1 = key[o], net[o], a0[o], a1[o]
    grp = np.r_[True, (k[1:] != k[:-1]) | (n_[1:] != n_[:-1])]
    gid = np.cumsum(grp) - 1
    run = np.maximum.accumulate(s1 + gid * _BIG)
    new_block = grp | (s0 + gid * _BIG >= np.r_[np.int64(-1), run[:-1]] + spacing[o])
    starts = np.flatnonzero(new_block)
    return o, np.cumsum(new_block) - 1, starts, np.maximum.reduceat(s1, starts)


_BIG = np.int64(1) << 36  # > any coordinate span in dbu: keeps groups apart in one running max


def conflicts(key: np.ndarray, a0: np.ndarray, a1: np.ndarray, net: np.ndarray, spacing: np.ndarray) -> np.ndarray:
    """Per rectangle: True if, on its track key, it starts closer than `spacing` (per rect)
    to the end of an earlier-starting rectangle of another net. Every clashing pair thus has
    its later-starting member flagged (same-net rectangles are merged first, so they never
    clash). Vectorized: O(n log n)."""
    n = key.size
    if n == 0:
        return np.zeros(0, bool)
    o, bid, starts, b_end = _blocks(key, a0, a1, net, spacing)
    b_key, b_start, b_sp = key[o][starts], a0[o][starts], spacing[o][starts]
    ob = np.lexsort((b_start, b_key))
    bk, bs, be, bsp = b_key[ob], b_start[ob], b_end[ob], b_sp[ob]
    tk = np.r_[True, bk[1:] != bk[:-1]]
    tid = np.cumsum(tk) - 1
    run = np.maximum.accumulate(be + tid * _BIG) - tid * _BIG
    prev_end = np.r_[np.int64(0), run[:-1]]
    b_flag = np.empty(bk.size, bool)
    b_flag[ob] = ~tk & (bs < prev_end + bsp)
    out = np.empty(n, bool)
    out[o] = b_flag[bid]
    return out


def against(key, a0, a1, net, spacing, fkey, fa0, fa1, fnet, fspacing) -> np.ndarray:
    """Per rectangle: True if it comes closer than `spacing` to a fixed rectangle (fkey,
    fa0, fa1, fnet) of another net on its track. The fixed ones are merged per net and
    assumed clear of each other; up to four fixed blocks before the query end are checked."""
    if key.size == 0 or fkey.size == 0:
        return np.zeros(key.size, bool)
    o, bid, starts, f_end = _blocks(fkey, fa0, fa1, fnet, fspacing)
    f_key, f_start, f_net = fkey[o][starts], fa0[o][starts], fnet[o][starts]
    keys, kid = np.unique(np.r_[f_key, key], return_inverse=True)
    fk, qk = kid[: f_key.size], kid[f_key.size:]
    bias = np.int64(1) << 39
    f_pack = (fk << 40) + f_start + bias
    of = np.argsort(f_pack, kind="stable")
    f_pack, f_end, f_net, fk = f_pack[of], f_end[of], f_net[of], fk[of]
    last = np.searchsorted(f_pack, (qk << 40) + a1 + spacing + bias, side="left") - 1
    out = np.zeros(key.size, bool)
    for back in range(4):
        i = last - back
        ok = i >= 0
        ii = np.maximum(i, 0)
        out |= ok & (fk[ii] == qk) & (f_end[ii] > a0 - spacing) & (f_net[ii] != net)
    return out


class Occupancy:
    """Per-track sorted, disjoint along intervals with their net, for the greedy placement
    of the rectangles the vectorized pass could not keep. Tracks are loaded lazily from
    numpy arrays of the kept rectangles (only searched tracks become Python lists)."""

    def __init__(self, key: np.ndarray, a0: np.ndarray, a1: np.ndarray, net: np.ndarray):
        o = np.lexsort((a0, key))
        self._key, self._a0, self._a1, self._net = key[o], a0[o], a1[o], net[o]
        self._tracks: dict[int, tuple[list, list, list]] = {}

    def _track(self, key: int):
        tr = self._tracks.get(key)
        if tr is None:
            i, j = np.searchsorted(self._key, [key, key + 1])
            tr = ([], [], [])
            for s, e, n in zip(self._a0[i:j].tolist(), self._a1[i:j].tolist(), self._net[i:j].tolist()):
                self._insert(tr, s, e, n, 0)
            self._tracks[key] = tr
        return tr

    @staticmethod
    def _range(tr, a0: int, a1: int, spacing: int):
        starts, ends, _ = tr
        return bisect.bisect_right(ends, a0 - spacing), bisect.bisect_left(starts, a1 + spacing)

    def is_free(self, key: int, a0: int, a1: int, net: int, spacing: int) -> bool:
        tr = self._track(key)
        i, j = self._range(tr, a0, a1, spacing)
        return all(n == net for n in tr[2][i:j])

    def blockers(self, key: int, a0: int, a1: int, net: int, spacing: int) -> list:
        """[(key, start, end)] of the blocks of other nets (or mixed) that make the
        interval not free."""
        tr = self._track(key)
        i, j = self._range(tr, a0, a1, spacing)
        return [(key, s, e) for s, e, n in zip(tr[0][i:j], tr[1][i:j], tr[2][i:j]) if n != net]

    def add(self, key: int, a0: int, a1: int, net: int, spacing: int) -> None:
        self._insert(self._track(key), a0, a1, net, spacing)

    def _insert(self, tr, a0: int, a1: int, net: int, spacing: int) -> None:
        """Insert, merging with the blocks it touches (same net when legal; a forced
        illegal insert merges across nets and marks the block as mixed: net -1)."""
        starts, ends, nets = tr
        i, j = self._range(tr, a0, a1, spacing)
        if i < j:
            if any(n != net for n in nets[i:j]):
                net = -1
            a0, a1 = min(a0, starts[i]), max(a1, max(ends[i:j]))
            del starts[i:j], ends[i:j], nets[i:j]
        starts.insert(i, a0)
        ends.insert(i, a1)
        nets.insert(i, net)
