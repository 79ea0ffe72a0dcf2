"""DEF 5.8 and LEF of a placed Layout, so KLayout (and OpenROAD) can load the placement.

design.def: DIEAREA (the Layout's outline), ROWs of the PDK site over every labelled logic
region, COMPONENTS: every standard cell (its LEF macro, DEF orientation) and every array or
edge device as a component of a generated macro ROMLAYOUT_<KIND> (the derived bitcell
pitch). NETS, SPECIALNETS and routing are omitted (the Layout holds geometry, not
connectivity; the drawn routes are in design.gds).
design.lef: the generated macros only; the technology LEF and the cell LEF of the PDK are
named in its header comment (pdk/<name>/raw/...) and must be read before it.
Lines are built with numpy string operations, one call per column, not per component.
"""

from __future__ import annotations

import numpy as np

from romalayout.fileio import atomic_write_text
from romalayout.gds.layout import ORIENTS, Layout
from romalayout.gds.lef import cell_lef_path, tech_lef_path


def _macro_name(kind: str) -> str:
    return "ROMLAYOUT_%s" % kind.upper()


def _device_macros(layout: Layout) -> dict[str, tuple[float, float]]:
    """{macro name: (width_um, height_um)} of the device grids (the first grid of a kind sets it)."""
    out: dict[str, tuple[float, float]] = {}
    for g in layout.grids:
        out.setdefault(_macro_name(g.kind), (g.device_w_um or g.pitch_x_um, g.device_h_um or g.pitch_y_um))
    return out


def lef_text(tech, layout: Layout) -> str:
    """LEF 5.8 of the generated device macros."""
    lines = ["# romalayout generated macros for %s; read after the technology LEF" % layout.name,
             "#   %s" % tech_lef_path(tech), "# and the cell LEF", "#   %s" % cell_lef_path(tech),
             "VERSION 5.8 ;", 'BUSBITCHARS "[]" ;', 'DIVIDERCHAR "/" ;']
    for name, (w, h) in sorted(_device_macros(layout).items()):
        lines += ["MACRO %s" % name, "  CLASS CORE ;", "  ORIGIN 0 0 ;", "  SIZE %.6g BY %.6g ;" % (w, h),
                  "  SYMMETRY X Y ;", "END %s" % name]
    return "\n".join(lines + ["END LIBRARY", ""])


def _component_lines(prefix: str, start: int, macros: np.ndarray, x_dbu: np.ndarray, y_dbu: np.ndarray,
                     orient: np.ndarray) -> np.ndarray:
    ids = np.char.mod("- %s%%d " % prefix, np.arange(start, start + x_dbu.size))
    s = np.char.add(ids, macros)
    s = np.char.add(s, np.char.mod(" + PLACED ( %d", x_dbu))
    s = np.char.add(s, np.char.mod(" %d ) ", y_dbu))
    return np.char.add(s, np.char.add(orient, " ;"))


def component_count(layout: Layout) -> int:
    """Standard cells plus devices: the number of DEF COMPONENTS."""
    return (layout.cells.count if layout.cells is not None else 0) + sum(int((g.state > 0).sum()) for g in layout.grids)


def def_text(tech, layout: Layout) -> str:
    """DEF 5.8 of `layout` (see the module docstring); top design name `top`."""
    dbu = int(tech.dbu_per_um)

    def d(v):
        return np.rint(np.asarray(v, np.float64) * dbu).astype(np.int64)

    out = ["VERSION 5.8 ;", 'DIVIDERCHAR "/" ;', 'BUSBITCHARS "[]" ;', "DESIGN top ;", "UNITS DISTANCE MICRONS %d ;" % dbu,
           "DIEAREA ( 0 0 ) ( %d %d ) ;" % (d(layout.width_um), d(layout.height_um))]
    sw, sh = d(tech.site_width_um), d(tech.site_height_um)
    k = 0
    for name, x0, y0, x1, y1 in layout.regions:
        if name == "array":
            continue
        nx, ny = int((d(x1) - d(x0)) // sw), int((d(y1) - d(y0)) // sh)
        for r in range(ny):
            out.append("ROW ROW_%d %s %d %d %s DO %d BY 1 STEP %d 0 ;" % (k, tech.site_name, d(x0), d(y0) + r * sh, "FS" if r % 2 else "N", nx, sw))
            k += 1
    parts = []
    ci = layout.cells
    if ci is not None and ci.count:
        parts.append(_component_lines("c", 0, np.array(ci.macros)[ci.macro_index], d(ci.x_um), d(ci.y_um), np.array(ORIENTS)[ci.orient]))
    n = 0
    for g in layout.grids:
        r, c = np.nonzero(g.state > 0)
        parts.append(_component_lines("d", n, np.full(r.size, _macro_name(g.kind)), d(g.x_um + c * g.pitch_x_um),
                                      d(g.y_um + r * g.pitch_y_um), np.full(r.size, "N")))
        n += r.size
    lines = np.concatenate(parts) if parts else np.zeros(0, str)
    out += ["COMPONENTS %d ;" % lines.size, *lines.tolist(), "END COMPONENTS", "END DESIGN", ""]
    return "\n".join(out)


def write_def_lef(tech, layout: Layout, out_dir) -> None:
    """design.def and design.lef into out_dir, each atomically."""
    from pathlib import Path

    atomic_write_text(Path(out_dir) / "design.lef", lef_text(tech, layout))
    atomic_write_text(Path(out_dir) / "design.def", def_text(tech, layout))
