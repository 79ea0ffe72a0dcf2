"""Floorplan: region sizes for the array, its edge devices and the standard-cell rows.

    +--------+------------------+    left   = decoder + cgen cells in rows of the PDK site,
    | left   |   array grid     |             as many rows as the array is high
    | rows   |                  |    array  = one device per grid point
    |        +------------------+    edge   = non-array devices, one device footprint each,
    |        |   edge rows      |             in rows under the array
    +--------+------------------+    bottom = the other cells (periphery), full width
    |   bottom rows             |    (no array: one near-square "core" block of rows)
    +---------------------------+

Array pitch (the derivation, per PDK, is printed by `describe_grid` and kept in README.md):
  column pitch = max(device width, span of the column lines / array metal target)
  row pitch    = max(device height, span of the row lines / array metal target)
where the span of n lines spread over layers L is min over assignments of max_L n_L * pitch_L,
found by giving each line in turn to the layer whose span grows least (optimal for lines of
equal width). Row lines use the macro's horizontal layers; column lines start on the ROM
bit-line layer (tech.rom_bitcell.bitline_layer) or, for SRAM bitcells, the first vertical
layer above the cell-blocked one. Worked numbers, default rules (top layer reserved):
  SKY130 ROM:   1 word line  -> met1 0.34 < cell 0.43: row pitch 0.43 (base binds)
  SKY130 B-ROM: 15 lines     -> 10 x met1 0.34 = 3.40, 5 x met3 0.68 = 3.40: row pitch 3.40
                (vs 4 x 0.43 = 1.72 for the four ROM rows it replaces)
  ASAP7 ROM:    1 word line  -> M2 0.036 < cell 0.054: row pitch 0.054 (base binds)
  ASAP7 B-ROM:  15 lines     -> 6 x M2 0.036 = 0.216, 4 x M4 0.048 = 0.192, 3 x M6 0.064 =
                0.192, 2 x M8 0.08 = 0.16: row pitch 0.216 (vs 4 x 0.054 = 0.216, a tie)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np

from romalayout.netlist.ir import Netlist
from romalayout.place.partition import Partition, device_dims_um, is_row_pin
from romalayout.place.rules import RoutingRules, Targets
from romalayout.tech import Technology


@dataclass(frozen=True)
class Rect:
    """Axis-aligned rectangle in um."""

    x0_um: float
    y0_um: float
    x1_um: float
    y1_um: float

    @property
    def width_um(self) -> float:
        return self.x1_um - self.x0_um

    @property
    def height_um(self) -> float:
        return self.y1_um - self.y0_um

    @property
    def area_um2(self) -> float:
        return self.width_um * self.height_um

    def to_json(self) -> list:
        return [round(v, 6) for v in (self.x0_um, self.y0_um, self.x1_um, self.y1_um)]


@dataclass(frozen=True)
class LineSlots:
    """The tracks the lines of one array row (or column) use: slot k is on layer layers[k],
    offsets_um[k] from the row's bottom (column's left) edge."""

    layers: tuple[str, ...]
    offsets_um: tuple[float, ...]
    span_um: float  # max over layers of (lines on it) x pitch: the room the lines need
    span_layer: str  # the layer that sets span_um
    landing: tuple[str, ...] = ()  # layers keeping one track for via landings (compiler macros)


@dataclass(frozen=True)
class ArrayGrid:
    rows: int
    cols: int
    x0_um: float
    y0_um: float
    cell_w_um: float
    cell_h_um: float
    row_pitch_um: float
    col_pitch_um: float
    row_slots: LineSlots
    col_slots: LineSlots
    stub_layer: str  # vertical layer joining a device gate to its row line's track
    row_binding: str  # "base" or the layer that sets the row pitch
    col_binding: str
    # Fused floorplans (place/fused.py) stack the devices of band_rows consecutive array rows
    # at the bottom of their band, leaving the rest of the band to standard-cell rows. Device
    # of row r sits at y0 + (r // band_rows) * band_rows * row_pitch + (r % band_rows) * cell_h;
    # band_rows = 1 is the plain grid (each device at the bottom of its own row).
    band_rows: int = 1
    # Compiler floorplans: a well-tap column tap_w_um wide left of every group of tap_every
    # columns, and one after the last group (0: no taps). Column c sits after c // tap_every + 1.
    tap_every: int = 0
    tap_w_um: float = 0.0
    # Compiler floorplans with banks: each bank_cols columns are one bank, and bank_gap_um (its
    # neighbour's left strips) separates them (0: one bank).
    bank_cols: int = 0
    bank_gap_um: float = 0.0
    # Fused floorplans also pack each band's row lines from the band's bottom, row after row
    # at this pitch (row_slots offsets are then relative to it), so that the gate stubs stay
    # short; 0: each row's lines spread over its own row pitch.
    line_pitch_um: float = 0.0

    @property
    def banks(self) -> int:
        return self.cols // self.bank_cols if self.bank_cols else 1

    @property
    def cols_per_bank(self) -> int:
        return self.bank_cols or self.cols

    @property
    def taps_per_bank(self) -> int:
        return -(-self.cols_per_bank // self.tap_every) + 1 if self.tap_every else 0

    @property
    def n_taps(self) -> int:
        return self.taps_per_bank * self.banks

    @property
    def bank_width_um(self) -> float:
        """One bank's columns and tap columns."""
        return self.cols_per_bank * self.col_pitch_um + self.taps_per_bank * self.tap_w_um

    @property
    def width_um(self) -> float:
        """Columns, tap columns and the gaps between banks."""
        return self.banks * self.bank_width_um + (self.banks - 1) * self.bank_gap_um

    @property
    def height_um(self) -> float:
        return self.rows * self.row_pitch_um

    def bank_x_um(self, bank) -> np.ndarray:
        """Left edge of bank `bank`'s columns."""
        return self.x0_um + np.asarray(bank) * (self.bank_width_um + self.bank_gap_um)

    def col_x_um(self, cols) -> np.ndarray:
        """Left edge of array columns `cols` (their devices and their tracks' origin)."""
        cols = np.asarray(cols)
        bank, c = np.divmod(cols, self.cols_per_bank)
        x = self.bank_x_um(bank) + c * self.col_pitch_um
        if self.tap_every:
            x = x + (c // self.tap_every + 1) * self.tap_w_um
        return x

    def tap_x_um(self) -> np.ndarray:
        """Left edge of every tap column."""
        if not self.tap_every:
            return np.zeros(0)
        k = np.arange(self.taps_per_bank)
        local = np.minimum(k * self.tap_every, self.cols_per_bank) * self.col_pitch_um + k * self.tap_w_um
        return (self.bank_x_um(np.arange(self.banks))[:, None] + local[None, :]).ravel()

    def device_y_um(self, rows: np.ndarray) -> np.ndarray:
        """Bottom edge of the devices of array rows `rows`."""
        k = self.band_rows
        return self.y0_um + (rows // k) * k * self.row_pitch_um + (rows % k) * self.cell_h_um

    def row_track_y_um(self, rows: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """y of the track of line slot `slots` of array rows `rows`."""
        off = np.asarray(self.row_slots.offsets_um)[slots]
        if self.line_pitch_um <= 0:
            return self.y0_um + rows * self.row_pitch_um + off
        k = self.band_rows
        return self.y0_um + (rows // k) * k * self.row_pitch_um + (rows % k) * self.line_pitch_um + off


@dataclass(frozen=True)
class LogicRegion:
    name: str
    rect: Rect
    n_rows: int
    sites_per_row: int
    density: float  # the density target the region was sized for
    # Bottom edge of each row when the rows are not contiguous (a fused region's rows lie in
    # the gaps between device rows); None: row j at rect.y0_um + j * site height.
    row_y_um: tuple[float, ...] | None = None

    def row_ys(self, site_h_um: float) -> np.ndarray:
        """Bottom edge of every row of the region (um)."""
        if self.row_y_um is not None:
            return np.asarray(self.row_y_um, dtype=float)
        return self.rect.y0_um + site_h_um * np.arange(self.n_rows)


@dataclass(frozen=True)
class Floorplan:
    region: Rect
    grid: ArrayGrid | None
    array_rect: Rect | None
    edge_rect: Rect | None
    edge_per_row: int
    edge_dev_w_um: float
    edge_dev_h_um: float
    logic: Mapping[str, LogicRegion]
    ring_um: float = 0.0  # compiler floorplans: the supply ring's width on each side
    style: str = "array"
    # Compiler floorplans: per bank, the [first, last) edge-row sites under its columns; a
    # bank's edge devices fill those sites row by row (empty: the whole row, in order).
    edge_bank_cols: tuple = ()

    @property
    def core(self) -> Rect:
        """The region inside the ring."""
        r, g = self.region, self.ring_um
        return Rect(r.x0_um + g, r.y0_um + g, r.x1_um - g, r.y1_um - g)

    def regions(self) -> dict[str, Rect]:
        """The rectangles sizing measures: each logic region, and "array" (grid plus edge rows)."""
        out = {name: r.rect for name, r in self.logic.items()}
        if self.array_rect is not None:
            a = self.array_rect
            if self.edge_rect is not None:
                a = Rect(a.x0_um, self.edge_rect.y0_um, max(a.x1_um, self.edge_rect.x1_um), a.y1_um)
            out["array"] = a
        return out


@dataclass(frozen=True)
class FloorplanSpec:
    """The knobs sizing turns: stretch of the array pitches and density of each logic region."""

    targets: Targets = field(default_factory=Targets)
    row_stretch: float = 1.0
    col_stretch: float = 1.0
    row_stretch_layer: str = ""  # layer that caused row_stretch > 1 (for the binding report)
    col_stretch_layer: str = ""
    density: Mapping[str, float] = field(default_factory=dict)  # region -> density; default targets.base
    over_cells: bool = False  # column lines must pass over standard cells (fused floorplan)
    # Compiler floorplans: the left strips' height is chosen for the least area among the
    # heights that keep the macro's aspect ratio at most this (None: least area).
    max_aspect: float | None = None

    def region_density(self, name: str) -> float:
        return self.density.get(name, self.targets.base)


def spread_lines(tech: Technology, n_lines: int, layers: tuple[str, ...], landing: bool = False) -> tuple[tuple[str, ...], float, str]:
    """Give each of n_lines lines in turn to the layer whose span (count x pitch) grows least;
    return (layer of each slot, span_um, layer setting the span).

    With `landing`, every layer of `layers` below the highest one that carries a line also
    keeps one track free: the via stacks from the devices up to the higher lines land on it
    (landing_tracks() names those layers)."""
    metals = [tech.metal(n) for n in layers]
    reserved = [0] * len(metals)
    for _ in range(len(metals) + 1):
        counts = list(reserved)
        slot_layers = []
        for _ in range(n_lines):
            k = min(range(len(metals)), key=lambda i: ((counts[i] + 1) * metals[i].pitch_um, i))
            counts[k] += 1
            slot_layers.append(metals[k].name)
        if not landing or n_lines == 0:
            break
        top = max(k for k, c in enumerate(counts) if c > reserved[k])
        want = [1 if k < top else 0 for k in range(len(metals))]
        if want == reserved:
            break
        reserved = want
    if n_lines == 0:
        return (), 0.0, layers[0]
    spans = [c * m.pitch_um for c, m in zip(counts, metals)]
    k = int(np.argmax(spans))
    return tuple(slot_layers), spans[k], metals[k].name


def landing_tracks(slot_layers: tuple[str, ...], layers: tuple[str, ...]) -> tuple[str, ...]:
    """The layers of `layers` below the highest one in `slot_layers`: each keeps a landing track."""
    if not slot_layers:
        return ()
    top = max(layers.index(n) for n in slot_layers)
    return layers[:top]


def nominal_pitches_um(tech: Technology, bitcell: bool, row_lines: int, col_lines: int, rules: RoutingRules | None = None) -> tuple[float, float]:
    """(row pitch, column pitch) of an array before sizing stretches it: the device (a ROM
    transistor, or the 6T cell when `bitcell`) or the span of its line tracks, whichever is
    larger, at the default array metal target of 1.0. Generators size line drivers with it."""
    from romalayout.place.rules import default_rules

    rules = rules or default_rules(tech)
    cell_w, cell_h = device_dims_um(tech, "bitcell" if bitcell else "nmos")
    first_v = rules.logic_vertical[0] if bitcell else tech.rom_bitcell.bitline_layer
    vlayers = tuple(n for n in rules.vertical if tech.metal(n).index >= tech.metal(first_v).index)
    rspan = spread_lines(tech, row_lines, rules.horizontal, landing=True)[1]
    cspan = spread_lines(tech, col_lines, vlayers)[1]
    return max(cell_h, rspan), max(cell_w, cspan)


def _slots(layers: tuple[str, ...], span_um: float, span_layer: str, pitch_um: float, landing: tuple[str, ...] = ()) -> LineSlots:
    """Spread each layer's lines evenly over the pitch (track j of n at (j + 1/2) pitch / n;
    a layer keeping a landing track spreads its lines over n + 1 tracks)."""
    total = {n: layers.count(n) + (n in landing) for n in set(layers)}
    seen: dict[str, int] = {}
    offsets = []
    for n in layers:
        j = seen.get(n, 0)
        seen[n] = j + 1
        offsets.append((j + 0.5) * pitch_um / total[n])
    return LineSlots(layers, tuple(offsets), span_um, span_layer, landing)


def array_line_counts(netlist: Netlist, part: Partition) -> tuple[int, int]:
    """(max lines in one array row, max lines in one array column), counting distinct
    non-constant nets on row pins (gates, word lines) and on column pins."""
    if part.array.size == 0:
        return 0, 0
    rowmax = colmax = 0
    for t in np.unique(netlist.inst_type[part.array]):
        sel = netlist.inst_type[part.array] == t
        idx, nets = netlist.type_pin_matrix(int(t))
        pos = np.searchsorted(idx, part.array[sel])
        nets = nets[pos]
        ctype = netlist.types[int(t)]
        for k, pin in enumerate(ctype.pins):
            n = nets[:, k].astype(np.int64)
            ok = n > 1
            if is_row_pin(ctype, pin):
                key = part.array_row[sel][ok]
            else:
                key = part.array_col[sel][ok]
            if key.size == 0:
                continue
            pairs = np.unique(key * (netlist.n_nets + 1) + n[ok])
            counts = np.bincount(pairs // (netlist.n_nets + 1))
            if is_row_pin(ctype, pin):
                rowmax = max(rowmax, int(counts.max()))
            else:
                colmax = max(colmax, int(counts.max()))
    return rowmax, colmax


def array_grid(netlist: Netlist, tech: Technology, part: Partition, rules: RoutingRules, spec: FloorplanSpec) -> ArrayGrid:
    """The array's device footprint, pitches and line tracks (see the module docstring).
    With spec.over_cells (a fused floorplan: standard cells under the array's lines) the
    column lines start on the first vertical layer standard cells do not block."""
    kinds = {netlist.types[int(t)].kind for t in np.unique(netlist.inst_type[part.array])}
    row_lines, col_lines = array_line_counts(netlist, part)
    row_lines = max(row_lines, int(netlist.attributes.get("array_lines_per_row", 0) or 0), 1)
    return grid_from_lines(tech, part.array_rows, part.array_cols, "bitcell" in kinds, row_lines, max(col_lines, 1), rules, spec)


def grid_from_lines(tech: Technology, rows: int, cols: int, bitcell: bool, row_lines: int, col_lines: int,
                    rules: RoutingRules, spec: FloorplanSpec, tap_every: int = 0, tap_w_um: float = 0.0,
                    landing: bool = False) -> ArrayGrid:
    """An array grid of rows x cols devices (6T cells when `bitcell`, else ROM transistors)
    with row_lines lines per row and col_lines per column (see the module docstring). With
    `landing`, the row's lower horizontal layers keep a track for the via stacks that reach
    its higher lines (spread_lines)."""
    cell_w, cell_h = device_dims_um(tech, "bitcell" if bitcell else "nmos")
    if bitcell or spec.over_cells:
        first_v = rules.logic_vertical[0]
    else:
        first_v = tech.rom_bitcell.bitline_layer
    vlayers = tuple(n for n in rules.vertical if tech.metal(n).index >= tech.metal(first_v).index)
    rl, rspan, rlayer = spread_lines(tech, row_lines, rules.horizontal, landing)
    cl, cspan, clayer = spread_lines(tech, col_lines, vlayers)
    t = spec.targets.array_metal
    row_pitch = max(cell_h, rspan / t)
    col_pitch = max(cell_w, cspan / t)
    row_binding = "base" if cell_h >= rspan / t else rlayer
    col_binding = "base" if cell_w >= cspan / t else clayer
    if spec.row_stretch > 1.0:
        row_pitch *= spec.row_stretch
        row_binding = spec.row_stretch_layer or row_binding
    if spec.col_stretch > 1.0:
        col_pitch *= spec.col_stretch
        col_binding = spec.col_stretch_layer or col_binding
    free_v = [n for n in vlayers if n not in cl]
    stub = free_v[0] if free_v else vlayers[-1]
    return ArrayGrid(
        rows=rows,
        cols=cols,
        x0_um=0.0,
        y0_um=0.0,
        cell_w_um=cell_w,
        cell_h_um=cell_h,
        row_pitch_um=row_pitch,
        col_pitch_um=col_pitch,
        row_slots=_slots(rl, rspan, rlayer, row_pitch, landing_tracks(rl, rules.horizontal) if landing else ()),
        col_slots=_slots(cl, cspan, clayer, col_pitch),
        stub_layer=stub,
        row_binding=row_binding,
        col_binding=col_binding,
        tap_every=tap_every,
        tap_w_um=tap_w_um,
    )


def describe_grid(tech: Technology, grid: ArrayGrid) -> str:
    """One line deriving the row and column pitch from the cell and the line tracks."""

    def part(slots: LineSlots) -> str:
        names = sorted(set(slots.layers) | set(slots.landing), key=lambda n: tech.metal(n).index)

        def one(n):
            c, land = slots.layers.count(n), int(n in slots.landing)
            lines = "%d%s" % (c, " + 1 landing" if land else "")
            return "%s x %s %.4g = %.4g" % (lines if not land else "(%s)" % lines, n, tech.metal(n).pitch_um, (c + land) * tech.metal(n).pitch_um)

        return ", ".join(one(n) for n in names)

    return "%s: row pitch = max(cell height %.4g, %s) = %.4g um (%s); column pitch = max(cell width %.4g, %s) = %.4g um (%s)" % (
        tech.name, grid.cell_h_um, part(grid.row_slots), grid.row_pitch_um, grid.row_binding,
        grid.cell_w_um, part(grid.col_slots), grid.col_pitch_um, grid.col_binding,
    )


def rows_for_width(total_sites: int, wmax: int, sites_per_row: int, density: float) -> int:
    """Fewest rows of `sites_per_row` holding total_sites at <= density, with room for the
    row-filling rule of the placer (a row holds its share plus at most one more cell)."""
    n = max(1, math.ceil(total_sites / (sites_per_row * density)))
    while math.ceil(total_sites / n) + wmax > sites_per_row and n < total_sites:
        n += 1
    return n


def sites_for_rows(total_sites: int, wmax: int, n_rows: int, density: float) -> int:
    return max(math.ceil(total_sites / (n_rows * density)), math.ceil(total_sites / n_rows) + wmax, 1)


def make_floorplan(netlist: Netlist, tech: Technology, part: Partition, rules: RoutingRules, spec: FloorplanSpec) -> Floorplan:
    """Size and position every region for the given spec (pitches, densities)."""
    if part.style == "compiler":
        from romalayout.place.compiler import compiler_floorplan

        return compiler_floorplan(netlist, tech, part, rules, spec)
    sw, sh = tech.site_width_um, tech.site_height_um
    logic: dict[str, LogicRegion] = {}

    def load(name):
        sites = part.cell_sites[part.logic.get(name, np.zeros(0, np.int64))]
        return int(sites.sum()), int(sites.max()) if sites.size else 0

    if part.array.size == 0:
        total, wmax = load("core")
        d = spec.region_density("core")
        area = max(total, 1) * sw * sh / d
        n_rows = max(1, round(math.sqrt(area) / sh))
        spr = sites_for_rows(total, wmax, n_rows, d)
        rect = Rect(0.0, 0.0, spr * sw, n_rows * sh)
        logic["core"] = LogicRegion("core", rect, n_rows, spr, d)
        return Floorplan(rect, None, None, None, 0, 0.0, 0.0, MappingProxyType(logic))

    grid = array_grid(netlist, tech, part, rules, spec)
    array_w = grid.cols * grid.col_pitch_um
    array_h = grid.rows * grid.row_pitch_um
    edge_kinds = {netlist.types[int(t)].kind for t in np.unique(netlist.inst_type[part.edge])}
    dev_w, dev_h = device_dims_um(tech, "bitcell" if "bitcell" in edge_kinds else "nmos")
    per_row = max(1, int(math.floor(array_w / dev_w + 1e-9)))
    edge_rows = math.ceil(part.edge.size / per_row) if part.edge.size else 0
    edge_w = max(array_w, dev_w) if edge_rows else 0.0
    edge_h = edge_rows * dev_h

    # Left strip: as many rows as fit beside the array and its edge rows; width from density.
    total, wmax = load("left")
    if total:
        d = spec.region_density("left")
        n_left = max(1, int(math.floor((array_h + edge_h) / sh + 1e-9)))
        left_sites = sites_for_rows(total, wmax, n_left, d)
    else:
        d, n_left, left_sites = spec.region_density("left"), 0, 0
    left_w = left_sites * sw
    width = left_w + max(array_w, edge_w)

    # Bottom strip: full width, as many rows as the density needs.
    btotal, bwmax = load("bottom")
    width_sites = max(int(math.floor(width / sw + 1e-9)), bwmax, 1)
    bd = spec.region_density("bottom")
    n_bottom = rows_for_width(btotal, bwmax, width_sites, bd) if btotal else 0
    hb = n_bottom * sh
    width = max(width, width_sites * sw if btotal else width)
    height = hb + max(edge_h + array_h, n_left * sh)

    grid = ArrayGrid(**{**grid.__dict__, "x0_um": left_w, "y0_um": hb + edge_h})
    if total:
        logic["left"] = LogicRegion("left", Rect(0.0, hb, left_w, hb + n_left * sh), n_left, left_sites, d)
    if btotal:
        logic["bottom"] = LogicRegion("bottom", Rect(0.0, 0.0, width_sites * sw, hb), n_bottom, width_sites, bd)
    return Floorplan(
        region=Rect(0.0, 0.0, width, height),
        grid=grid,
        array_rect=Rect(left_w, hb + edge_h, left_w + array_w, hb + edge_h + array_h),
        edge_rect=Rect(left_w, hb, left_w + edge_w, hb + edge_h) if edge_rows else None,
        edge_per_row=per_row,
        edge_dev_w_um=dev_w,
        edge_dev_h_um=dev_h,
        logic=MappingProxyType(logic),
    )
