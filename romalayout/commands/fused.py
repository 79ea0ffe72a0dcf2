"""`romalayout fused [--pdk sky130|asap7] [--depth D --width W --group G --weight-bits B] --out DIR [--gds]`.

Builds the four L-unit designs of the paper's Fig. 12 (sram+compute, rom+compute,
brom+compute, fused) holding the same random quantized groups, sizes them, checks each
netlist against romalayout.lunit.group_dot_exact, measures power, and writes
DIR/fused.json and DIR/fig12.png; with --gds also DIR/<design>/design.{gds,lyp,png}
(side-by-side designs: memory macro left, compute macro right). See romalayout/fused/README.md.
"""

from __future__ import annotations

import json
import time

from romalayout.commands.options import _positive_int
from romalayout.errors import InputError
from romalayout.fileio import staged_directory

DEFAULT_DEPTH = 1024  # see romalayout/fused/README.md: the chip model's 14,236 words is too slow for a default


def register(sub) -> None:
    p = sub.add_parser("fused", help="the four L-unit designs of Fig. 12 (SRAM/ROM/B-ROM + compute, fused): area and power")
    p.add_argument("--pdk", default="sky130", help="PDK name (default sky130; see `romalayout pdk list`)")
    p.add_argument("--depth", type=_positive_int, default=DEFAULT_DEPTH, help="groups (memory words) per slice, a multiple of 4 (default %d)" % DEFAULT_DEPTH)
    p.add_argument("--width", type=_positive_int, help="memory word width; must be G*B + 18 (one group per word; the default)")
    p.add_argument("--group", type=_positive_int, default=128, help="weights per group (default 128)")
    p.add_argument("--weight-bits", type=int, choices=(2, 4), default=2, help="UInt2 or UInt4 weights (default 2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights and of the stimulus (default 0)")
    p.add_argument("--cycles", type=_positive_int, default=256, help="simulated cycles for the activity (default 256)")
    p.add_argument("--frequency-mhz", type=float, default=None, help="clock (default: the PDK's, 500 MHz as in the paper)")
    p.add_argument("--max-layer", help="highest routing layer (default: all but the top one)")
    for name, default, what in (
        ("base-target", 0.70, "standard-cell density"),
        ("metal-target", 0.80, "track use by standard-cell nets"),
        ("array-metal-target", 1.00, "track use by array lines"),
    ):
        p.add_argument("--" + name, type=float, default=default, help="%s ceiling (default %.2f)" % (what, default))
    p.add_argument("--style", choices=("compiler", "array"), default="compiler",
                   help="compiler (default): each memory a folded macro with periphery and supply ring (the fused cell "
                        "gets a ring too); array: the bare unfolded arrays, as estimated before folding")
    p.add_argument("--max-aspect", type=float, default=2.0, help="largest aspect ratio of a memory macro's fold (default 2.0)")
    p.add_argument("--search", action="store_true",
                   help="search the fused cell's candidate-line layers and region shape for the least area "
                        "(fused.json gains search; several fused sizings, minutes at the default depth)")
    p.add_argument("--gds", action="store_true", help="also write DIR/<design>/design.gds, .lyp and .png")
    p.add_argument("--out", required=True, help="output directory")
    p.set_defaults(func=run)


def run(args) -> int:
    from romalayout.fused.designs import control, evaluate, make_slice
    from romalayout.fused.lunit_netlist import check_config
    from romalayout.fused.report import report, write_fig12
    from romalayout.place.rules import Targets, default_rules
    from romalayout.tech import load_technology

    check_config(args.depth, args.group, args.weight_bits, args.width)
    if args.cycles < 2:
        raise InputError("--cycles must be at least 2, got %d, expected >= 2" % args.cycles)
    if args.frequency_mhz is not None and not args.frequency_mhz > 0:
        raise InputError("--frequency-mhz must be > 0, got %r, expected a positive number" % args.frequency_mhz)
    targets = Targets(base=args.base_target, metal=args.metal_target, array_metal=args.array_metal_target)
    tech = load_technology(args.pdk)
    rules = default_rules(tech, args.max_layer)
    t0 = time.perf_counter()
    if not args.max_aspect >= 1.0:
        raise InputError("--max-aspect must be >= 1 (long side / short side), got %r" % args.max_aspect)
    sl = make_slice(tech, args.depth, args.group, args.weight_bits, args.seed, args.cycles, targets, rules, args.frequency_mhz,
                    style=args.style, max_aspect=args.max_aspect)
    results = evaluate(sl, seed=args.seed, search=args.search)
    bad = [r.name for r in results if not r.extra["function"]["ok"]]
    if bad:
        raise InputError("functional check failed for %s (a bug; please report)" % ", ".join(bad))
    illegal = [r.name for r in results if not r.extra.get("legality", {"legal": True})["legal"]]
    if illegal:
        raise InputError("fused placement is not legal for %s (a bug; please report)" % ", ".join(illegal))
    rep = report(sl, results, control(sl))
    with staged_directory(args.out) as d:
        (d / "fused.json").write_text(json.dumps(rep, indent=1, sort_keys=True) + "\n")
        write_fig12(rep, d / "fig12.png")
        if args.gds:
            from romalayout.commands.gds import write_views
            from romalayout.fused.layouts import layout_of

            drawn: dict = {}
            for r in results:
                lay = layout_of(r, drawn)
                write_views(tech, lay, d / r.name)
                tracks = dict(lay.tracks)
                print("%-13s GDS: %d route segments illegal (clashing: drawn and counted), %d moved" % (r.name, tracks.get("illegal", 0), tracks.get("moved", 0)))
    for dj in rep["designs"]:
        print("%-13s %s: %12.1f um^2  %9.4g mW  base %.3f" % (dj["name"], tech.name, dj["area_um2"], dj["power_mw"], dj["base_utilization"]))
    s = rep["fused_saving"].get("brom+compute", {})
    c = rep.get("control", {})
    print("fused vs brom+compute: area %+.1f%%, power %+.1f%%; vs B-ROM macro + compute in the fused flow: area %+.1f%% -> %s (%.1f s)"
          % (-100 * s.get("area", 0), -100 * s.get("power", 0), -100 * c.get("fused_saving_area", 0), args.out, time.perf_counter() - t0))
    return 0
