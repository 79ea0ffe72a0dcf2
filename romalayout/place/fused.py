"""Fused floorplan: a memory array and standard cells sharing one region (ROMA Section III-D).

    +-------------------------------------+   band = band_rows array rows; their devices are
    | row lines on their tracks (metal) ...|          stacked at the band's bottom (base),
    | site rows: decoder, CGen, sense and |          the rest of the band holds site rows of
    |   compute cells (base)              |          standard cells (all the design's cells)
    | devices of band_rows array rows     |   lines: row lines keep their tracks, spread over
    +-------------------------------------+          each row pitch, over the cells
    | ... more bands ...                  |   edge:  precharge devices in rows under the array
    +-------------------------------------+

One set of metal tracks serves both parts: the array's lines sit on their fixed tracks and
the standard cells' nets are poured into what is left (layers.assign_layers over the whole
region). Standard cells block the lowest layer inside their outline and one track of the
next per row (rules.py), so the array's column lines start on the first vertical layer
above the blocked one (SKY130 met2 instead of li1, ASAP7 M3 instead of M1), and the gate
stubs move to the next free vertical layer.

Sizing (size_fused), all pitches start from the array's line tracks (floorplan.array_grid):
- base: the row pitch grows until the site rows in the gaps hold the cells at the base
  target density (with the placer's row-filling margin of one widest cell per row);
- metal: per usable layer, array lines / array_metal target + logic wire / metal target
  must fit the layer's free tracks (capacity after blockages); where it does not, the row
  pitch (horizontal layer) or the column pitch (vertical layer) grows by the overshoot.
Place, route, measure, repeat (<= max_iter rounds), then shrink back by bisection (growth
overshoots because the logic's wire grows with the region). The binding constraint
reported is the tightest at the end (base ratio = cell sites / (row sites x base target)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from romalayout.errors import InputError
from romalayout.netlist.ir import Netlist
from romalayout.place.floorplan import ArrayGrid, Floorplan, FloorplanSpec, LogicRegion, Rect, _slots, array_grid
from romalayout.place.layers import assign_layers
from romalayout.place.partition import Partition, device_dims_um, partition
from romalayout.place.placer import place
from romalayout.place.route import estimate_routes
from romalayout.place.rules import RoutingRules, Targets, default_rules
from romalayout.place.sizing import SizedMacro
from romalayout.place.utilization import blockages, rect_usage, utilization
from romalayout.tech import Technology

TOL = 1e-6
MAX_BAND_ROWS = 64


@dataclass(frozen=True)
class Bands:
    """How array rows and site rows share the height: band_rows array rows per band."""

    band_rows: int
    site_rows: int  # in all bands
    row_y_um: tuple[float, ...]  # bottom of every site row, relative to the array's bottom


def bands(rows: int, band_rows: int, row_pitch_um: float, cell_h_um: float, site_h_um: float) -> Bands:
    """Site rows of bands of `band_rows` array rows (the last band may hold fewer)."""
    k = max(1, min(band_rows, rows))
    free = row_pitch_um - cell_h_um
    ys = []
    for b in range(-(-rows // k)):
        kb = min(k, rows - b * k)
        m = int(math.floor(kb * free / site_h_um + 1e-9))
        y0 = b * k * row_pitch_um + kb * cell_h_um
        ys.extend(y0 + j * site_h_um for j in range(m))
    return Bands(k, len(ys), tuple(ys))


def _pitch_for(rows, k, need, p_min, cell_h, sh) -> float:
    """Smallest row pitch >= p_min whose bands of k rows hold `need` site rows."""
    if bands(rows, k, p_min, cell_h, sh).site_rows >= need:
        return p_min
    lo, hi = p_min, max(p_min, cell_h + math.ceil(need / rows) * sh) + 1e-9
    for _ in range(50):  # site rows are monotone in the pitch for a fixed band size
        mid = 0.5 * (lo + hi)
        if bands(rows, k, mid, cell_h, sh).site_rows >= need:
            hi = mid
        else:
            lo = mid
    return hi


def choose_bands(rows: int, need: int, p_min: float, cell_h: float, sh: float, col_pitch: float, stub_pitch: float,
                 line_pitch: float | None = None) -> tuple[int, float]:
    """(band rows k, row pitch) for `need` site rows. Larger bands waste less height on
    partial site rows but lengthen the gate stubs: device j of a band sits j cell heights
    above the band's bottom and its lines j line pitches above it (line pitch: default p_min), so a
    stub is ~ j (line pitch - cell_h) + line pitch / 2 long; per column the stubs of one band take
    their mean length / p of a stub-layer track. The estimated area p x max(column pitch,
    stub width) is minimized over k = 1..64 (ties: smaller k)."""
    lp = p_min if line_pitch is None else line_pitch
    best = None
    for k in range(1, min(rows, MAX_BAND_ROWS) + 1):
        p = _pitch_for(rows, k, need, p_min, cell_h, sh) if need else p_min
        stub_w = ((k - 1) / 2 * (lp - cell_h) + lp / 2) / p * stub_pitch
        est = p * max(col_pitch, stub_w)
        if best is None or est < best[0] * (1 - 1e-9):
            best = (est, k, p)
    return best[1], best[2]


def fused_partition(netlist: Netlist, tech: Technology) -> Partition:
    """partition() with every standard cell in one logic group "fused"."""
    part = partition(netlist, tech)
    if part.array.size == 0:
        raise InputError("netlist %r has no array block to fuse standard cells into" % netlist.name)
    cells = np.sort(np.concatenate([part.logic[k] for k in sorted(part.logic)]))
    return replace(part, logic=MappingProxyType({"fused": cells}))


def _rows_needed(part: Partition, spr: int, density: float) -> int:
    sites = part.cell_sites[part.logic["fused"]]
    total, wmax = int(sites.sum()), int(sites.max()) if sites.size else 0
    if total == 0:
        return 0
    if wmax > spr:
        raise InputError("a %d-site cell does not fit a %d-site row of the fused array; expected a wider array" % (wmax, spr))
    n = max(1, math.ceil(total / (spr * density)))
    while math.ceil(total / n) + wmax > spr:
        n += 1
    return n


def fused_floorplan(netlist: Netlist, tech: Technology, part: Partition, grid: ArrayGrid, row_pitch_um: float, col_pitch_um: float,
                    density: float) -> Floorplan:
    """The fused region for the given pitches; the row pitch is raised (never lowered) until
    the site rows hold the cells at `density`, with the band size of choose_bands. Returns the
    floorplan (grid.row_pitch_um is the pitch used)."""
    sw, sh = tech.site_width_um, tech.site_height_um
    rows, cols = grid.rows, grid.cols
    array_w = cols * col_pitch_um
    spr = int(math.floor(array_w / sw + 1e-9))
    need = _rows_needed(part, spr, density)
    line_pitch_um = min(grid.row_pitch_um, row_pitch_um)
    k, p = choose_bands(rows, need, row_pitch_um, grid.cell_h_um, sh, col_pitch_um, tech.metal(grid.stub_layer).pitch_um, line_pitch_um)
    bd = bands(rows, k, p, grid.cell_h_um, sh)
    edge_kinds = {netlist.types[int(t)].kind for t in np.unique(netlist.inst_type[part.edge])}
    dev_w, dev_h = device_dims_um(tech, "bitcell" if "bitcell" in edge_kinds else "nmos")
    per_row = max(1, int(math.floor(array_w / dev_w + 1e-9)))
    edge_rows = math.ceil(part.edge.size / per_row) if part.edge.size else 0
    edge_h = edge_rows * dev_h
    array_h = rows * p
    g = replace(grid, x0_um=0.0, y0_um=edge_h, row_pitch_um=p, col_pitch_um=col_pitch_um, band_rows=bd.band_rows,
                line_pitch_um=line_pitch_um,
                row_slots=_slots(grid.row_slots.layers, grid.row_slots.span_um, grid.row_slots.span_layer, line_pitch_um),
                col_slots=_slots(grid.col_slots.layers, grid.col_slots.span_um, grid.col_slots.span_layer, col_pitch_um))
    array_rect = Rect(0.0, edge_h, array_w, edge_h + array_h)
    logic = {}
    if part.logic["fused"].size:
        logic["fused"] = LogicRegion("fused", array_rect, bd.site_rows, spr, density, tuple(edge_h + y for y in bd.row_y_um))
    return Floorplan(
        region=Rect(0.0, 0.0, array_w, edge_h + array_h),
        grid=g,
        array_rect=array_rect,
        edge_rect=Rect(0.0, 0.0, array_w, edge_h) if edge_rows else None,
        edge_per_row=per_row,
        edge_dev_w_um=dev_w,
        edge_dev_h_um=dev_h,
        logic=MappingProxyType(logic),
    )


@dataclass(frozen=True)
class FusedCheck:
    """The constraint ratios of one fused region (<= 1 everywhere: targets met)."""

    base_ratio: float  # cell sites / (site-row sites x base target)
    metal_ratio: np.ndarray  # per layer: (array lines / array target + logic / metal target) / capacity
    array_demand_um: np.ndarray
    logic_demand_um: np.ndarray

    def tightest(self, tech: Technology, usable: np.ndarray) -> tuple[str, float]:
        r = np.where(usable, self.metal_ratio, 0.0)
        k = int(np.argmax(r))
        if self.base_ratio >= r[k]:
            return "base", self.base_ratio
        return tech.metals[k].name, float(r[k])


def _check(tech, fp, part, pl, rt, fixed, bl, targets) -> FusedCheck:
    n = len(tech.metals)
    ru_all = rect_usage(tech, fp.region, pl, rt, bl)
    arr = rect_usage(tech, fp.region, pl, rt.subset(fixed), bl).demand_um
    log = ru_all.demand_um - arr
    need = arr / targets.array_metal + log / targets.metal
    ratio = np.divide(need, ru_all.capacity_um, out=np.where(need > 0, np.inf, 0.0), where=ru_all.capacity_um > 0)
    region = fp.logic.get("fused")
    if region is not None:
        sites = part.cell_sites[part.logic["fused"]].sum()
        base = float(sites / (region.n_rows * region.sites_per_row * targets.base))
    else:
        base = 0.0
    return FusedCheck(base, ratio[:n], arr, log)


def size_fused(netlist: Netlist, tech: Technology, targets: Targets | None = None, rules: RoutingRules | None = None,
               max_iter: int = 12, shrink_steps: int = 7) -> SizedMacro:
    """Size, place and route-estimate `netlist` as one fused region (see the module docstring).

    Grow: from the tightest pitches, stretch the row (column) pitch by the overshoot of the
    worst horizontal (vertical) layer until every target holds. The logic's wire grows with
    the region (the placer spreads cells over all site rows), so growth overshoots; shrink:
    a geometric bisection of one factor f on both grown pitches (each floored at its tight
    value) between the last infeasible and the first feasible size, then of the column and
    the row pitch alone, keeping the smallest feasible floorplan. The result's regions = {"fused": (usage, binding, targets met)}."""
    targets = targets or Targets()
    rules = rules or default_rules(tech)
    part = fused_partition(netlist, tech)
    spec = FloorplanSpec(targets=targets, over_cells=True)
    g0 = array_grid(netlist, tech, part, rules, spec)
    usable = np.array([m.index <= tech.metal(rules.max_layer).index for m in tech.metals])

    def run(row_p, col_p):
        fp = fused_floorplan(netlist, tech, part, g0, row_p, col_p, targets.base)
        pl = place(netlist, tech, part, fp, pack_density=targets.base)
        bl = blockages(netlist, tech, part, pl, rules)
        rt0 = estimate_routes(netlist, tech, part, pl)
        rt = assign_layers(tech, rt0, {"fused": fp.region}, pl, bl, rules)
        chk = _check(tech, fp, part, pl, rt, rt0.layer >= 0, bl, targets)
        ratio = np.where(usable, chk.metal_ratio, 0.0)
        k = int(np.argmax(ratio))
        return (fp, pl, bl, rt, chk), k, float(ratio[k])

    row_p, col_p = g0.row_pitch_um, g0.col_pitch_um
    best = None
    evals = 0
    for _ in range(max_iter):
        ev, k, over = run(row_p, col_p)
        evals += 1
        if over <= 1 + TOL:
            best = (ev[0].region.area_um2, ev)
            break
        last = (ev,)
        if tech.metals[k].direction == "horizontal":
            row_p = ev[0].grid.row_pitch_um * over
        else:
            col_p = col_p * over
    if best is not None and evals > 1:
        # Shrink both grown pitches together, then each alone (the other kept at its best).
        R, C = row_p, col_p
        for which in ("both", "col", "row"):
            lo = {"both": min(g0.row_pitch_um / R, g0.col_pitch_um / C), "col": g0.col_pitch_um / C, "row": g0.row_pitch_um / R}[which]
            hi = 1.0
            steps = shrink_steps if which == "both" else max(1, shrink_steps // 2)
            for _ in range(steps):
                if hi / lo < 1.02:
                    break
                f = math.sqrt(lo * hi)
                rp = max(g0.row_pitch_um, R * f) if which != "col" else R
                cp = max(g0.col_pitch_um, C * f) if which != "row" else C
                ev, k, over = run(rp, cp)
                evals += 1
                if over <= 1 + TOL:
                    hi = f
                    if ev[0].region.area_um2 < best[0]:
                        best = (ev[0].region.area_um2, ev, rp, cp)
                else:
                    lo = f
            if len(best) > 2:
                R, C = best[2], best[3]
    fp, pl, bl, rt, chk = best[1] if best is not None else last[0]
    binding, worst = chk.tightest(tech, usable)
    met = worst <= 1 + 1e-3
    ru = rect_usage(tech, fp.region, pl, rt, bl)
    g = fp.grid
    horizontal = binding == "base" or tech.metal(binding).direction == "horizontal"
    fp = replace(fp, grid=replace(g, row_binding=binding if horizontal else g.row_binding, col_binding=g.col_binding if horizontal else binding))
    pl = replace(pl, floorplan=fp)
    return SizedMacro(netlist, tech, rules, spec, part, fp, pl, rt, bl, utilization(tech, pl, rt, bl),
                      {"fused": (ru, binding, met)}, binding_layer=binding, targets_met=met, iterations=evals)


def fused_detail(sm: SizedMacro) -> dict:
    """Band geometry and constraint ratios of a size_fused result, for reports."""
    fp, tech = sm.floorplan, sm.tech
    g = fp.grid
    region = fp.logic.get("fused")
    chk = _check(tech, fp, sm.partition, sm.placement, sm.routes, fixed_segments(sm), sm.blockage, sm.spec.targets)
    usable = [m.name for m in tech.metals[: tech.metal(sm.rules.max_layer).index + 1]]
    return {
        "band_rows": g.band_rows,
        "row_pitch_um": round(g.row_pitch_um, 6),
        "col_pitch_um": round(g.col_pitch_um, 6),
        "site_rows": region.n_rows if region else 0,
        "sites_per_row": region.sites_per_row if region else 0,
        "column_line_layers": sorted(set(g.col_slots.layers)),
        "stub_layer": g.stub_layer,
        "base_ratio": round(chk.base_ratio, 6),
        "metal_ratio": {n: round(float(chk.metal_ratio[tech.metal(n).index]), 6) for n in usable},
        "array_line_um": {n: round(float(chk.array_demand_um[tech.metal(n).index]), 3) for n in usable},
        "logic_wire_um": {n: round(float(chk.logic_demand_um[tech.metal(n).index]), 3) for n in usable},
    }


def fixed_segments(sm: SizedMacro) -> np.ndarray:
    """Bool per segment of sm.routes: an array line on its fixed track (or a gate stub), i.e.
    a segment the route estimate gave a layer before layer assignment (same order)."""
    return estimate_routes(sm.netlist, sm.tech, sm.partition, sm.placement).layer >= 0


def array_line_nets(netlist: Netlist, part: Partition) -> np.ndarray:
    """Bool per net: joins an array device (a row or column line)."""
    npins = np.diff(netlist.pin_offset)
    inst = np.repeat(np.arange(netlist.n_instances), npins)
    in_arr = np.zeros(netlist.n_instances, bool)
    in_arr[part.array] = True
    net = netlist.pin_net.astype(np.int64)
    out = np.zeros(netlist.n_nets, bool)
    ok = in_arr[inst] & (net > 1)
    out[net[ok]] = True
    return out
