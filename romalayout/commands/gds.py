"""`romalayout gds {rom,brom,sram,compute} ... --out DIR`: design.gds, design.lyp, design.png and
gds_report.json (our own drawn area per layer, romalayout/gds/report.py)."""

from __future__ import annotations

import os
import time

from romalayout.commands.options import add_design_options, design_from_args, non_negative_int
from romalayout.gds.ripup import RIPUP_ROUNDS
from romalayout.fileio import staged_directory


def register(sub) -> None:
    p = sub.add_parser("gds", help="write a GDS of the placed design with a KLayout .lyp and a PNG")
    add_design_options(p)
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--def", dest="write_def", action="store_true",
                   help="also write design.def and design.lef (placement for KLayout / OpenROAD)")
    p.add_argument("--ripup-rounds", type=non_negative_int, default=RIPUP_ROUNDS,
                   help="rip-up and re-route rounds of the track assignment, run when the first pass "
                        "leaves a few clashes (default %d; more can clear the last ones, ~a first pass each)" % RIPUP_ROUNDS)
    p.set_defaults(func=run)


def write_views(tech, layout, out_dir, placement: dict | None = None, write_def: bool = False, def_nets=None) -> dict:
    """Write design.gds, design.lyp, design.png and gds_report.json of `layout` into
    `out_dir`, atomically as a set (nothing is left on error). `placement`: the placement's
    utilization report (SizedMacro.to_json()) to copy into gds_report.json; write_def: also
    design.def and design.lef (romalayout/gds/def_.py); def_nets: the connectivity for the
    DEF's NETS (def_.DefNets, e.g. def_nets_of(sized macro); without it no NETS). Returns
    sizes and timings."""
    from romalayout.gds.layers import lyp_text
    from romalayout.gds.render import render_png
    from romalayout.gds.report import area_report, write_report
    from romalayout.gds.write import build_library, write_gds

    t0 = time.perf_counter()
    lib = build_library(tech, layout)
    with staged_directory(out_dir) as d:
        write_gds(lib, d / "design.gds")
        t1 = time.perf_counter()
        (d / "design.lyp").write_text(lyp_text(tech))
        render_png(d / "design.gds", d / "design.lyp", d / "design.png")
        size = os.path.getsize(d / "design.gds")
        t2 = time.perf_counter()
        write_report(d / "gds_report.json", area_report(tech, layout, placement))
        if write_def:
            from romalayout.gds.def_ import write_def_lef

            write_def_lef(tech, layout, d, nets=def_nets)
    return {"gds_bytes": size, "gds_s": t1 - t0, "png_s": t2 - t1, "report_s": time.perf_counter() - t2}


def run(args) -> int:
    from romalayout.gds.adapt import assigned_routes, layout_from_sized
    from romalayout.place.sizing import size_macro

    tech, design = design_from_args(args)
    t0 = time.perf_counter()
    sized = size_macro(design.netlist, tech, max_aspect=design.max_aspect)
    asg = assigned_routes(sized, rounds=args.ripup_rounds)
    layout = layout_from_sized(sized, assigned=asg)
    t1 = time.perf_counter()
    write_def = getattr(args, "write_def", False)
    nets = None
    if write_def:
        from romalayout.gds.def_ import def_nets_of

        nets = def_nets_of(sized)
    info = write_views(tech, layout, args.out, placement=sized.to_json(), write_def=write_def, def_nets=nets)
    print("%s %s: %.1f x %.1f um, GDS %.2f MB -> %s (place %.2f s, gds %.2f s, png %.2f s)"
          % (design.kind, tech.name, layout.width_um, layout.height_um, info["gds_bytes"] / 1e6, args.out,
             t1 - t0, info["gds_s"], info["png_s"]))
    print("tracks: %d segments moved, %d spilled to another layer, %d illegal (clashing: drawn and counted)"
          % (asg.moved, asg.spilled, asg.illegal))
    return 0
