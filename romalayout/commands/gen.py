"""`romalayout gen {rom,brom,sram,compute} ...`: netlist, Verilog, SPICE, contents and counts."""

from __future__ import annotations

import json
import time

from romalayout.commands.options import add_design_options, design_from_args
from romalayout.contents import to_readmemh
from romalayout.count import COSTS, count
from romalayout.design import readback
from romalayout.errors import RomalayoutError
from romalayout.fileio import staged_directory


def register(sub) -> None:
    p = sub.add_parser("gen", help="generate a netlist with Verilog, SPICE, contents and counts")
    add_design_options(p)
    p.add_argument("--cost", choices=COSTS, default="pdk", help="transistor cost table (default: pdk)")
    p.add_argument("--no-verify", action="store_true", help="skip reading every address back in the simulator")
    p.add_argument("--no-spice", action="store_true", help="skip the SPICE netlist")
    p.add_argument("--out", required=True, help="output directory")
    p.set_defaults(func=run)


def run(args) -> int:
    tech, design = design_from_args(args)
    t0 = time.perf_counter()
    counts = count(design.netlist, tech, args.cost).to_json()
    counts.update(design.fold_report())
    if design.contents is not None and not args.no_verify:
        check = readback(design)
        if check["mismatched_bits"]:
            raise RomalayoutError("read-back failed: %d bits differ from the contents" % check["mismatched_bits"])
        counts["readback"] = check
    from romalayout.export.spice import write_spice
    from romalayout.export.verilog import write_verilog

    with staged_directory(args.out) as d:
        write_verilog(design.netlist, d / "design.v", tech)
        if not args.no_spice:
            write_spice(design.netlist, d / "design.sp", tech)
        if design.contents is not None and design.kind in ("rom", "brom"):
            (d / "contents.hex").write_text(to_readmemh(design.contents))
        (d / "counts.json").write_text(json.dumps(counts, indent=1, sort_keys=True) + "\n")
    print(
        "%s %s: %d transistors (%s), %d instances, %d nets -> %s (%.2f s)"
        % (design.kind, tech.name, counts["transistors"]["total"], args.cost, counts["instances"], counts["nets"], args.out, time.perf_counter() - t0)
    )
    return 0
