"""Base- and metal-layer utilization, over a rectangle and as per-bin maps.

base utilization  = footprint area of devices and cells / region area
metal utilization = route length on the layer / track length available on it, where
                    available = region area / layer pitch - blocked track length
Blockages (see rules.py): the lowest routing layer inside every standard cell and SRAM
bitcell (area / pitch of track length), and one track per standard-cell row on the rail layer.
Maps rasterize segments exactly (length per bin) with difference arrays, never shapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from romalayout.netlist.ir import Netlist
from romalayout.place.floorplan import Rect
from romalayout.place.partition import Partition
from romalayout.place.placer import Placement
from romalayout.place.route import Routes
from romalayout.place.rules import RoutingRules
from romalayout.tech import Technology


@dataclass(frozen=True, eq=False)
class Blockage:
    """Area blockages (boxes on a layer) and track blockages (segments on a layer)."""

    rects: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    rect_layer: int
    segs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    seg_layer: int
    # Compiler macros: the supply ring's rails as (layer, (n, 4) boxes) and the power straps
    # as (layer, fraction of its tracks they take over the whole macro).
    layer_rects: tuple = ()
    strap: tuple[int, float] | None = None


def blockages(netlist: Netlist, tech: Technology, part: Partition, pl: Placement, rules: RoutingRules) -> Blockage:
    """Standard cells and SRAM bitcells block rules.blocked_layer; each standard-cell row
    loses one rules.rail_layer track along its length (its power rail)."""
    kinds = np.array([t.kind for t in netlist.types] or ["cell"])
    cells = np.concatenate([part.logic[k] for k in part.logic] or [np.zeros(0, np.int64)])
    bitcells = np.flatnonzero(kinds[netlist.inst_type] == "bitcell")
    idx = np.concatenate([cells, bitcells])
    rects = (pl.x0_um[idx], pl.y0_um[idx], pl.x1_um[idx], pl.y1_um[idx])
    sh = tech.site_height_um
    ys, x0s, x1s = [], [], []
    for region in pl.floorplan.logic.values():
        r = region.rect
        ys.append(region.row_ys(sh))
        x0s.append(np.full(region.n_rows, r.x0_um))
        x1s.append(np.full(region.n_rows, r.x1_um))
    y = np.concatenate(ys) if ys else np.zeros(0)
    segs = (np.concatenate(x0s) if x0s else np.zeros(0), y, np.concatenate(x1s) if x1s else np.zeros(0), y)
    layer_rects, strap = (), None
    fp = pl.floorplan
    if fp.style == "compiler" and tech.macro is not None:
        from romalayout.place.compiler import ring_boxes

        top = tech.metal(rules.max_layer).index
        layer_rects = tuple((tech.metal(name).index, boxes) for name, boxes in ring_boxes(tech, fp)
                            if tech.metal(name).index <= top)
        pg = tech.macro.power
        if tech.metal(pg.strap_layer).index <= top:
            strap = (tech.metal(pg.strap_layer).index, pg.strap_fraction)
    return Blockage(rects, tech.metal(rules.blocked_layer).index, segs, tech.metal(rules.rail_layer).index, layer_rects, strap)


def _clip_lengths(rect: Rect, x0, y0, x1, y1) -> np.ndarray:
    """Length of each axis-parallel segment inside rect (half-open in the cross direction)."""
    h = y0 == y1
    lx = np.clip(np.minimum(x1, rect.x1_um) - np.maximum(x0, rect.x0_um), 0, None)
    ly = np.clip(np.minimum(y1, rect.y1_um) - np.maximum(y0, rect.y0_um), 0, None)
    in_y = (y0 >= rect.y0_um) & (y0 < rect.y1_um)
    in_x = (x0 >= rect.x0_um) & (x0 < rect.x1_um)
    return np.where(h, lx * in_y, ly * in_x)


def _clip_areas(rect: Rect, x0, y0, x1, y1) -> np.ndarray:
    lx = np.clip(np.minimum(x1, rect.x1_um) - np.maximum(x0, rect.x0_um), 0, None)
    ly = np.clip(np.minimum(y1, rect.y1_um) - np.maximum(y0, rect.y0_um), 0, None)
    return lx * ly


@dataclass(frozen=True)
class RectUsage:
    """Utilization inside one rectangle; arrays are per metal layer (tech.metals order)."""

    area_um2: float
    footprint_um2: float
    demand_um: np.ndarray
    capacity_um: np.ndarray  # after blockage
    blocked_um: np.ndarray

    @property
    def base_utilization(self) -> float:
        return self.footprint_um2 / self.area_um2 if self.area_um2 > 0 else 0.0

    @property
    def metal_utilization(self) -> np.ndarray:
        return np.divide(self.demand_um, self.capacity_um, out=np.zeros_like(self.demand_um), where=self.capacity_um > 0)


def rect_usage(tech: Technology, rect: Rect, pl: Placement, routes: Routes, bl: Blockage) -> RectUsage:
    """Base and per-layer metal usage inside `rect`."""
    n = len(tech.metals)
    pitch = np.array([m.pitch_um for m in tech.metals])
    demand = np.bincount(routes.layer, weights=_clip_lengths(rect, routes.x0_um, routes.y0_um, routes.x1_um, routes.y1_um), minlength=n)
    blocked = np.zeros(n)
    blocked[bl.rect_layer] += _clip_areas(rect, *bl.rects).sum() / pitch[bl.rect_layer]
    blocked[bl.seg_layer] += _clip_lengths(rect, *bl.segs).sum()
    total = rect.area_um2 / pitch
    for k, boxes in bl.layer_rects:
        blocked[k] += _clip_areas(rect, *boxes.T).sum() / pitch[k]
    if bl.strap is not None:
        blocked[bl.strap[0]] += bl.strap[1] * total[bl.strap[0]]
    footprint = float(_clip_areas(rect, pl.x0_um, pl.y0_um, pl.x1_um, pl.y1_um).sum())
    return RectUsage(rect.area_um2, footprint, demand[:n], np.maximum(total - blocked, 0.0), blocked)


@dataclass(frozen=True)
class BinGrid:
    nx: int
    ny: int
    bin_um: float

    @staticmethod
    def for_region(region: Rect, max_bins: int = 4096) -> "BinGrid":
        """Square bins, at most about max_bins of them over the region."""
        b = math.sqrt(region.area_um2 / max_bins) if region.area_um2 > 0 else 1.0
        return BinGrid(max(1, math.ceil(region.width_um / b - 1e-9)), max(1, math.ceil(region.height_um / b - 1e-9)), b)


def _raster_segments(grid: BinGrid, x0, y0, x1, y1, layer, n_layers) -> np.ndarray:
    """(n_layers, ny, nx) length of segments per bin, exact."""
    out = np.zeros((n_layers, grid.ny, grid.nx))
    b = grid.bin_um
    h = y0 == y1
    for horizontal in (True, False):
        sel = h if horizontal else ~h
        if horizontal:
            a0, a1, c, na, nc = x0[sel], x1[sel], y0[sel], grid.nx, grid.ny
        else:
            a0, a1, c, na, nc = y0[sel], y1[sel], x0[sel], grid.ny, grid.nx
        lay = layer[sel].astype(np.int64)
        j = np.clip((c / b).astype(np.int64), 0, nc - 1)
        i0 = np.clip((a0 / b).astype(np.int64), 0, na - 1)
        i1 = np.clip((a1 / b).astype(np.int64), 0, na - 1)
        row = (lay * nc + j) * (na + 1)
        size = n_layers * nc * (na + 1)
        cov = np.bincount(row + i0, weights=np.full(i0.size, b), minlength=size)
        cov -= np.bincount(row + i1 + 1, weights=np.full(i1.size, b), minlength=size)
        cov = np.cumsum(cov.reshape(n_layers, nc, na + 1), axis=2)[:, :, :na]
        trim = np.bincount(row + i0, weights=a0 - i0 * b, minlength=size) + np.bincount(row + i1, weights=(i1 + 1) * b - a1, minlength=size)
        cov -= trim.reshape(n_layers, nc, na + 1)[:, :, :na]
        out += cov if horizontal else cov.transpose(0, 2, 1)
    return out


def _raster_rects(grid: BinGrid, x0, y0, x1, y1) -> np.ndarray:
    """(ny, nx) area of boxes per bin, exact (boxes may span several bins)."""
    b = grid.bin_um
    out = np.zeros(grid.ny * grid.nx)
    if x0.size == 0:
        return out.reshape(grid.ny, grid.nx)
    i0 = np.clip((x0 / b).astype(np.int64), 0, grid.nx - 1)
    i1 = np.clip(((x1 - 1e-12) / b).astype(np.int64), 0, grid.nx - 1)
    j0 = np.clip((y0 / b).astype(np.int64), 0, grid.ny - 1)
    j1 = np.clip(((y1 - 1e-12) / b).astype(np.int64), 0, grid.ny - 1)
    for di in range(int((i1 - i0).max()) + 1):
        i = i0 + di
        ox = np.clip(np.minimum(x1, (i + 1) * b) - np.maximum(x0, i * b), 0, None) * (i <= i1)
        for dj in range(int((j1 - j0).max()) + 1):
            j = j0 + dj
            oy = np.clip(np.minimum(y1, (j + 1) * b) - np.maximum(y0, j * b), 0, None) * (j <= j1)
            ok = (i <= i1) & (j <= j1)
            out += np.bincount((j * grid.nx + np.minimum(i, grid.nx - 1))[ok], weights=(ox * oy)[ok], minlength=out.size)
    return out.reshape(grid.ny, grid.nx)


@dataclass(frozen=True, eq=False)
class Utilization:
    """Whole-region utilization and per-bin demand/capacity maps (layer, y bin, x bin)."""

    layers: tuple[str, ...]
    usage: RectUsage
    grid: BinGrid
    demand_map_um: np.ndarray
    capacity_map_um: np.ndarray

    @property
    def base_utilization(self) -> float:
        return self.usage.base_utilization

    def metal_utilization(self) -> dict[str, float]:
        return dict(zip(self.layers, (float(u) for u in self.usage.metal_utilization)))

    def wirelength_um(self) -> dict[str, float]:
        return dict(zip(self.layers, (float(d) for d in self.usage.demand_um)))

    def congestion(self) -> np.ndarray:
        """demand / capacity per bin and layer (0 where a bin has no capacity left)."""
        return np.divide(self.demand_map_um, self.capacity_map_um, out=np.zeros_like(self.demand_map_um), where=self.capacity_map_um > 1e-9)


def utilization(tech: Technology, pl: Placement, routes: Routes, bl: Blockage, max_bins: int = 4096) -> Utilization:
    """Utilization of the placement's whole region, with congestion maps."""
    region = pl.floorplan.region
    usage = rect_usage(tech, region, pl, routes, bl)
    grid = BinGrid.for_region(region, max_bins)
    n = len(tech.metals)
    demand = _raster_segments(grid, routes.x0_um, routes.y0_um, routes.x1_um, routes.y1_um, routes.layer, n)
    area = _raster_rects(grid, np.array([region.x0_um]), np.array([region.y0_um]), np.array([region.x1_um]), np.array([region.y1_um]))
    pitch = np.array([m.pitch_um for m in tech.metals])
    cap = area[None, :, :] / pitch[:, None, None]
    cap[bl.rect_layer] -= _raster_rects(grid, *bl.rects) / pitch[bl.rect_layer]
    x0, y0, x1, y1 = bl.segs
    rails = _raster_segments(grid, x0, y0, x1, y1, np.full(x0.size, bl.seg_layer), n)
    cap -= rails
    for k, boxes in bl.layer_rects:
        cap[k] -= _raster_rects(grid, *boxes.T) / pitch[k]
    if bl.strap is not None:
        cap[bl.strap[0]] *= 1.0 - bl.strap[1]
    return Utilization(tuple(m.name for m in tech.metals), usage, grid, demand, np.maximum(cap, 0.0))
