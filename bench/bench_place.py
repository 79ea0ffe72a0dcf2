"""Placement + utilization speed and memory of the B-ROM, 1 kbit to 1 Mbit (issue 5).

    python3 bench/bench_place.py [--pdk sky130] [--kind brom] [--width 64] [--style compiler|array]

Each size runs in a fresh subprocess so its peak RSS is its own. "plan" is the fold search
(compiler style, romalayout.place.plan.choose_fold); "gen" the netlist of the chosen fold;
"place" is size_macro (floorplan, placement, route estimate, layer assignment, utilization
maps, all sizing rounds); "legal" is the shapely STRtree legality check; the goal is
plan + place + legal <= 30 s at 1 Mbit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
from romalayout.tech import load_technology
from romalayout.design import build
from romalayout.place.sizing import size_macro
from romalayout.place.placer import check_legality
from romalayout.design import memory_contents
from romalayout.place.plan import choose_fold
pdk, kind, depth, width, style = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
tech = load_technology(pdk)
tp = time.perf_counter()
fold = None
if style == "compiler":
    fold, _ = choose_fold(tech, kind, memory_contents(kind, depth, width, 0))
t0 = time.perf_counter(); d = build(tech, kind, depth, width, seed=0, style=style, fold=fold); t1 = time.perf_counter()
m = size_macro(d.netlist, tech, max_aspect=2.0 if style == "compiler" else None); t2 = time.perf_counter()
leg = check_legality(m.placement); t3 = time.perf_counter()
assert leg.ok, leg
r = m.floorplan.region
print(json.dumps({"instances": d.netlist.n_instances, "plan_s": t0 - tp, "gen_s": t1 - t0, "place_s": t2 - t1, "legal_s": t3 - t2,
                  "iterations": m.iterations, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "fold": "%dx%d" % (fold.words_per_row, fold.banks) if fold else "-", "aspect": max(r.width_um, r.height_um) / min(r.width_um, r.height_um)}))
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdk", default="sky130")
    ap.add_argument("--kind", default="brom")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--style", choices=("compiler", "array"), default="compiler")
    args = ap.parse_args(argv)
    print("%s %s, width %d, %s style" % (args.pdk, args.kind, args.width, args.style))
    print("%9s %6s %10s %6s %6s %8s %8s %8s %5s %8s %6s %12s" % ("bits", "fold", "instances", "plan_s", "gen_s", "place_s", "legal_s", "total_s", "iters", "rss_mb", "aspect", "us/instance"))
    for depth in (16, 64, 256, 1024, 4096, 16384):
        r = subprocess.run([sys.executable, "-c", CHILD, args.pdk, args.kind, str(depth), str(args.width), args.style], capture_output=True, text=True, check=True)
        j = json.loads(r.stdout.strip().splitlines()[-1])
        total = j["plan_s"] + j["place_s"] + j["legal_s"]
        print("%9d %6s %10d %6.2f %6.2f %8.2f %8.2f %8.2f %5d %8.0f %6.2f %12.2f" % (depth * args.width, j["fold"], j["instances"], j["plan_s"], j["gen_s"], j["place_s"], j["legal_s"], total, j["iterations"], j["rss_mb"], j["aspect"], 1e6 * total / j["instances"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
