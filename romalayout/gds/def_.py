"""DEF 5.8 and LEF of a placed Layout, so KLayout (and OpenROAD) can load the placement.

design.def: DIEAREA (the Layout's outline), ROWs of the PDK site over every labelled logic
region, COMPONENTS: every standard cell (its LEF macro, DEF orientation) and every array or
edge device as a component of a generated macro ROMLAYOUT_<KIND> (the derived bitcell
pitch); one TRACKS line per metal of the stack in its preferred direction (X for vertical
layers), and an empty PINS section (qrouter writes the vias it generates before it).
NETS only when connectivity is given (DefNets, from the sized macro: def_nets_of): every net
of the netlist with >= 2 standard-cell pins as `- n<net index>`, one `( c<k> <pin> )` per
line (qrouter needs the name on its own line); constant nets 0 / 1, unconnected pins and the
pins of array / edge devices (their generated macros have no PINs) are left out.
SPECIALNETS and routing are omitted (the drawn routes are in design.gds).
design.lef: the generated macros only; the technology LEF and the cell LEF of the PDK are
named in its header comment (pdk/<name>/raw/...) and must be read before it.
Lines are built with numpy string operations, one call per column, not per component.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.errors import InputError
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


@dataclass(frozen=True)
class DefNets:
    """Connectivity of the DEF's NETS, one entry per kept pin, sorted by net (stable, so pins
    keep the netlist's order within a net): net index, component index k (DEF name c<k>,
    the k-th standard cell of Layout.cells) and pin name; `macros`: the macro name of every
    standard-cell component, in component order (checked against the Layout)."""

    net: np.ndarray
    component: np.ndarray
    pin: np.ndarray
    macros: np.ndarray

    @property
    def n_nets(self) -> int:
        return int(np.unique(self.net).size)


def def_nets(netlist, cells: np.ndarray) -> DefNets:
    """DefNets of `netlist` whose standard-cell components are the instances `cells`
    (component k = instance cells[k]); nets 0 and 1 (constants), NO_NET and nets with fewer
    than 2 such pins are dropped."""
    nl = netlist
    cells = np.asarray(cells, np.int64)
    comp = np.full(nl.n_instances, -1, np.int64)
    comp[cells] = np.arange(cells.size)
    inst = nl.pin_instances()
    net = np.asarray(nl.pin_net, np.int64)
    keep = (net >= 2) & (comp[inst] >= 0)
    names = np.array([p for t in nl.types for p in t.pins] or [""])
    p = np.flatnonzero(keep)
    i = inst[p]
    pin_name = names[nl.pin_type_slots()[p]]
    net, i = net[p], comp[i]
    counts = np.bincount(net, minlength=nl.n_nets) if net.size else np.zeros(nl.n_nets, np.int64)
    multi = counts[net] >= 2
    order = np.argsort(net[multi], kind="stable")
    type_names = np.array([t.name for t in nl.types] or [""])
    return DefNets(net[multi][order], i[multi][order], pin_name[multi][order], type_names[nl.inst_type[cells]])


def def_nets_of(sm) -> DefNets:
    """DefNets of a sized macro (romalayout.place.sizing.SizedMacro)."""
    from romalayout.gds.adapt import cell_instances

    return def_nets(sm.netlist, cell_instances(sm))


def _net_lines(nets: DefNets) -> np.ndarray:
    """`- n<net>` then one `  ( c<k> <pin> )` line per pin, the last ending with ` ;`."""
    n = nets.net.size
    if not n:
        return np.zeros(0, object)
    first = np.flatnonzero(np.r_[True, nets.net[1:] != nets.net[:-1]])
    last = np.r_[first[1:] - 1, n - 1]
    # One %-format per line over .tolist() columns: ~3x faster than np.char.mod (a Python loop
    # inside numpy) for the ~10^6 pins of a large design.
    pins = np.empty(n, object)
    pins[:] = ["  ( c%d %s )" % cp for cp in zip(nets.component.tolist(), nets.pin.tolist())]
    pins[last] = pins[last] + " ;"
    group = np.cumsum(np.r_[False, nets.net[1:] != nets.net[:-1]])
    out = np.empty(n + first.size, object)
    out[first + np.arange(first.size)] = ["- n%d" % k for k in nets.net[first].tolist()]
    out[np.arange(n) + group + 1] = pins
    return out


def _track_lines(tech, dbu: int, width_dbu: int, height_dbu: int) -> list[str]:
    out = []
    for m in tech.metals:
        p = int(round(m.pitch_um * dbu))
        o = int(round((m.offset_um if m.offset_um is not None else m.pitch_um / 2) * dbu)) % p
        axis, ext = ("X", width_dbu) if m.direction == "vertical" else ("Y", height_dbu)
        out.append("TRACKS %s %d DO %d STEP %d LAYER %s ;" % (axis, o, max(0, (ext - o) // p + 1), p, m.name))
    return out


def def_text(tech, layout: Layout, nets: DefNets | None = None, dbu: int | None = None) -> str:
    """DEF 5.8 of `layout` (see the module docstring); top design name `top`. nets: write
    NETS too; dbu: DEF units per um (default tech.dbu_per_um; ASAP7's 1x LEFs need 1000)."""
    dbu = int(dbu or tech.dbu_per_um)

    def d(v):
        return np.rint(np.asarray(v, np.float64) * dbu).astype(np.int64)

    wd, hd = int(d(layout.width_um)), int(d(layout.height_um))
    out = ["VERSION 5.8 ;", 'DIVIDERCHAR "/" ;', 'BUSBITCHARS "[]" ;', "DESIGN top ;", "UNITS DISTANCE MICRONS %d ;" % dbu,
           "DIEAREA ( 0 0 ) ( %d %d ) ;" % (wd, hd)]
    sw, sh = d(tech.site_width_um), d(tech.site_height_um)
    k = 0
    for name, x0, y0, x1, y1 in layout.regions:
        if name == "array":
            continue
        nx, ny = int((d(x1) - d(x0)) // sw), int((d(y1) - d(y0)) // sh)
        for r in range(ny):
            out.append("ROW ROW_%d %s %d %d %s DO %d BY 1 STEP %d 0 ;" % (k, tech.site_name, d(x0), d(y0) + r * sh, "FS" if r % 2 else "N", nx, sw))
            k += 1
    out += _track_lines(tech, dbu, wd, hd)
    parts = []
    ci = layout.cells
    cell_macros = np.array(ci.macros)[ci.macro_index] if ci is not None and ci.count else np.zeros(0, str)
    if cell_macros.size:
        parts.append(_component_lines("c", 0, cell_macros, d(ci.x_um), d(ci.y_um), np.array(ORIENTS)[ci.orient]))
    n = 0
    for g in layout.grids:
        r, c = np.nonzero(g.state > 0)
        parts.append(_component_lines("d", n, np.full(r.size, _macro_name(g.kind)), d(g.x_um + c * g.pitch_x_um),
                                      d(g.y_um + r * g.pitch_y_um), np.full(r.size, "N")))
        n += r.size
    lines = np.concatenate(parts) if parts else np.zeros(0, str)
    out += ["COMPONENTS %d ;" % lines.size, *lines.tolist(), "END COMPONENTS", "PINS 0 ;", "END PINS"]
    if nets is not None:
        if nets.macros.shape != cell_macros.shape or not np.array_equal(nets.macros, cell_macros):
            raise InputError("DEF nets: the standard cells of the connectivity (%d) differ from the layout's (%d)"
                             % (nets.macros.size, cell_macros.size))
        out += ["NETS %d ;" % nets.n_nets, *_net_lines(nets).tolist(), "END NETS"]
    out += ["END DESIGN", ""]
    return "\n".join(out)


def write_def_lef(tech, layout: Layout, out_dir, nets: DefNets | None = None, dbu: int | None = None) -> None:
    """design.def and design.lef into out_dir, each atomically (nets, dbu: see def_text)."""
    from pathlib import Path

    atomic_write_text(Path(out_dir) / "design.lef", lef_text(tech, layout))
    atomic_write_text(Path(out_dir) / "design.def", def_text(tech, layout, nets=nets, dbu=dbu))
