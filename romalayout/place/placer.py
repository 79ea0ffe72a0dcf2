"""Deterministic placement on a floorplan, and a legality check with shapely's STRtree.

Every instance gets an axis-aligned box (numpy arrays, so a 10^6-device array is a few
vector operations); `Placement.geometries()` turns them into shapely boxes on demand.
Array and edge devices sit on their grids. Standard cells start in instance order, each
region's rows filled evenly, then `improve_iters` rounds of a SimPL-like loop move them:
every cell is pulled to the weighted mean of the centroids of its nets (weight 1/(pins-1),
the clique-equivalent star model; array devices are fixed anchors), and the targets are
legalized by rank: sorted by target y and cut into rows by cumulative width, then in each
row sorted by target x and either spread evenly (a logic block) or packed near the targets at
the base density target (the strips beside an array; see _legalize). All x on the site grid; deterministic (stable sorts, no randomness).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from romalayout.errors import RomalayoutError
from romalayout.netlist.ir import Netlist
from romalayout.place.floorplan import Floorplan, LogicRegion
from romalayout.place.partition import Partition
from romalayout.tech import Technology


OVERRELAX = 1.5


class PlacementError(RomalayoutError):
    """A placement is not legal (overlap, or an object outside its region)."""


@dataclass(frozen=True, eq=False)
class Placement:
    """Box of every instance (um); rows of the arrays are instance indices."""

    floorplan: Floorplan
    x0_um: np.ndarray
    y0_um: np.ndarray
    x1_um: np.ndarray
    y1_um: np.ndarray

    @property
    def cx_um(self) -> np.ndarray:
        return 0.5 * (self.x0_um + self.x1_um)

    @property
    def cy_um(self) -> np.ndarray:
        return 0.5 * (self.y0_um + self.y1_um)

    @property
    def area_um2(self) -> np.ndarray:
        return (self.x1_um - self.x0_um) * (self.y1_um - self.y0_um)

    def geometries(self, shrink_um: float = 0.0) -> np.ndarray:
        """Shapely boxes of all instances (optionally shrunk on each side by shrink_um)."""
        s = shrink_um
        return shapely.box(self.x0_um + s, self.y0_um + s, self.x1_um - s, self.y1_um - s)


def _assign_rows(w: np.ndarray, n_rows: int, sites_per_row: int) -> np.ndarray:
    """Row of each cell of widths `w` (in fill order): the cumulative width cut into equal
    shares, except that a row never takes more than it holds (a cut by share alone can
    overfill a row by up to one cell, which would push cells outside the region)."""
    start = np.concatenate([[0], np.cumsum(w)[:-1]])
    share = w.sum() / n_rows
    row_of = np.minimum((start / share).astype(np.int64), n_rows - 1)
    if np.all(np.bincount(row_of, weights=w, minlength=n_rows) <= sites_per_row + 1e-9):
        return row_of
    # Rare (tight regions): repair sequentially, never moving a cell to an earlier row.
    out = np.empty_like(row_of)
    r, fill = 0, 0.0
    for i, (want, wi) in enumerate(zip(row_of.tolist(), w.tolist())):
        if want > r:
            r, fill = want, 0.0
        if fill + wi > sites_per_row + 1e-9:
            r, fill = r + 1, 0.0
        out[i] = r
        fill += wi
    if r >= n_rows:
        raise PlacementError("%d cells (%d sites) do not fit %d rows of %d sites" % (w.size, int(w.sum()), n_rows, sites_per_row))
    return out


def _fill_rows(sites: np.ndarray, region: LogicRegion, sw: float, sh: float):
    """x0, y0 of cells of `sites` widths filled into the region's rows in order."""
    n = sites.size
    if n == 0:
        return np.zeros(0), np.zeros(0)
    start = np.concatenate([[0], np.cumsum(sites)[:-1]])
    row = _assign_rows(sites.astype(np.float64), region.n_rows, region.sites_per_row)
    first = np.searchsorted(row, row, side="left")  # index of the first cell of each cell's row
    k = np.arange(n) - first
    used = np.bincount(row, weights=sites, minlength=region.n_rows)
    count = np.bincount(row, minlength=region.n_rows)
    gap = (region.sites_per_row - used[row]) / count[row]
    # Flooring keeps every gap >= 0 (a cell never moves onto its left neighbour).
    xs = (start - start[first]) + np.floor(gap * k + 1e-9).astype(np.int64)
    return region.rect.x0_um + xs * sw, region.row_ys(sh)[row]


