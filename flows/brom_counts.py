#!/usr/bin/env python3
"""Transistor and line counts of standard ROM vs B-ROM over sizes and widths, both PDKs.

Writes out/brom_counts.csv and prints a table. Every design is also read back in full by
the simulator (the flow fails on a single wrong bit).

    python3 flows/brom_counts.py
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path


from romalayout.count import count
from romalayout.design import build, readback
from romalayout.fileio import atomic_write_text
from romalayout.tech import load_technology

OUT = Path(__file__).resolve().parents[1] / "out"
SHAPES = [(1024, 16), (1024, 64), (4096, 32), (4096, 64), (4096, 128), (16384, 64), (1024, 274)]
FIELDS = ["pdk", "depth", "width", "bits", "rom_total", "rom_array", "brom_total", "brom_array", "brom_cgen",
          "num_cgen_per_block", "array_ratio", "array_plus_cgen_ratio", "total_ratio", "rom_h_lines", "brom_h_lines", "h_line_ratio"]


def main() -> int:
    rows = []
    for pdk in ("sky130", "asap7"):
        tech = load_technology(pdk)
        for depth, width in SHAPES:
            cr = {}
            for kind in ("rom", "brom"):
                d = build(tech, kind, depth, width, seed=1)
                if readback(d)["mismatched_bits"]:
                    print("read-back failed for %s %s %dx%d" % (pdk, kind, depth, width), file=sys.stderr)
                    return 1
                cr[kind] = count(d.netlist, tech).to_json()
            r, b = cr["rom"], cr["brom"]
            rows.append({
                "pdk": pdk, "depth": depth, "width": width, "bits": depth * width,
                "rom_total": r["transistors"]["total"], "rom_array": r["transistors"]["array"],
                "brom_total": b["transistors"]["total"], "brom_array": b["transistors"]["array"],
                "brom_cgen": b["transistors"]["cgen"], "num_cgen_per_block": b["num_cgen"]["transistors_per_block"],
                "array_ratio": round(b["transistors"]["array"] / r["transistors"]["array"], 4),
                "array_plus_cgen_ratio": round((b["transistors"]["array"] + b["transistors"]["cgen"]) / r["transistors"]["array"], 4),
                "total_ratio": round(b["transistors"]["total"] / r["transistors"]["total"], 4),
                "rom_h_lines": r["lines"]["horizontal"], "brom_h_lines": b["lines"]["horizontal"],
                "h_line_ratio": round(b["lines"]["horizontal"] / r["lines"]["horizontal"], 4),
            })
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    atomic_write_text(OUT / "brom_counts.csv", buf.getvalue())
    print("%-7s %6s %4s %10s %10s %8s %8s %8s %6s" % ("pdk", "depth", "W", "rom T", "brom T", "array", "arr+cgen", "total", "H x"))
    for r in rows:
        print("%-7s %6d %4d %10d %10d %8.3f %8.3f %8.3f %6.2f" % (r["pdk"], r["depth"], r["width"], r["rom_total"], r["brom_total"],
              r["array_ratio"], r["array_plus_cgen_ratio"], r["total_ratio"], r["h_line_ratio"]))
    print("wrote out/brom_counts.csv (all designs read back bit-exact)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
