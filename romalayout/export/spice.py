"""SPICE netlist of a Netlist: library cells as subcircuit instances (X lines) of the PDK's
CDL subcircuits, inlined; array devices at transistor level (M lines); bitcells as X lines
of a 6T subcircuit written here.

Conventions (per PDK, in the [spice] table of pdk/<name>/pdk.toml; from the raw CDL files):
- SKY130 CDL (sky130_fd_sc_hd__merged.cdl) gives W/L in microns without a unit and the LVS
  model names (nfet_01v8, pfet_01v8_hvt, special_nfet_01v8); we write `u` units and the
  simulation names with the sky130_fd_pr__ prefix. Array devices: sky130_fd_pr__nfet_01v8 /
  sky130_fd_pr__pfet_01v8, W 0.42u (the minimum nfet width) L 0.15u.
- ASAP7 CDL (asap7sc7p5t_28_R.cdl) gives w in nm (27 nm per fin) with nfin; nfin is dropped
  (w already counts the fins). Array devices: nmos_rvt / pmos_rvt, one fin, w=27n l=20n.
- CDL-only instance parameters (mult, sa, sb, sd, topography, area, perim) are dropped;
  m (parallel multiplicity) is kept.
- Supplies: the cells' ground/bulk pins go to node 0, power pins to node vdd; a V source
  sets vdd to the PDK's vdd_v. Nets are n<index>; an unconnected device pin (NO_NET, a
  via-programmed cell) gets its own floating node nc<instance>_<pin>.
With stand_in_models=True (the default) level-1 `.model` cards for the device names are
added, labelled STAND-IN: they exist only so that `ngspice -b` parses the file. For
simulation, replace them by the PDK's model library (in open_pdks the sky130_fd_pr__
devices are subcircuits, which would need X instead of M lines).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from romalayout.errors import InputError
from romalayout.fileio import atomic_write_text
from romalayout.netlist.ir import CONST0, CONST1, NO_NET, Netlist

_KEEP_PARAMS = ("w", "l", "m")
BITCELL_SUBCKT = "romalayout_bitcell6t"


def _pdk(tech) -> dict:
    if tech is None or not tech.spice:
        raise InputError("SPICE export: PDK %r has no [spice] conventions in its pdk.toml" % (getattr(tech, "name", None),))
    return tech.spice


def read_cdl_subckts(path: Path, names) -> dict[str, tuple[list[str], list[str]]]:
    """{cell: (pins, element lines)} for the named subcircuits of a CDL file, continuation
    lines joined. Raises InputError for a name the file lacks."""
    want = set(names)
    out: dict[str, tuple[list[str], list[str]]] = {}
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        raise InputError("SPICE export: CDL file %s is missing" % path) from None
    lines: list[str] = []
    for raw in text.splitlines():
        if raw.startswith("+") and lines:
            lines[-1] += " " + raw[1:].strip()
        elif raw.strip() and not raw.startswith("*"):
            lines.append(raw.strip())
    cur = None
    for line in lines:
        tok = line.split()
        if tok[0].upper() == ".SUBCKT":
            cur = tok[1] if tok[1] in want else None
            if cur:
                out[cur] = (tok[2:], [])
        elif tok[0].upper() == ".ENDS":
            cur = None
        elif cur:
            out[cur][1].append(line)
    missing = sorted(want - set(out))
    if missing:
        raise InputError("SPICE export: cells %s are not in %s" % (", ".join(missing), path))
    return out


def _device_line(cell: str, line: str, conv: dict) -> str:
    tok = line.split()
    if not tok[0].upper().startswith("M") or len(tok) < 6:
        raise InputError("SPICE export: cell %s has element %r, expected only MOSFET (M) lines" % (cell, tok[0]))
    params = []
    for t in tok[6:]:
        k, _, v = t.partition("=")
        if k.lower() in _KEEP_PARAMS:
            if k.lower() in ("w", "l") and re.fullmatch(r"[0-9.eE+-]+", v):
                v += conv["length_unit"]
            params.append("%s=%s" % (k.lower(), v))
    return " ".join(tok[:5] + [conv["model_prefix"] + tok[5]] + params)


def _bitcell_subckt(conv: dict) -> list[str]:
    n, nw = conv["nmos"]
    p, pw = conv["pmos"]
    return [
        "* 6T SRAM bitcell: cross-coupled inverters Q/QB, access devices to BL/BLB under WL",
        ".SUBCKT %s WL BL BLB VDD VSS" % BITCELL_SUBCKT,
        "MPU1 Q QB VDD VDD %s %s" % (p, pw),
        "MPD1 Q QB VSS VSS %s %s" % (n, nw),
        "MPU2 QB Q VDD VDD %s %s" % (p, pw),
        "MPD2 QB Q VSS VSS %s %s" % (n, nw),
        "MAX1 BL WL Q VSS %s %s" % (n, nw),
        "MAX2 BLB WL QB VSS %s %s" % (n, nw),
        ".ENDS %s" % BITCELL_SUBCKT,
    ]


def spice_text(netlist: Netlist, tech, stand_in_models: bool = True) -> str:
    """The SPICE netlist as a string (see the module docstring)."""
    conv = _pdk(tech)
    n = netlist
    used = [ti for ti in range(len(n.types)) if np.any(n.inst_type == ti)]
    cells = sorted({n.types[ti].name for ti in used if n.types[ti].kind == "cell"})
    kinds = {n.types[ti].kind for ti in used}
    cdl = read_cdl_subckts(Path(tech.root) / conv["cdl"], cells) if cells else {}
    out = ["* SPICE netlist of %s (PDK %s), written by romalayout" % (n.name, tech.name)]
    for p in n.ports:
        out.append("* port %s %s: %s" % (p.direction, p.name, " ".join(_node(x) for x in p.nets)))
    models = set()
    body = []
    for c in cells:
        pins, elems = cdl[c]
        body.append(".SUBCKT %s %s" % (c, " ".join(pins)))
        for e in elems:
            line = _device_line(c, e, conv)
            models.add((line.split()[5], "pmos" if "pfet" in line.split()[5] or "pmos" in line.split()[5] else "nmos"))
            body.append(line)
        body.append(".ENDS %s" % c)
    if "bitcell" in kinds:
        body += _bitcell_subckt(conv)
    if kinds & {"nmos", "pmos", "bitcell"}:
        models.add((conv["nmos"][0], "nmos"))
        models.add((conv["pmos"][0], "pmos"))
    if stand_in_models and models:
        out.append("* STAND-IN level-1 models, only so that ngspice parses this file;")
        out.append("* replace them by the PDK's model library to simulate.")
        out += [".model %s %s level=1" % (m, kind) for m, kind in sorted(models)]
    out += body
    out.append("Vdd vdd 0 %g" % tech.vdd_v)
    supply = {**{g: "0" for g in conv["ground"]}, **{p: "vdd" for p in conv["power"]}}
    for bi, bname in enumerate(n.blocks):
        insts = np.flatnonzero(n.inst_block == bi)
        if insts.size:
            out.append("* block %s" % bname)
            out += _instances(n, insts, cdl, supply, conv)
    out.append(".end")
    return "\n".join(out) + "\n"


def _node(x: int) -> str:
    return "0" if x == CONST0 else "vdd" if x == CONST1 else "n%d" % x


def _instances(n: Netlist, insts: np.ndarray, cdl: dict, supply: dict, conv: dict) -> list[str]:
    lines = []
    for i in insts.tolist():
        t = n.types[int(n.inst_type[i])]
        nets = n.pin_net[n.pin_offset[i] : n.pin_offset[i + 1]].tolist()
        pin = {p: (_node(x) if x != NO_NET else "nc%d_%s" % (i, p)) for p, x in zip(t.pins, nets)}
        if t.kind == "cell":
            order = []
            for p in cdl[t.name][0]:
                if p in pin:
                    order.append(pin[p])
                elif p in supply:
                    order.append(supply[p])
                else:
                    raise InputError("SPICE export: subcircuit %s pin %s is neither a pin of the netlist type nor a supply" % (t.name, p))
            lines.append("X%d %s %s" % (i, " ".join(order), t.name))
        elif t.kind in ("nmos", "pmos"):
            model, size = conv[t.kind]
            bulk = "0" if t.kind == "nmos" else "vdd"
            lines.append("M%d %s %s %s %s %s %s" % (i, pin["D"], pin["G"], pin["S"], bulk, model, size))
        elif t.kind == "bitcell":
            lines.append("X%d %s %s %s vdd 0 %s" % (i, pin["WL"], pin["BL"], pin["BLB"], BITCELL_SUBCKT))
        else:
            raise InputError("SPICE export: cell type %r has kind %r, which has no SPICE form" % (t.name, t.kind))
    return lines


def write_spice(netlist: Netlist, path: Path | str, tech, stand_in_models: bool = True) -> None:
    """Write the SPICE netlist of `netlist` to `path` atomically."""
    atomic_write_text(path, spice_text(netlist, tech, stand_in_models))
