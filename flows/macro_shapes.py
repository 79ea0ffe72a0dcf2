"""Aspect ratio and area of the default fold of every memory kind, 1 kbit to 16 Mbit, both PDKs.

    python3 flows/macro_shapes.py [--out out] [--widths 32,64] [--sized-up-to 1048576] [--max-aspect 2.0]

For each PDK, kind (rom, brom, sram), size (1 kbit x 4^k up to 16 Mbit) and word width, the
fold `romalayout place` would choose (romalayout.place.plan.choose_fold, least planned area
within --max-aspect) and its planned macro; up to --sized-up-to bits the macro is also sized
(romalayout.place.size_macro, what `romalayout place` reports), and its aspect is the one
checked. Writes OUT/macro_shapes.csv and prints the shapes whose aspect exceeds the bound;
exits 1 if there is one.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

from romalayout.design import build, memory_contents
from romalayout.fileio import atomic_write_text
from romalayout.place.plan import aspect_ratio, choose_fold
from romalayout.place.sizing import size_macro
from romalayout.tech import load_technology

PDKS = ("sky130", "asap7")
KINDS = ("rom", "brom", "sram")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("--widths", default="32,64")
    ap.add_argument("--min-bits", type=int, default=1024)
    ap.add_argument("--max-bits", type=int, default=16 * 1024 * 1024)
    ap.add_argument("--sized-up-to", type=int, default=1024 * 1024, help="size macros up to this many bits (default 1 Mbit)")
    ap.add_argument("--max-aspect", type=float, default=2.0)
    args = ap.parse_args(argv)
    widths = [int(w) for w in args.widths.split(",")]
    rows = []
    for pdk in PDKS:
        tech = load_technology(pdk)
        bits = args.min_bits
        while bits <= args.max_bits:
            for width in widths:
                depth = bits // width
                for kind in KINDS:
                    t0 = time.perf_counter()
                    contents = memory_contents(kind, depth, width, 0)
                    fold, plans = choose_fold(tech, kind, contents, args.max_aspect)
                    plan = next(p for p in plans if p.fold == fold)
                    row = {"pdk": pdk, "kind": kind, "bits": bits, "depth": depth, "width": width,
                           "words_per_row": fold.words_per_row, "banks": fold.banks,
                           "planned_area_um2": round(plan.area_um2, 3), "planned_aspect": round(plan.aspect_ratio, 4),
                           "sized_area_um2": "", "sized_aspect": "", "seconds": 0.0}
                    if bits <= args.sized_up_to:
                        d = build(tech, kind, depth, width, seed=0, style="compiler", fold=fold)
                        r = size_macro(d.netlist, tech, max_aspect=args.max_aspect).floorplan.region
                        row["sized_area_um2"] = round(r.area_um2, 3)
                        row["sized_aspect"] = round(aspect_ratio(r.width_um, r.height_um), 4)
                    row["seconds"] = round(time.perf_counter() - t0, 2)
                    rows.append(row)
                    print("%-6s %-4s %9d bits (%6d x %3d) fold %2dx%d  planned %12.1f um^2 aspect %.2f  sized %s aspect %s  (%.1f s)"
                          % (pdk, kind, bits, depth, width, fold.words_per_row, fold.banks, plan.area_um2, plan.aspect_ratio,
                             row["sized_area_um2"] or "-", row["sized_aspect"] or "-", row["seconds"]), file=sys.stderr)
            bits *= 4
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    atomic_write_text(Path(args.out) / "macro_shapes.csv", buf.getvalue())
    over = [r for r in rows if (r["sized_aspect"] if r["sized_aspect"] != "" else r["planned_aspect"]) > args.max_aspect + 1e-9]
    print("%d shapes, %d above aspect %.2g%s" % (len(rows), len(over), args.max_aspect, ":" if over else ""))
    for r in over:
        print("  %s %s %d x %d: fold %dx%d, aspect %s" % (r["pdk"], r["kind"], r["depth"], r["width"], r["words_per_row"], r["banks"],
                                                         r["sized_aspect"] or r["planned_aspect"]))
    print("wrote %s" % (Path(args.out) / "macro_shapes.csv"))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
