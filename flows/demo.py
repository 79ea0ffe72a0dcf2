#!/usr/bin/env python3
"""The demo flow (the README's main job): one small ROM and B-ROM holding the same random
weights, in ASAP7 and SKY130, taken through every stage into out/demo/:

    out/demo/<pdk>/<kind>/  design.v, design.sp, contents.hex, counts.json   (romalayout gen)
                            utilization.json, congestion.png                (romalayout place)
                            design.gds, design.lyp, design.png              (romalayout gds)
    out/demo/chip/          the chip model's figures and data               (romalayout chip figures)

then prints a side-by-side summary. About a minute on a 2-core machine (most of it drawing
the GDS routes on tracks).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from romalayout.cli import main as romalayout

OUT = Path(__file__).resolve().parents[1] / "out" / "demo"
DEPTH, WIDTH, SEED = 256, 64, 1


def run(*args: str) -> None:
    rc = romalayout(list(args))
    if rc:
        raise SystemExit("romalayout %s failed with status %d" % (" ".join(args), rc))


def main() -> int:
    rows = []
    for pdk in ("asap7", "sky130"):
        for kind in ("rom", "brom"):
            d = OUT / pdk / kind
            common = [kind, "--depth", str(DEPTH), "--width", str(WIDTH), "--seed", str(SEED), "--pdk", pdk, "--out", str(d)]
            run("gen", *common)
            run("place", *common)
            run("gds", *common)
            c = json.loads((d / "counts.json").read_text())
            u = json.loads((d / "utilization.json").read_text())
            rows.append((pdk, kind, c["transistors"]["total"], c["lines"]["horizontal"], u["area_um2"], u["base_utilization"], u["binding_layer"]))
    run("chip", "figures", "--out", str(OUT / "chip"))
    print()
    print("%dx%d, seed %d: every address read back bit-exact (counts.json 'readback')" % (DEPTH, WIDTH, SEED))
    print("%-7s %-5s %12s %8s %12s %6s %s" % ("pdk", "kind", "transistors", "H lines", "area_um2", "base", "binding"))
    for pdk, kind, t, h, a, b, bind in rows:
        print("%-7s %-5s %12d %8d %12.1f %6.3f %s" % (pdk, kind, t, h, a, b, bind))
    print("outputs in %s (open a GDS with: klayout out/demo/asap7/brom/design.gds -l out/demo/asap7/brom/design.lyp)" % OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
