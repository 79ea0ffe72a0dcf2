"""Layout -> hierarchical gdstk Library -> deterministic GDS file.

Hierarchy: one cell per standard-cell macro, device kind and via, referenced from `top`.
Repeated placements are one gdstk Reference with a Repetition: a full device grid is a
single GDS AREF, scattered placements expand to one SREF each (GDS has no explicit
offset lists), so a file grows by ~40 bytes per placed cell, not by its shapes.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
from pathlib import Path

import gdstk
import numpy as np

from romalayout.errors import InputError
from romalayout.gds import cells as leaf
from romalayout.gds.layout import ORIENTS, Layout
from romalayout.gds.lef import cell_lef_path, read_lef, tech_lef_path

# Fixed GDS header timestamps: the same inputs give a byte-identical file.
GDS_TIMESTAMP = datetime.datetime(2024, 1, 1, 0, 0, 0)
TOP_CELL = "top"
# (rotation in radians, x_reflection) per DEF orientation, as OpenDB defines them
# (FN = mirror about the y axis, FS = mirror about the x axis, FW = MX R90, FE = MY R90).
_TRANSFORMS = {
    "N": (0.0, False), "W": (0.5 * np.pi, False), "S": (np.pi, False), "E": (1.5 * np.pi, False),
    "FN": (np.pi, True), "FS": (0.0, True), "FW": (0.5 * np.pi, True), "FE": (1.5 * np.pi, True),
}


def _placed_origin_offset(orient: str, w: float, h: float) -> tuple[float, float]:
    """Offset from the placed outline's lower-left corner to the reference origin, so that
    the transformed [0, w] x [0, h] outline starts at the placed (x, y)."""
    rot, refl = _TRANSFORMS[orient]
    c, s = round(np.cos(rot)), round(np.sin(rot))
    xs, ys = [], []
    for px, py in ((0, 0), (w, 0), (0, h), (w, h)):
        if refl:
            py = -py
        xs.append(c * px - s * py)
        ys.append(s * px + c * py)
    return -min(xs), -min(ys)


def _reference(cell: gdstk.Cell, origins_um: np.ndarray, rotation: float = 0.0, x_reflection: bool = False) -> gdstk.Reference:
    """One Reference placing `cell` at every row of origins_um (n, 2)."""
    ref = gdstk.Reference(cell, tuple(origins_um[0]), rotation=rotation, x_reflection=x_reflection)
    if origins_um.shape[0] > 1:
        # gdstk places the element itself at the origin: the offsets are the other copies only.
        ref.repetition = gdstk.Repetition(offsets=(origins_um[1:] - origins_um[0]).tolist())
    return ref


def _grid_reference(cell: gdstk.Cell, grid, mask: np.ndarray, dbu_per_um: float) -> gdstk.Reference | None:
    """Reference `cell` at the sites where mask is true: an AREF if all are and both pitches
    are whole database units, else offsets (an AREF stores only its corners: an off-grid pitch
    would put its inner copies off their sites, and KLayout splits such arrays with a warning)."""
    if not mask.any():
        return None
    on_grid = all(abs(p * dbu_per_um - round(p * dbu_per_um)) < 1e-6 for p in (grid.pitch_x_um, grid.pitch_y_um))
    if mask.all() and on_grid:
        ref = gdstk.Reference(cell, (grid.x_um, grid.y_um))
        ref.repetition = gdstk.Repetition(columns=grid.cols, rows=grid.rows, spacing=(grid.pitch_x_um, grid.pitch_y_um))
        return ref
    r, c = np.nonzero(mask)  # row-major: a deterministic order
    xy = np.stack([grid.x_um + c * grid.pitch_x_um, grid.y_um + r * grid.pitch_y_um], axis=1)
    return _reference(cell, xy)


def _wire_paths(tech, wires) -> list[gdstk.FlexPath]:
    """Paths of one Wires set. Segments are snapped to the database grid (one shorter than
    a unit would become a one-point PATH, which readers reject) and grouped by their
    (dx, dy): each group is one FlexPath with an offset Repetition, which gdstk expands to
    one GDS PATH per segment in C++, instead of one Python object per segment."""
    gds = tech.metal(wires.layer).gds
    dbu = np.rint(wires.segments_um * tech.dbu_per_um).astype(np.int64)
    dbu = dbu[(dbu[:, 0] != dbu[:, 2]) | (dbu[:, 1] != dbu[:, 3])]
    if not dbu.size:
        return []
    d = dbu[:, 2:] - dbu[:, :2]
    order = np.lexsort((dbu[:, 1], dbu[:, 0], d[:, 1], d[:, 0]))  # deterministic
    dbu, d = dbu[order], d[order]
    starts = np.flatnonzero(np.r_[True, np.any(d[1:] != d[:-1], axis=1)])
    ends = np.r_[starts[1:], d.shape[0]]
    scale = 1.0 / tech.dbu_per_um
    # gdstk drops path points closer than its tolerance (default 0.01 um): keep every point
    # one database unit apart.
    tol_um = 0.5 * scale
    out = []
    for i, j in zip(starts.tolist(), ends.tolist()):
        x0, y0 = dbu[i, 0] * scale, dbu[i, 1] * scale
        path = gdstk.FlexPath([(x0, y0), (x0 + d[i, 0] * scale, y0 + d[i, 1] * scale)], wires.width_um, ends="flush",
                              simple_path=True, tolerance=tol_um, layer=gds[0], datatype=gds[1])
        if j - i > 1:
            path.repetition = gdstk.Repetition(offsets=((dbu[i + 1 : j, :2] - dbu[i, :2]) * scale).tolist())
        out.append(path)
    return out


def build_library(tech, layout: Layout) -> gdstk.Library:
    """The gdstk Library of `layout` in `tech` (unit 1 um, precision 1 / tech.dbu_per_um um).

    Raises InputError for a macro the cell LEF lacks or a cut layer the PDK lacks."""
    lib = gdstk.Library(name=layout.name, unit=1e-6, precision=1e-6 / tech.dbu_per_um)
    top = gdstk.Cell(TOP_CELL)
    leaves: list[gdstk.Cell] = []

    if layout.cells is not None and layout.cells.count:
        ci = layout.cells
        lef = read_lef(cell_lef_path(tech), set(ci.macros))
        missing = sorted(set(ci.macros) - set(lef.macros))
        if missing:
            raise InputError("%s: cell LEF has no macro %s" % (tech.name, ", ".join(missing[:5])))
        for mi, name in enumerate(ci.macros):
            sel_m = ci.macro_index == mi
            if not sel_m.any():
                continue
            macro = lef.macros[name]
            cell = leaf.std_cell(tech, macro)
            leaves.append(cell)
            for oi, orient in enumerate(ORIENTS):
                sel = sel_m & (ci.orient == oi)
                if not sel.any():
                    continue
                dx, dy = _placed_origin_offset(orient, macro.width_um, macro.height_um)
                rot, refl = _TRANSFORMS[orient]
                xy = np.stack([ci.x_um[sel] + dx, ci.y_um[sel] + dy], axis=1)
                top.add(_reference(cell, xy, rot, refl))

    made: dict[str, tuple[gdstk.Cell, ...]] = {}
    for grid in layout.grids:
        if grid.kind not in made:
            if grid.kind == "sram6t":
                made[grid.kind] = (leaf.sram6t_cell(tech, grid.device_w_um or grid.pitch_x_um, grid.device_h_um or grid.pitch_y_um),)
            else:
                made[grid.kind] = leaf.rom_device_cells(tech, grid.kind)
            leaves.extend(made[grid.kind])
        cells = made[grid.kind]
        for ref in (_grid_reference(cells[0], grid, grid.state > 0, tech.dbu_per_um),
                    _grid_reference(cells[1], grid, grid.state == 2, tech.dbu_per_um) if len(cells) > 1 else None):
            if ref is not None:
                top.add(ref)

    for w in layout.wires:
        for path in _wire_paths(tech, w):
            top.add(path)
    for r in layout.rects:
        gds = tech.metal(r.layer).gds
        for x0, y0, x1, y1 in r.rects_um.tolist():
            top.add(gdstk.rectangle((x0, y0), (x1, y1), layer=gds[0], datatype=gds[1]))

    if any(v.xy_um.shape[0] for v in layout.vias):
        defaults = leaf.default_vias(tech, read_lef(tech_lef_path(tech)).vias)
        singles: dict[str, gdstk.Cell] = {}
        stacks: dict[tuple[int, int], gdstk.Cell] = {}
        for v in layout.vias:
            if not v.xy_um.shape[0]:
                continue
            lo, hi = sorted((tech.metal(v.bottom).index, tech.metal(v.top).index))
            if lo == hi:
                raise InputError("via stack %s-%s joins a layer to itself" % (v.bottom, v.top))
            if (lo, hi) not in stacks:
                stack = gdstk.Cell("vias_%s_%s" % (tech.metals[lo].name, tech.metals[hi].name))
                for k in range(lo, hi):
                    cut = next(c for c in tech.cuts if c.below == tech.metals[k].name)
                    if cut.name not in singles:
                        singles[cut.name] = leaf.via_cell(tech, defaults[cut.name])
                    stack.add(gdstk.Reference(singles[cut.name]))
                for k in range(lo + 1, hi):
                    # Between two cuts the metal gets one pad, the bounding box of both cuts'
                    # pads (their union would be a cross with sub-spacing notches).
                    stack.add(leaf.stack_pad(tech, defaults, k))
                stacks[(lo, hi)] = stack
            top.add(_reference(stacks[(lo, hi)], v.xy_um))
        leaves.extend(singles[k] for k in sorted(singles))
        leaves.extend(stacks[k] for k in sorted(stacks))

    lab = tech.cell_boundary_gds
    for name, x0, y0, x1, y1 in layout.regions:
        top.add(gdstk.Label(name, ((x0 + x1) / 2, (y0 + y1) / 2), magnification=max(x1 - x0, y1 - y0) / 20.0,
                            layer=lab[0], texttype=lab[1]))
    lib.add(top, *leaves)
    return lib


def write_gds(lib: gdstk.Library, path: str | Path) -> None:
    """Write `lib` to `path` with fixed timestamps, via a temporary file and a rename, so
    `path` is either the old file or the complete new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % path.name, dir=path.parent)
    os.close(fd)
    try:
        lib.write_gds(tmp, max_points=8190, timestamp=GDS_TIMESTAMP)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
