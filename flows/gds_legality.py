#!/usr/bin/env python3
"""How legal are the drawn routes? The GDS of each design, checked by KLayout.

For each design (kind, size, PDK): the track assigner's counts (illegal = segments left on a
clashing track, moved, spilled), KLayout's width and space violations of every merged metal
layer of the written GDS (the checks of tests/gds, with the tech LEF's width and spacing),
and how many standard-cell pins the drawing joins: branches of the placement's estimate
(pins at cell centres; a pin on its trunk's line got none) against the drawn segments
(romalayout/gds/pins.py: one branch per pin, a trunk per net).

    python3 flows/gds_legality.py            # the table of romalayout/gds/README.md, ~5 min
    python3 flows/gds_legality.py --slow     # plus the ASAP7 group-1 compute cell with 32 rip-up rounds (~3 min more)

Writes out/gds_legality.json (--out) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

# (pdk, kind, depth or group, width, seed, rip-up rounds)
DESIGNS = [(p, k, 32, 8, 1, 16) for p in ("sky130", "asap7") for k in ("rom", "brom", "sram")] + [
    (p, "brom", 64, 16, 0, 16) for p in ("sky130", "asap7")] + [
    (p, "compute", g, None, 0, 16) for g in (1, 8) for p in ("sky130", "asap7")]
SLOW = [("asap7", "compute", 1, None, 0, 32)]


def measure(pdk: str, kind: str, size: int, width, seed: int, rounds: int) -> dict:
    import numpy as np

    from romalayout.design import build
    from romalayout.gds.adapt import assigned_routes, assignment_inputs, layout_from_sized, route_segments
    from romalayout.gds.check import rule_violations
    from romalayout.gds.write import build_library, write_gds
    from romalayout.place.sizing import size_macro
    from romalayout.tech import load_technology

    tech = load_technology(pdk)
    design = build(tech, kind, None, None, group=size) if kind == "compute" else build(tech, kind, size, width, seed=seed)
    sm = size_macro(design.netlist, tech)
    t0 = time.perf_counter()
    asg = assigned_routes(sm, rounds=rounds)
    t1 = time.perf_counter()
    est, drawn = route_segments(sm.routes), assignment_inputs(sm)[0]
    violations = {}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "design.gds"
        write_gds(build_library(tech, layout_from_sized(sm, assigned=asg)), path)
        for m in tech.metals:
            w, s = rule_violations(path, m.gds, m.width_um, m.spacing_um)
            if w or s:
                violations[m.name] = {"width": w, "space": s}
    return {
        "pdk": pdk, "kind": kind, "size": "group %d" % size if kind == "compute" else "%d x %d, seed %d" % (size, width, seed),
        "ripup_rounds": rounds, "assign_s": round(t1 - t0, 1),
        "illegal": asg.illegal, "moved": asg.moved, "spilled": asg.spilled, "unjoined": asg.unjoined,
        "klayout_space": sum(v["space"] for v in violations.values()), "klayout_width": sum(v["width"] for v in violations.values()),
        "klayout_by_layer": violations,
        "branches_estimate": int((~np.asarray(est.is_trunk)).sum()), "branches_drawn": int((~np.asarray(drawn.is_trunk)).sum()),
        "trunks_estimate": int(np.asarray(est.is_trunk).sum()), "trunks_drawn": int(np.asarray(drawn.is_trunk).sum()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slow", action="store_true", help="also the designs that need many rip-up rounds")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "out" / "gds_legality.json"))
    args = ap.parse_args()
    from romalayout.fileio import atomic_write_text

    rows = []
    print("%-7s %-8s %-16s %6s %8s %7s %7s %7s %11s %9s" % ("pdk", "kind", "size", "rounds", "illegal", "kl_spc", "kl_wid", "moved",
                                                              "branches", "trunks"))
    for spec in DESIGNS + (SLOW if args.slow else []):
        r = measure(*spec)
        rows.append(r)
        print("%-7s %-8s %-16s %6d %8d %7d %7d %7d %5d->%-5d %4d->%-4d" % (
            r["pdk"], r["kind"], r["size"], r["ripup_rounds"], r["illegal"], r["klayout_space"], r["klayout_width"], r["moved"],
            r["branches_estimate"], r["branches_drawn"], r["trunks_estimate"], r["trunks_drawn"]), flush=True)
    atomic_write_text(args.out, json.dumps({"designs": rows}, indent=1, sort_keys=True) + "\n")
    print("-> %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
