#!/usr/bin/env python3
"""Chip area roll-up with the L-units taken from this project's own ASAP7 layout estimate
instead of the chip model's documented density (issue 8, item 6).

1. Size the ASAP7 L-unit slice (B-ROM + compute cell, separate macros: in this model the
   fused cell is larger, see romalayout/fused/README.md) at two depths with `romalayout fused`.
2. Fit the B-ROM macro area linearly in depth (array rows and decoder grow with it; CGen
   per block too) and extrapolate to the chip's words per compute cell:
   rom_capacity / (L-units x compute cells) / bits per group.
3. L-unit area = L-units x compute cells x (B-ROM(words) + compute cell); chip area and
   power from `romalayout.chip.area.area_power(l_unit_area_mm2=...)`, beside Table I.

    python3 flows/chip_area_from_layout.py [--depths 512 1024]     (~2 minutes)

Writes out/chip_area_from_layout.json and prints the comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from romalayout.chip.area import area_power
from romalayout.chip.spec import load_spec
from romalayout.cli import main as romalayout
from romalayout.fileio import atomic_write_text

OUT = Path(__file__).resolve().parents[1] / "out"
MIB = 1 << 20


def slice_areas(depth: int, group: int, weight_bits: int, tmp: Path) -> dict:
    out = tmp / ("d%d" % depth)
    if romalayout(["fused", "--pdk", "asap7", "--depth", str(depth), "--group", str(group),
                   "--weight-bits", str(weight_bits), "--out", str(out)]):
        raise SystemExit("romalayout fused failed at depth %d" % depth)
    designs = {d["name"]: d for d in json.loads((out / "fused.json").read_text())["designs"]}
    macros = designs["brom+compute"]["macros"]
    return {"depth": depth, "memory_um2": macros["memory"]["area_um2"], "compute_um2": macros["compute"]["area_um2"],
            "fused_um2": designs["fused"]["area_um2"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", type=int, nargs=2, default=[512, 1024])
    args = ap.parse_args()
    spec = load_spec()
    group = int(spec["l_unit.group_size_weights"])
    wbits = int(spec["l_unit.pass_weight_bits"])
    word_bits = group * wbits + int(spec["l_unit.scale_bits"]) + int(spec["l_unit.zero_point_bits"])
    cells = spec.matrix_units * int(spec["l_unit.compute_cells"])
    words = spec["l_unit.rom_capacity_mib"] * MIB * 8 / cells / word_bits
    with tempfile.TemporaryDirectory() as tmp:
        pts = [slice_areas(d, group, wbits, Path(tmp)) for d in args.depths]
    (d0, m0), (d1, m1) = [(p["depth"], p["memory_um2"]) for p in pts]
    slope = (m1 - m0) / (d1 - d0)
    memory_um2 = m1 + slope * (words - d1)
    compute_um2 = pts[-1]["compute_um2"]
    l_unit_mm2 = cells * (memory_um2 + compute_um2) / 1e6
    ours = area_power(spec, l_unit_area_mm2=l_unit_mm2).to_json()
    density = area_power(spec).to_json()
    result = {
        "words_per_compute_cell": words, "word_bits": word_bits, "compute_cells": cells,
        "slices": pts, "brom_um2_per_word": slope, "brom_macro_um2_at_full_depth": memory_um2,
        "compute_cell_um2": compute_um2, "l_unit_total_mm2": l_unit_mm2,
        "chip_total_mm2": ours["total_mm2"], "chip_power_w": ours["power_w"],
        "chip_total_mm2_with_density": density["total_mm2"], "table1_area_mm2": 503.7, "table1_power_w": 33.1,
    }
    atomic_write_text(OUT / "chip_area_from_layout.json", json.dumps(result, indent=1, sort_keys=True) + "\n")
    print("ASAP7 slice (B-ROM macro + compute cell, W = %d): %s" % (word_bits, ", ".join(
        "depth %d: B-ROM %.0f um^2, compute %.0f um^2, fused %.0f um^2" % (p["depth"], p["memory_um2"], p["compute_um2"], p["fused_um2"]) for p in pts)))
    print("B-ROM %.3f um^2 per word -> %.0f words per compute cell: %.0f um^2; x %d cells = L-units %.1f mm^2"
          % (slope, words, memory_um2, cells, l_unit_mm2))
    print("chip: %.1f mm^2, %.2f W with the layout estimate; %.1f mm^2 with the chip model's density; Table I: 503.7 mm^2, 33.1 W"
          % (ours["total_mm2"], ours["power_w"], density["total_mm2"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
