"""`romalayout place {rom,brom,sram,compute} --depth D --width W [--seed S] [--pdk P] --out DIR`.

Writes DIR/utilization.json (area, base and per-layer metal utilization, wire length per
layer, binding layer, per-region detail) and DIR/congestion.png. For compute, --depth and
--width are ignored; --group and --weight-bits size the compute cell (defaults 128 and 2).
"""

from __future__ import annotations

import json
import time

from romalayout.commands.options import add_design_options, design_from_args
from romalayout.errors import InputError
from romalayout.fileio import staged_directory


def register(sub) -> None:
    p = sub.add_parser("place", help="place a design, estimate routing, size the macro, report utilization")
    add_design_options(p)
    p.add_argument("--max-layer", help="highest routing layer the macro may use (default: all but the top one)")
    for name, default, what in (
        ("base-target", 0.70, "standard-cell density"),
        ("metal-target", 0.80, "track use in standard-cell regions"),
        ("array-metal-target", 1.00, "track use by array lines"),
    ):
        p.add_argument("--" + name, type=float, default=default, help="%s ceiling (default %.2f)" % (what, default))
    p.add_argument("--out", required=True, help="output directory")
    p.set_defaults(func=run)


def run(args) -> int:
    from romalayout.place.placer import check_legality
    from romalayout.place.plot import write_congestion_png
    from romalayout.place.rules import Targets, default_rules
    from romalayout.place.sizing import size_macro

    targets = Targets(base=args.base_target, metal=args.metal_target, array_metal=args.array_metal_target)
    tech, design = design_from_args(args)
    rules = default_rules(tech, args.max_layer)
    t0 = time.perf_counter()
    sized = size_macro(design.netlist, tech, targets, rules, max_aspect=design.max_aspect)
    legal = check_legality(sized.placement)
    if not legal.ok:
        raise InputError("placement is not legal: %d overlaps, %d outside (a bug; please report)" % (legal.overlaps, legal.outside))
    report = sized.to_json()
    report["legality"] = legal.to_json()
    report.update(design.fold_report())
    with staged_directory(args.out) as d:
        (d / "utilization.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
        write_congestion_png(sized, d / "congestion.png")
    fold = report["fold"]
    print(
        "%s %s (%s, %d words/row, %d bank%s): %.6g um^2 (%.4g x %.4g um, aspect %.2f), base %.1f%%, binding %s -> %s (%.2f s)"
        % (design.kind, tech.name, report["style"], fold["words_per_row"], fold["banks"], "" if fold["banks"] == 1 else "s",
           report["area_um2"], report["width_um"], report["height_um"], report["aspect_ratio"],
           100 * report["base_utilization"], report["binding_layer"], args.out, time.perf_counter() - t0)
    )
    return 0
