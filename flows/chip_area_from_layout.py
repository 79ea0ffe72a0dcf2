#!/usr/bin/env python3
"""The L-unit's area and per-action energies from romalayout's layout estimator, stored as
data for the chip model (issue 15, item 8).

Runs `romalayout.chip.layout.estimate_slices`: the four L-unit designs of Fig. 12 (SRAM / ROM
/ B-ROM macro + compute cell, fused cell) in ASAP7 at depths 512 and 1024 words of 274 bits,
each sized and simulated (area, power by block) by the same code as `romalayout fused`
(--style compiler by default: folded macros with periphery and supply ring). The
record goes to romalayout/data/chip/lunit_layout_asap7.json with this command, the
estimator and the commit, so rerunning this flow after the estimator changes refreshes every
chip number that depends on it (`romalayout chip area`, `chip table`, energies, Fig. 11/12).

    python3 flows/chip_area_from_layout.py [--depths 512 1024] [--style compiler|array] [--out FILE]    (~2-5 minutes)

Prints the chip area and power that follow, beside Table I.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's estimator writes this checkout's record

from romalayout.chip.layout import DATA_RESOURCE, estimate_slices  # noqa: E402
from romalayout.fileio import atomic_write_text  # noqa: E402

DEFAULT_OUT = REPO / "romalayout" / DATA_RESOURCE


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", type=int, nargs="+", default=[512, 1024])
    ap.add_argument("--style", choices=("compiler", "array"), default="compiler",
                    help="memory macros as `romalayout fused --style` builds them (default compiler, as romalayout fused)")
    ap.add_argument("--out", default=None, help="record file (default: the one the chip model reads, %s)" % DEFAULT_OUT.relative_to(REPO))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rec = estimate_slices("asap7", depths=tuple(args.depths), style=args.style)
    if args.style != "compiler":
        rec["command"] += " --style " + args.style
    out = Path(args.out) if args.out else DEFAULT_OUT
    atomic_write_text(out, json.dumps(rec, indent=1, sort_keys=True) + "\n")
    print("wrote %s (%.0f s)" % (out, time.perf_counter() - t0))
    for name, pts in rec["designs"].items():
        for p in pts:
            print("  %-13s depth %5d: area %9.1f um^2 (memory %s, compute %s), power %.3f mW" % (
                name, p["depth"], p["area_um2"], p["memory_um2"], p["compute_um2"], p["power_mw"]))
    if args.out is None:
        from romalayout.chip.area import area_report_text
        from romalayout.chip.spec import load_spec

        print(area_report_text(load_spec()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