def _legalize(tx: np.ndarray, ty: np.ndarray, sites: np.ndarray, region: LogicRegion, sw: float, sh: float, pack_density: float | None):
    """x0, y0 of cells with targets (tx, ty) (cell centres, um) legalized into the region's rows.

    Rows: cells sorted by target y, cut by cumulative width. In a row, cells sorted by target
    x and then either spread by rank with the row's whitespace shared evenly (pack_density
    None: uniform density, for a block of logic whose area grows to make routing room), or
    packed as near their target x as a local density of pack_density allows (cells keep their
    place beside the array and extra area stays free for the lines that cross the region)."""
    n = sites.size
    if n == 0:
        return np.zeros(0), np.zeros(0)
    r = region.rect
    by_y = np.lexsort((tx, ty))
    row_of = _assign_rows(sites[by_y].astype(np.float64), region.n_rows, region.sites_per_row)
    order = by_y[np.lexsort((tx[by_y], row_of))]
    row = np.sort(row_of)
    w = sites[order].astype(np.float64)
    k = np.arange(n) - np.searchsorted(row, row, side="left")
    used = np.bincount(row, weights=w, minlength=region.n_rows)
    count = np.bincount(row, minlength=region.n_rows)
    spr = region.sites_per_row
    if pack_density is None:
        gap = (spr - used[row]) / count[row]
        weff = w + gap
        x = _row_prefix(weff, row) - k * gap + np.floor(gap * k + 1e-9)
    else:
        # Each cell takes w / density sites of row (never more than the row holds).
        weff = w * np.minimum(1.0 / pack_density, spr / used[row])
        before = _row_prefix(weff, row)
        after = _row_suffix(weff, row)
        want = np.clip((tx[order] - r.x0_um) / sw - weff / 2, 0.0, None)
        big = float(spr + weff.sum() + 1.0)
        x = before + np.maximum.accumulate(want - before + row * big) - row * big
        # spr - after can fall a rounding error below the row start when the row is full
        # (the weff sum equals spr only up to float error): clamp at the row start.
        x = np.maximum(np.minimum(x, spr - after), 0.0)
    x = np.floor(x + 1e-9)
    x0 = np.empty(n)
    y0 = np.empty(n)
    x0[order] = r.x0_um + x * sw
    y0[order] = region.row_ys(sh)[row]
    return x0, y0


