#!/usr/bin/env python3
"""Is the compute cell's placement routable by a real maze router? qrouter on our placement.

Our own router is a track assigner (romalayout/gds/assign.py): it puts the routing estimate's
segments on tracks and counts the segments it leaves on a clashing track ("illegal"). A low
illegal count says little about whether a detailed router could connect every net without
shorts in the same placement. This flow answers that with an independent tool: it builds the
compute cell (sky130 or asap7, --group G), sizes and places it (romalayout.place.sizing),
writes the placement as DEF with NETS (romalayout/gds/def_.py) plus a clean cell LEF of the
used macros, and runs the Debian `qrouter` headless with a bounded script (stage1; stage2
effort 10 and 20; stage3; stage2; cleanup; write_def; write_failed). Reported: qrouter's wall
time, nets total, nets qrouter failed to route (its .fail file), KLayout width / space
violations per metal layer of the routed DEF (routes + vias + cell pins and obstructions,
merged, with the cells alone as the baseline the LEF abstracts already carry), and our track
assigner's illegal count on the same placement. Printed as a table and written as JSON.

    python3 flows/qrouter_compute.py --pdk sky130 --group 8      # ~5 min

qrouter gotchas (found by hand): it stops reading a LEF at the first END LIBRARY (the SKY130
merged cell LEF concatenates per-cell LEFs, so only clean MACRO blocks are copied); its grid
comes from the DEF TRACKS; it writes its vias before the DEF's PINS line; a net's `- name`
must be on its own line; ASAP7 needs the DEF at 1000 dbu (its 1x LEFs).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# qrouter set-up per PDK: routing layers used (from the bottom), power and ground net names,
# DEF units per um.
PDKS = {
    "sky130": {"layers": ("li1", "met1", "met2", "met3", "met4"), "vdd": "VPWR", "gnd": "VGND", "dbu": 1000},
    "asap7": {"layers": ("M1", "M2", "M3", "M4", "M5", "M6"), "vdd": "VDD", "gnd": "VSS", "dbu": 1000},
}
OUT = Path(__file__).resolve().parents[1] / "out" / "qrouter_compute.json"


def clean_lef(src: Path, macros: set[str]) -> str:
    """The MACRO blocks of `src` named in `macros` (first definition of each), as one LEF with a
    single header and END LIBRARY."""
    out = ["VERSION 5.7 ;", 'BUSBITCHARS "[]" ;', 'DIVIDERCHAR "/" ;']
    cur, keep, seen = None, False, set()
    for line in src.read_text(encoding="utf-8", errors="replace").splitlines():
        t = line.split()
        if cur is None and len(t) >= 2 and t[0] == "MACRO":
            cur = t[1]
            keep = cur in macros and cur not in seen
            seen.add(cur)
        if cur is not None and keep:
            out.append(line)
        if cur is not None and len(t) == 2 and t[0] == "END" and t[1] == cur:
            cur = None
    missing = macros - seen
    if missing:
        raise SystemExit("romalayout: error: macros missing from %s: %s" % (src, " ".join(sorted(missing))))
    return "\n".join(out + ["END LIBRARY", ""])


def script(tech_lef: Path, cell_lef: Path, cfg: dict, in_def: Path, out_def: Path) -> str:
    return "\n".join([
        "verbose 1", "read_lef %s" % tech_lef, "read_lef %s" % cell_lef, "layers %d" % len(cfg["layers"]),
        "via stack 2", "vdd %s" % cfg["vdd"], "gnd %s" % cfg["gnd"], "read_def %s" % in_def,
        "stage1", "stage2 mask none effort 10", "stage2 mask none effort 20", "stage3", "stage2 mask none",
        "cleanup all", "write_def %s" % out_def, "write_failed %s" % out_def.with_suffix(".fail"), "quit", ""])


def failed_nets(path: Path) -> int | None:
    """Number of nets in qrouter's .fail file (None: no file)."""
    if not path.exists():
        return None
    lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    if lines and lines[0].split()[0].isdigit() and "failed" in lines[0]:
        return int(lines[0].split()[0])
    return sum(1 for ln in lines if "failed" not in ln)


