"""The floorplan of a compiler-style memory macro (romalayout.gen.macro) and its area breakdown.

    +--------------------------------------------------------+
    | ring: VDD and VSS rails on each side                    |
    |  +------------+------------+------+-------------------+ |
    |  | row        | wordline   | cgen | array: tap column | |
    |  | decoder    | drivers    |      | every 2 x tap     | |
    |  |            |            |      | distance          | |
    |  |            |            |      +-------------------+ |
    |  |            |            |      | edge rows:        | |
    |  |            |            |      | precharge, mux... | |
    |  +------------+------------+------+-------------------+ |
    |  | column_mux strip (full core width)                  | |
    |  | sense strip                                          | |
    |  | io strip                                             | |
    |  | control strip                                        | |
    |  +-----------------------------------------------------+ |
    +--------------------------------------------------------+

Left strips are as tall as the array and its edge rows (pitch-matched to the rows they
drive, as compilers place decoders), or taller when that makes the macro smaller (small
arrays); each strip's width follows from its cells at its density. Bottom strips span the core's width. Array pitches as in floorplan.py, plus a
well-tap column (the PDK's tap cell) so that no device is farther than the PDK's tap
distance from one. The ring's width per side comes from pdk.toml [macro.power].
Every square micron of the macro lands in exactly one breakdown entry: the block regions,
"array" (the device grid without taps), "power" (ring and tap columns) and "channels"
(what the rectangles leave empty: where a strip is shorter than the core, say).
"""

from __future__ import annotations

import math
from dataclasses import replace
from types import MappingProxyType

import numpy as np

from romalayout.netlist.ir import Netlist
from romalayout.place.floorplan import Floorplan, FloorplanSpec, LogicRegion, Rect, grid_from_lines, rows_for_width, sites_for_rows
from romalayout.errors import InputError
from romalayout.place.partition import (BANK_BOTTOM, BOTTOM_STRIPS, EDGE_BLOCKS, LEFT_STRIPS, OTHER, SHARED, Partition,
                                        device_dims_um, strip_block, strip_name)
from romalayout.place.rules import RoutingRules
from romalayout.tech import Technology

BREAKDOWN_KEYS = ("array", "row_decoder", "wordline_drivers", "column_mux", "precharge", "sense", "cgen", "control", "io", "power", "channels")


def tap_every(tech: Technology, col_pitch_um: float) -> int:
    """Columns between tap columns: every device within the tap distance of one."""
    return max(1, int(math.floor(2 * tech.macro.tap_distance_um / col_pitch_um + 1e-9)))