def _row_prefix(v: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Sum of v over the earlier entries of the same row (rows contiguous, in order)."""
    c = np.cumsum(v) - v
    return c - c[np.searchsorted(row, row, side="left")]


def _row_suffix(v: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Sum of v over this and the later entries of the same row."""
    c = np.cumsum(v)
    return c[np.searchsorted(row, row, side="right") - 1] - c + v


def _connectivity(netlist: Netlist):
    """(instance, net, weight) per pin of nets with 2+ pins; weight 1/(pins-1)."""
    npins = np.diff(netlist.pin_offset)
    inst = np.repeat(np.arange(netlist.n_instances, dtype=np.int64), npins)
    net = netlist.pin_net.astype(np.int64)
    keep = net > 1
    inst, net = inst[keep], net[keep]
    k = np.bincount(net, minlength=netlist.n_nets)
    keep = k[net] >= 2
    return inst[keep], net[keep], 1.0 / (k[net[keep]] - 1)


def _edge_sites(part: Partition, fp: Floorplan) -> tuple[np.ndarray, np.ndarray]:
    """(column, row) of every edge device: in order, row by row over the whole edge rows, or,
    with per-bank site ranges, over the sites under its own bank."""
    k = np.arange(part.edge.size)
    if not fp.edge_bank_cols or part.edge_bank is None:
        return k % fp.edge_per_row, k // fp.edge_per_row
    col, row = np.zeros_like(k), np.zeros_like(k)
    for b, (first, last) in enumerate(fp.edge_bank_cols):
        sel = np.flatnonzero(part.edge_bank == b)
        j = np.arange(sel.size)
        n = max(1, last - first)
        col[sel], row[sel] = first + j % n, j // n
    return col, row


def _anchor_y(n: int, inst: np.ndarray, net: np.ndarray, n_nets: int, fixed: np.ndarray, y: np.ndarray, rounds: int = 12):
    """Height of every instance reachable from the fixed ones (array and edge devices): in
    rounds, an unplaced instance takes the mean, over its nets that hold placed pins, of the
    mean height of those pins. Returns (heights, reached)."""
    known = fixed.copy()
    val = y.astype(np.float64).copy()
    for _ in range(rounds):
        k = known[inst]
        s = np.bincount(net[k], weights=val[inst[k]], minlength=n_nets)
        c = np.bincount(net[k], minlength=n_nets)
        m = (c[net] > 0) & ~known[inst]
        if not m.any():
            break
        cs = np.bincount(inst[m], weights=(s / np.maximum(c, 1))[net[m]], minlength=n)
        cc = np.bincount(inst[m], minlength=n)
        new = cc > 0
        val[new] = cs[new] / cc[new]
        known |= new
    return val, known


def place(netlist: Netlist, tech: Technology, part: Partition, fp: Floorplan, improve_iters: int = 16, pack_density: float = 0.7) -> Placement:
    """Boxes for every instance of `netlist` on floorplan `fp`."""
    n = netlist.n_instances
    x0 = np.zeros(n)
    y0 = np.zeros(n)
    w = np.zeros(n)
    h = np.zeros(n)
    g = fp.grid
    if g is not None and part.array.size:
        # The device sits in the lower left of its grid cell; a stretched pitch leaves the
        # rest of the cell to the lines above it.
        x0[part.array] = g.col_x_um(part.array_col)
        y0[part.array] = g.device_y_um(part.array_row)
        w[part.array] = g.cell_w_um
        h[part.array] = g.cell_h_um
    if part.edge.size:
        e = fp.edge_rect
        pitch_x = e.width_um / fp.edge_per_row
        col, row = _edge_sites(part, fp)
        x0[part.edge] = e.x0_um + col * pitch_x
        # Row 0 of the edge devices is the one nearest the array.
        y0[part.edge] = e.y1_um - (row + 1) * fp.edge_dev_h_um
        w[part.edge] = fp.edge_dev_w_um
        h[part.edge] = fp.edge_dev_h_um
    sw, sh = tech.site_width_um, tech.site_height_um
    for name, region in fp.logic.items():
        idx = part.logic[name]
        xs, ys = _fill_rows(part.cell_sites[idx], region, sw, sh)
        x0[idx] = xs
        y0[idx] = ys
        w[idx] = part.cell_sites[idx] * sw
        h[idx] = sh
    if improve_iters and fp.logic:
        inst, net, wt = _connectivity(netlist)
        n_nets = netlist.n_nets
        fixed = np.zeros(n, bool)
        fixed[part.array] = True
        fixed[part.edge] = True
        if fixed.any() and fp.style == "compiler":
            # Start each cell at the height of the array rows it drives: the star model pulls a
            # chain of cells towards a row only through its wide (weak) nets, and does not get
            # there in a few rounds from the instance-order fill. (The array style keeps the
            # placement it had before compiler macros existed.)
            ty, known = _anchor_y(n, inst, net, n_nets, fixed, y0 + 0.5 * h)
            cx = x0 + 0.5 * w
            for name, region in fp.logic.items():
                idx = part.logic[name]
                if known[idx].any():
                    pd = None if name == "core" else max(pack_density, region.density)
                    tyi = np.where(known[idx], ty[idx], y0[idx] + 0.5 * h[idx])
                    x0[idx], y0[idx] = _legalize(cx[idx], tyi, part.cell_sites[idx], region, sw, sh, pd)
        cnt = np.bincount(net, minlength=n_nets)
        wcell = np.bincount(inst, weights=wt, minlength=n)
        for _ in range(improve_iters):
            cx, cy = x0 + 0.5 * w, y0 + 0.5 * h
            net_x = np.bincount(net, weights=cx[inst], minlength=n_nets) / np.maximum(cnt, 1)
            net_y = np.bincount(net, weights=cy[inst], minlength=n_nets) / np.maximum(cnt, 1)
            with np.errstate(invalid="ignore", divide="ignore"):
                tx = np.bincount(inst, weights=wt * net_x[net], minlength=n) / wcell
                ty = np.bincount(inst, weights=wt * net_y[net], minlength=n) / wcell
            # Over-relax (go past the centroid by OVERRELAX - 1): the rank legalization pulls
            # cells back, and it converges in fewer rounds. Unconnected cells keep their place.
            tx = np.where(wcell > 0, cx + OVERRELAX * (tx - cx), cx)
            ty = np.where(wcell > 0, cy + OVERRELAX * (ty - cy), cy)
            for name, region in fp.logic.items():
                idx = part.logic[name]
                # Beside an array (left, bottom) cells pack near their targets; a logic block
                # (core) spreads evenly over its area.
                pd = None if name == "core" else max(pack_density, region.density)
                x0[idx], y0[idx] = _legalize(tx[idx], ty[idx], part.cell_sites[idx], region, sw, sh, pd)
    return Placement(fp, x0, y0, x0 + w, y0 + h)


@dataclass(frozen=True)
class Legality:
    """Result of check_legality: counts and a few offending instance indices."""

    n_objects: int
    overlaps: int
    outside: int
    examples: tuple[tuple[int, int], ...]

    @property
    def ok(self) -> bool:
        return self.overlaps == 0 and self.outside == 0

    def to_json(self) -> dict:
        return {"n_objects": self.n_objects, "overlaps": self.overlaps, "outside": self.outside, "legal": self.ok}


def check_legality(pl: Placement, tol_um: float = 1e-6) -> Legality:
    """Find overlapping boxes (sharing more than an edge) with an STRtree query, and boxes not
    inside the region. Boxes are shrunk by tol_um so abutting neighbours do not count."""
    geoms = pl.geometries(shrink_um=tol_um)
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    r = pl.floorplan.region
    region = shapely.box(r.x0_um - tol_um, r.y0_um - tol_um, r.x1_um + tol_um, r.y1_um + tol_um)
    inside = shapely.contains(region, geoms)
    examples = tuple((int(i), int(j)) for i, j in zip(a[:5], b[:5]))
    return Legality(int(geoms.size), int(a.size), int((~inside).sum()), examples)
