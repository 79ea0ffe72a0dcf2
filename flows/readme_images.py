#!/usr/bin/env python3
"""Regenerate the images the README shows (docs/images/), each from the command a user
would run, so the pictures always match the code:

    docs/images/gds_brom_asap7.png    romalayout gds brom --depth 64 --width 16 --pdk asap7
    docs/images/gds_fused_asap7.png   romalayout fused --pdk asap7 --depth 16 --group 8 --gds (the fused design)
    docs/images/gds_brom_compute_asap7.png  the same run's brom+compute design
    docs/images/congestion_brom_asap7.png   romalayout place brom --depth 1024 --width 64 --pdk asap7
    docs/images/fig12_<pdk>.png       romalayout fused --pdk <pdk> (default L-unit slice)
    docs/images/chip_*.png            romalayout chip figures

About five minutes on a 2-core machine (the two default fused runs dominate).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from romalayout.cli import main as romalayout

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"


def run(*args: str) -> None:
    if romalayout(list(args)):
        raise SystemExit("romalayout %s failed" % " ".join(args))


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        run("gds", "brom", "--depth", "64", "--width", "16", "--pdk", "asap7", "--out", str(t / "gds"))
        shutil.copyfile(t / "gds" / "design.png", IMAGES / "gds_brom_asap7.png")
        run("fused", "--pdk", "asap7", "--depth", "16", "--group", "8", "--gds", "--out", str(t / "fg"))
        shutil.copyfile(t / "fg" / "fused" / "design.png", IMAGES / "gds_fused_asap7.png")
        shutil.copyfile(t / "fg" / "brom+compute" / "design.png", IMAGES / "gds_brom_compute_asap7.png")
        run("place", "brom", "--depth", "1024", "--width", "64", "--pdk", "asap7", "--out", str(t / "pl"))
        shutil.copyfile(t / "pl" / "congestion.png", IMAGES / "congestion_brom_asap7.png")
        for pdk in ("asap7", "sky130"):
            run("fused", "--pdk", pdk, "--out", str(t / ("f_" + pdk)))
            shutil.copyfile(t / ("f_" + pdk) / "fig12.png", IMAGES / ("fig12_%s.png" % pdk))
        run("chip", "figures", "--out", str(t / "chip"))
        for png in sorted((t / "chip").glob("*.png")):
            shutil.copyfile(png, IMAGES / ("chip_" + png.name))
    print("wrote %s" % ", ".join(sorted(p.name for p in IMAGES.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