def klayout_violations(tech, tech_lef: Path, cell_lef: Path, routed_def: Path, layers) -> dict:
    """{layer: counts} of width and space violations of the merged routed geometry (wires, vias,
    LEF pins and OBS) and of the cells alone, with the layer's WIDTH and SPACING (tech.metals)."""
    import klayout.db as kdb

    opt = kdb.LoadLayoutOptions()
    c = opt.lefdef_config
    c.lef_files = [str(tech_lef), str(cell_lef)]
    c.read_lef_with_def = False
    c.produce_lef_pins = True
    c.produce_obstructions = True
    c.produce_via_geometry = True
    ly = kdb.Layout()
    ly.read(str(routed_def), opt)
    top = ly.top_cell()
    index = {ly.get_info(i).name: i for i in ly.layer_indexes()}
    metals = {m.name: m for m in tech.metals}
    out = {}
    for lay in layers:
        m = metals[lay]
        # Region(iterator) applies the instance transformations (vias are cell instances);
        # Region.insert(iterator) does not (KLayout 0.30).
        part = {k: kdb.Region(top.begin_shapes_rec(index[lay + k])) if lay + k in index else kdb.Region()
                for k in ("", ".PIN", ".OBS")}
        route, cells = part[""], part[".PIN"] + part[".OBS"]
        allr = (route + cells).merged()
        cm = cells.merged()
        s, w = int(round(m.spacing_um / ly.dbu)), int(round(m.width_um / ly.dbu))
        out[lay] = {"width_um": m.width_um, "spacing_um": m.spacing_um, "route_shapes": route.count(),
                    "space": allr.space_check(s).count(), "space_cells": cm.space_check(s).count(),
                    "width": allr.width_check(w).count(), "width_cells": cm.width_check(w).count()}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdk", choices=sorted(PDKS), default="sky130")
    ap.add_argument("--group", type=int, default=8)
    ap.add_argument("--timeout-s", type=float, default=1200.0)
    ap.add_argument("--out", default=str(OUT), help="JSON report (default out/qrouter_compute.json)")
    ap.add_argument("--keep", help="directory to keep the DEF / LEF / script / routed DEF in (default: a temp dir)")
    a = ap.parse_args(argv)
    qrouter = shutil.which("qrouter")
    if qrouter is None:
        print("romalayout: error: qrouter not found (apt-get install qrouter)", file=sys.stderr)
        return 2

    from romalayout.design import build
    from romalayout.fileio import atomic_write_text
    from romalayout.gds.adapt import assigned_routes, layout_from_sized
    from romalayout.gds.def_ import def_nets_of, def_text
    from romalayout.gds.lef import cell_lef_path, tech_lef_path
    from romalayout.place.sizing import size_macro
    from romalayout.tech import load_technology

    cfg = PDKS[a.pdk]
    tech = load_technology(a.pdk)
    t0 = time.perf_counter()
    sm = size_macro(build(tech, "compute", None, None, group=a.group).netlist, tech)
    asg = assigned_routes(sm)
    layout = layout_from_sized(sm, assigned=asg)
    nets = def_nets_of(sm)
    t_place = time.perf_counter() - t0
    if layout.grids:
        print("note: %d array/edge devices have no pins in the DEF (their nets are routed without them)"
              % sum(int((g.state > 0).sum()) for g in layout.grids), file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="qrouter_compute_") as tmp:
        d = Path(a.keep) if a.keep else Path(tmp)
        d.mkdir(parents=True, exist_ok=True)
        tlef = tech_lef_path(tech).resolve()
        clef, in_def, out_def, tcl = d / "cells.lef", d / "placed.def", d / "routed.def", d / "route.tcl"
        clef.write_text(clean_lef(cell_lef_path(tech), set(layout.cells.macros)))
        in_def.write_text(def_text(tech, layout, nets=nets, dbu=cfg["dbu"]))
        tcl.write_text(script(tlef, clef.resolve(), cfg, in_def.resolve(), out_def.resolve()))
        t1 = time.perf_counter()
        timed_out = False
        with open(d / "qrouter.log", "w") as log:
            try:
                rc = subprocess.run([qrouter, "-nog", "-noc", "-s", str(tcl)], cwd=d, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=a.timeout_s).returncode
            except subprocess.TimeoutExpired:
                rc, timed_out = None, True
        wall = time.perf_counter() - t1
        failed = failed_nets(out_def.with_suffix(".fail"))
        viol = klayout_violations(tech, tlef, clef, out_def, cfg["layers"]) if out_def.exists() else {}

    rep = {"pdk": a.pdk, "group": a.group, "cells": int(layout.cells.count), "die_um": [layout.width_um, layout.height_um],
           "place_s": round(t_place, 2), "qrouter_wall_s": round(wall, 1), "qrouter_rc": rc, "timed_out": timed_out,
           "timeout_s": a.timeout_s, "layers": list(cfg["layers"]), "nets_total": nets.n_nets, "nets_failed": failed,
           "failed_fraction": round(failed / nets.n_nets, 4) if failed is not None and nets.n_nets else None,
           "track_assigner_illegal": int(asg.illegal), "klayout": viol}
    print("qrouter %s group %d: %d cells, die %.1f x %.1f um, place %.1f s" % (a.pdk, a.group, rep["cells"], layout.width_um,
                                                                              layout.height_um, t_place))
    print("qrouter wall %.1f s (rc %s%s); nets %d, failed %s (%s); our track assigner: %d illegal segments"
          % (wall, rc, ", TIMED OUT" if timed_out else "", nets.n_nets, failed,
             "%.1f %%" % (100 * rep["failed_fraction"]) if rep["failed_fraction"] is not None else "-", asg.illegal))
    if viol:
        print("%-6s %7s %7s %8s %12s %8s %12s" % ("layer", "width", "space", "shapes", "space_viol", "(cells)", "width_viol  (cells)"))
        for lay, v in viol.items():
            print("%-6s %7.3f %7.3f %8d %12d %8d %12d %6d" % (lay, v["width_um"], v["spacing_um"], v["route_shapes"], v["space"],
                                                           v["space_cells"], v["width"], v["width_cells"]))
    atomic_write_text(a.out, json.dumps(rep, indent=1) + "\n")
    print("-> %s" % a.out)
    return 0 if rc == 0 and not timed_out else 1


if __name__ == "__main__":
    sys.exit(main())