def compiler_floorplan(netlist: Netlist, tech: Technology, part: Partition, rules: RoutingRules, spec: FloorplanSpec) -> Floorplan:
    """Position the array, its edge rows, the strips and the ring (see the module docstring)."""
    from romalayout.gen.drivers import macro_rules

    macro = macro_rules(tech)
    if OTHER in part.logic:
        b = netlist.blocks[int(netlist.inst_block[part.logic[OTHER][0]])]
        raise InputError("compiler-style netlist %r has cells in block %r, expected one of %s"
                         % (netlist.name, b, ", ".join(LEFT_STRIPS + BOTTOM_STRIPS)))
    attrs = netlist.attributes
    sw, sh = tech.site_width_um, tech.site_height_um
    bitcell = attrs.get("kind") == "sram"
    row_lines = max(int(attrs.get("array_lines_per_row", 1)), 1)
    banks = part.banks
    g = grid_from_lines(tech, part.array_rows, part.array_cols, bitcell, row_lines, 2 if bitcell else 1, rules, spec, landing=True)
    g = replace(g, tap_every=tap_every(tech, g.col_pitch_um), tap_w_um=tech.cells[macro.tap_cell].width_um,
                bank_cols=part.array_cols // banks if banks > 1 else 0)
    ring = macro.power.ring_um
    bank_w, array_h = g.bank_width_um, g.height_um

    dev_w, dev_h = device_dims_um(tech, "nmos")
    per_bank_row = max(1, int(math.floor(bank_w / dev_w + 1e-9)))
    n_edge = np.bincount(part.edge_bank, minlength=banks) if part.edge.size else np.zeros(banks, np.int64)
    edge_h = math.ceil(int(n_edge.max()) / per_bank_row) * dev_h if part.edge.size else 0.0

    def load(name):
        sites = part.cell_sites[part.logic[name]]
        return int(sites.sum()), int(sites.max())

    def names(blocks, b):
        return [strip_name(blk, b, banks) for blk in blocks if strip_name(blk, b, banks) in part.logic]

    bank_bottom = [blk for blk in BANK_BOTTOM if any(strip_name(blk, b, banks) in part.logic for b in range(banks))]
    shared = [blk for blk in SHARED if blk in part.logic and not (banks == 1 and blk in bank_bottom)]

    def strips(n_left: int):
        """For left strips n_left rows high: ({left block: sites (the widest bank's)}, left
        width, tile width in sites, {bank strip block: rows}, shared width in sites,
        {shared block: rows}, bottom height)."""
        left = {}
        for blk in LEFT_STRIPS:
            for name in names((blk,), 0) + [n for b in range(1, banks) for n in names((blk,), b)]:
                total, wmax = load(name)
                k = sites_for_rows(total, wmax, n_left, spec.region_density(name))
                left[blk] = max(left.get(blk, 0), k)
        left_w = sum(left.values()) * sw
        tile_sites = int(math.floor((left_w + bank_w) / sw + 1e-9))
        for blk in bank_bottom:
            tile_sites = max([tile_sites] + [load(n)[1] for b in range(banks) for n in names((blk,), b)])
        rows_b = {}
        for blk in bank_bottom:
            for b in range(banks):
                for name in names((blk,), b):
                    total, wmax = load(name)
                    rows_b[blk] = max(rows_b.get(blk, 0), rows_for_width(total, wmax, tile_sites, spec.region_density(name)))
        full_sites = max([tile_sites * banks] + [load(n)[1] for n in shared])
        rows_s = {n: rows_for_width(*load(n), full_sites, spec.region_density(n)) for n in shared}
        hb = (sum(rows_b.values()) + sum(rows_s.values())) * sh
        return left, left_w, tile_sites, rows_b, full_sites, rows_s, hb

    def size(n_left: int) -> tuple[float, float]:
        left, left_w, tile_sites, rows_b, full_sites, rows_s, hb = strips(n_left)
        w = max(banks * max(left_w + bank_w, tile_sites * sw), full_sites * sw)
        return w, hb + max(edge_h + array_h, n_left * sh if left else 0.0)

    # The left strips are pitch-matched to the array (as tall as it) unless taller strips,
    # with empty space beside the array, give a smaller macro (small arrays, whose drivers
    # would otherwise make a strip many times wider than the array) or, with spec.max_aspect,
    # the smallest macro within that aspect ratio (else the squarest).
    n_min = max(1, int(math.floor((array_h + edge_h) / sh + 1e-9)))
    tries = sorted({n_min + (n_min * k) // 8 for k in range(49)} | {n_min + k for k in range(25)})
    sizes = {n: size(n) for n in tries}

    def key(n):
        w, h = sizes[n]
        over = max(w, h) / min(w, h) > spec.max_aspect + 1e-9 if spec.max_aspect else False
        return (over, max(w, h) / min(w, h) if over else w * h, n)

    n_left = min(tries, key=key)
    left, left_w, tile_sites, rows_b, full_sites, rows_s, hb = strips(n_left)
    tile_w = max(left_w + bank_w, tile_sites * sw)
    core_w, core_h = size(n_left)

    logic: dict[str, LogicRegion] = {}
    y = ring
    for blk in reversed(shared):  # control at the bottom
        n = rows_s[blk]
        logic[blk] = LogicRegion(blk, Rect(ring, y, ring + full_sites * sw, y + n * sh), n, full_sites, spec.region_density(blk))
        y += n * sh
    for blk in reversed(bank_bottom):  # column_mux nearest the array
        n = rows_b[blk]
        for b in range(banks):
            for name in names((blk,), b):
                x = ring + b * tile_w
                logic[name] = LogicRegion(name, Rect(x, y, x + tile_sites * sw, y + n * sh), n, tile_sites, spec.region_density(name))
        y += n * sh
    top_of_strips = y
    for b in range(banks):
        x = ring + b * tile_w + left_w
        for blk in LEFT_STRIPS:  # cgen nearest the array
            if blk not in left:
                continue
            k = left[blk]
            for name in names((blk,), b):
                logic[name] = LogicRegion(name, Rect(x - k * sw, top_of_strips, x, top_of_strips + n_left * sh), n_left, k, spec.region_density(name))
            x -= k * sw
    x0 = ring + left_w
    g = replace(g, x0_um=x0, y0_um=top_of_strips + edge_h, bank_gap_um=tile_w - bank_w)
    edge_per_row = max(1, int(math.floor(g.width_um / dev_w + 1e-9)))
    bank_cols = tuple((int(math.ceil((float(g.bank_x_um(b)) - x0) / dev_w - 1e-9)),
                       int(math.floor((float(g.bank_x_um(b)) + bank_w - x0) / dev_w + 1e-9))) for b in range(banks))
    return Floorplan(
        region=Rect(0.0, 0.0, core_w + 2 * ring, core_h + 2 * ring),
        grid=g,
        array_rect=Rect(x0, top_of_strips + edge_h, x0 + g.width_um, top_of_strips + edge_h + array_h),
        edge_rect=Rect(x0, top_of_strips, x0 + edge_per_row * dev_w, top_of_strips + edge_h) if part.edge.size else None,
        edge_per_row=edge_per_row,
        edge_dev_w_um=dev_w,
        edge_dev_h_um=dev_h,
        logic=MappingProxyType(dict(sorted(logic.items()))),
        ring_um=ring,
        style="compiler",
        edge_bank_cols=bank_cols,
    )


def ring_boxes(tech: Technology, fp: Floorplan) -> list[tuple[str, np.ndarray]]:
    """The supply ring's rails as [(layer, (n, 4) boxes x0, y0, x1, y1)]: per side a VDD and a
    VSS rail (pdk.toml [macro.power]), top and bottom on the ring's horizontal layer, left and
    right on its vertical one, from the macro's edge inwards: rail, spacing, rail, spacing."""
    if fp.ring_um <= 0 or tech.macro is None:
        return []
    pg = tech.macro.power
    w, s, r = pg.rail_width_um, pg.rail_spacing_um, fp.region
    h, v = [], []
    for k in range(2):
        a = k * (w + s)
        h += [(r.x0_um + a, r.y0_um + a, r.x1_um - a, r.y0_um + a + w), (r.x0_um + a, r.y1_um - a - w, r.x1_um - a, r.y1_um - a)]
        v += [(r.x0_um + a, r.y0_um + a, r.x0_um + a + w, r.y1_um - a), (r.x1_um - a - w, r.y0_um + a, r.x1_um - a, r.y1_um - a)]
    return [(pg.ring_layers[0], np.array(h)), (pg.ring_layers[1], np.array(v))]


def breakdown_um2(fp: Floorplan, part: Partition) -> dict[str, float]:
    """Area of the macro per BREAKDOWN_KEYS entry; the entries sum to the macro's area."""
    out = {k: 0.0 for k in BREAKDOWN_KEYS}
    g = fp.grid
    if fp.style != "compiler":
        return _array_style_breakdown(fp, part)
    if g is not None:
        out["array"] = g.cols * g.col_pitch_um * g.height_um
        out["power"] += g.n_taps * g.tap_w_um * g.height_um
    out["power"] += fp.region.area_um2 - fp.core.area_um2
    for name, region in fp.logic.items():
        out[strip_block(name)] += region.rect.area_um2
    if fp.edge_rect is not None and part.edge.size:
        names, counts = np.unique(part.edge_block, return_counts=True)
        for name, c in zip(names.tolist(), counts.tolist()):
            key = name if name in out else "io"
            out[key] += fp.edge_rect.area_um2 * c / part.edge.size
    out["channels"] = fp.region.area_um2 - sum(v for k, v in out.items() if k != "channels")
    return out


def _array_style_breakdown(fp: Floorplan, part: Partition) -> dict[str, float]:
    """The array style's coarse split: grid, edge rows (precharge and sense devices) as
    "precharge", the left strip as "row_decoder" (it holds the decoder and any CGen), the
    bottom strip as "sense" (the periphery cells), the rest "channels"."""
    out = {k: 0.0 for k in BREAKDOWN_KEYS}
    if fp.grid is not None:
        out["array"] = fp.grid.width_um * fp.grid.height_um
    if fp.edge_rect is not None:
        out["precharge"] = fp.edge_rect.area_um2
    for name, region in fp.logic.items():
        out[{"left": "row_decoder", "bottom": "sense", "core": "channels"}.get(name, "channels")] += region.rect.area_um2
    out["channels"] = fp.region.area_um2 - sum(v for k, v in out.items() if k != "channels")
    return out


__all__ = ["BREAKDOWN_KEYS", "EDGE_BLOCKS", "breakdown_um2", "compiler_floorplan", "tap_every"]
