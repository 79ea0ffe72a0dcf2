#!/usr/bin/env python3
"""Benchmark of the GDS of the 1 Mbit B-ROM (depth 16384, width 64, ASAP7): time of the
GDS step (placement result -> track assignment -> Layout -> gdstk library -> file) and the file size; the
placement and PNG times are printed separately.

    python3 bench/bench_gds.py [--depth 16384] [--width 64] [--pdk asap7] [--png]

Targets (issue 7): GDS in <= 10 s and < 100 MB on disk.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", default="brom")
    ap.add_argument("--depth", type=int, default=16384)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--pdk", default="asap7")
    ap.add_argument("--png", action="store_true", help="also render the PNG (timed separately)")
    args = ap.parse_args()

    from romalayout.design import build
    from romalayout.gds.adapt import assigned_routes, layout_from_sized
    from romalayout.gds.write import build_library, write_gds
    from romalayout.place.sizing import size_macro
    from romalayout.tech import load_technology

    tech = load_technology(args.pdk)
    t0 = time.perf_counter()
    design = build(tech, args.kind, args.depth, args.width)
    sized = size_macro(design.netlist, tech)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "design.gds")
        asg = assigned_routes(sized)
        layout = layout_from_sized(sized, assigned=asg)
        t2 = time.perf_counter()
        write_gds(build_library(tech, layout), path)
        t3 = time.perf_counter()
        size_mb = os.path.getsize(path) / 1e6
        print("%s %dx%d %s: netlist+placement %.2f s; GDS %.2f s (adapt %.2f, library+write %.2f), %.1f MB"
              % (args.kind, args.depth, args.width, args.pdk, t1 - t0, t3 - t1, t2 - t1, t3 - t2, size_mb))
        print("tracks: %d segments moved, %d spilled, %d illegal (clashing, drawn and counted)" % (asg.moved, asg.spilled, asg.illegal))
        if args.png:
            from romalayout.gds.layers import lyp_text
            from romalayout.gds.render import render_png

            lyp = os.path.join(d, "design.lyp")
            with open(lyp, "w") as f:
                f.write(lyp_text(tech))
            t4 = time.perf_counter()
            render_png(path, lyp, os.path.join(d, "design.png"))
            print("PNG %.2f s" % (time.perf_counter() - t4))
    ok = t3 - t1 <= 10.0 and size_mb < 100.0
    print("targets (<= 10 s, < 100 MB): %s" % ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
