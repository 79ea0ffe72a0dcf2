"""romalayout's compiler-style macros against OpenRAM 1.2.48's sky130 macros, block by block.

    python3 flows/compare_openram.py [--data flows/data] [--out out]

For every macro OpenRAM compiled (flows/data/openram_sky130.csv, written by
flows/calibrate_openram.py), romalayout sizes the same kind, shape and fold twice: with its
own leaf cells (the ROM cell derived from the design rules, the PDK's 6T cell) and with
OpenRAM's measured leaf cells (--leaf-cells openram, pdk/sky130/leaf_cells.toml), so that the
periphery, ring and channels are compared on equal arrays. OpenRAM's blocks
(flows/data/openram_sky130_blocks.csv, measured from its GDS) are mapped onto romalayout's
breakdown keys (BLOCK_MAP); what a container holds beyond its measured children is its
internal whitespace and goes to "channels", as do the inter-block channels; the ring is
"power". Every row says why the two differ.

Writes OUT/compare_openram.csv (one row per macro, leaf-cell set and key) and
flows/data/openram_comparison.md (the tables; committed, so readers need not rerun it).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

import numpy as np

from romalayout.fileio import atomic_write_text
from romalayout.gen import macro
from romalayout.gen.fold import Fold
from romalayout.place.compiler import BREAKDOWN_KEYS, breakdown_um2
from romalayout.place.sizing import size_macro
from romalayout.tech import load_technology
from romalayout.tech.leaf import with_leaf_cells

TOLERANCE = 0.25  # the goal: within 25% of OpenRAM's area

# OpenRAM block (the name in the blocks CSV) -> romalayout breakdown key.
BLOCK_MAP = {
    # ROM (rom_bank.py)
    "bitcells_and_poly_taps": "array", "rom_precharge_array": "precharge",
    "rom_row_decode_array": "row_decoder", "rom_address_control_array": "row_decoder",
    "rom_row_decode_wordline_buffer": "wordline_drivers", "rom_control_logic": "control",
    "rom_column_mux_array": "column_mux", "rom_column_decode": "column_mux",
    "rom_bitline_inverter": "sense", "rom_output_buffer": "io",
    # SRAM (sram_1bank.py, bank.py)
    "sky130_bitcell_array": "array", "sky130_replica_column": "array", "sky130_dummy_array": "array",
    "sky130_col_cap_array": "array", "sky130_col_cap_array_0": "array",
    "sky130_row_cap_array": "array", "sky130_row_cap_array_0": "array",
    "precharge_array": "precharge", "sense_amp_array": "sense", "write_driver_array": "io",
    "column_mux_array": "column_mux", "column_decoder": "column_mux", "hierarchical_decoder": "row_decoder",
    "wordline_driver_array": "wordline_drivers", "and2_dec_0": "wordline_drivers",
    "control_logic_rw": "control", "row_addr_dff": "control", "col_addr_dff": "control",
    "data_dff": "control", "spare_wen_dff": "control", "wmask_dff": "control",
}

# Why romalayout's block differs from OpenRAM's (the architectures, from OpenRAM's source and
# romalayout/gen/macro.py; the numbers in the table are measured, these say where they come from).
REASONS = {
    "array": "cell pitch: romalayout's ROM cell is one NOR transistor at the contacted gate and diffusion pitch of "
             "the design rules, its SRAM cell the PDK's 6T cell without straps; OpenRAM draws a 1.02 x 1.02 um NAND-ROM "
             "cell and a 2.50 um SRAM column (6T cell + wordline strap), plus replica column, dummy row and caps",
    "row_decoder": "OpenRAM: a NAND-ROM decoder plane at bitcell pitch (ROM) or custom and3_dec cells (SRAM) with "
                   "clock-gated address buffers; romalayout: standard-cell predecoder and AND gates at 70% density",
    "wordline_drivers": "OpenRAM: one pitch-matched buffer per row (pbuf_dec, 25 um wide; SRAM 17 um); romalayout: an "
                        "inverter chain per line sized by logical effort, placed as standard cells in site rows",
    "column_mux": "OpenRAM: an 8x-wide pass transistor per bit line (1.02 x 3.43 um) and a NAND-ROM column decoder; "
                  "romalayout: a minimum pass device per bit line in the edge rows and a standard-cell decoder with "
                  "sized select drivers",
    "precharge": "one pmos per bit line in both; sizes differ with the cell pitch",
    "sense": "OpenRAM ROM: a static inverter on every bit line (before the mux); SRAM: latch sense amps at column "
             "pitch; romalayout: one inverter (ROM) or differential stage (SRAM) per output bit after the mux",
    "cgen": "B-ROM only",
    "control": "OpenRAM ROM: clock buffer and precharge driver, no flip-flops; SRAM: control logic with its replica "
               "delay chain and input flip-flops; romalayout: a flip-flop per address bit (and din/we) and a clock tree",
    "io": "OpenRAM: an output inverter per bit (ROM), write drivers (SRAM); romalayout: a sized output chain per bit, "
          "SRAM write drivers",
    "power": "ring: OpenRAM's supply ring lies 7.5 um (ROM) / 12 um (SRAM) outside its blocks; romalayout's is two "
             "rails of the open flow's strap width at minimum spacing (3.8 um per side) plus well-tap columns",
    "channels": "OpenRAM routes between blocks in channels (and leaves whitespace inside its containers); "
                "romalayout routes over its abutting strips on the free metal layers",
}


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def openram_breakdown(blocks: list[dict], name: str, area: float) -> dict[str, float]:
    """OpenRAM's measured blocks of macro `name` on romalayout's keys; sums to `area`."""
    rows = [b for b in blocks if b["name"] == name]
    out = {k: 0.0 for k in BREAKDOWN_KEYS}
    mapped = 0.0
    for b in rows:
        key = BLOCK_MAP.get(b["block"])
        if key is not None and b["level"].isdigit():
            out[key] += float(b["area_um2"])
            mapped += float(b["area_um2"])
    ring = next((float(b["area_um2"]) for b in rows if b["block"] == "ring"), 0.0)
    out["power"] += ring
    # Everything else (inter-block channels, whitespace inside containers, overlaps) is channels.
    out["channels"] += area - mapped - ring
    return out


def ours(tech, kind: str, words: int, width: int, wpr: int, seed: int = 1) -> tuple[dict[str, float], float, float, float]:
    """romalayout's breakdown, area, width and height at OpenRAM's shape and fold."""
    bits = np.random.default_rng(seed).random((words, width)) < 0.5
    sm = size_macro(macro.generate(tech, kind, bits, Fold(wpr, 1)), tech)
    r = sm.floorplan.region
    return breakdown_um2(sm.floorplan, sm.partition), r.area_um2, r.width_um, r.height_um


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="flows/data")
    ap.add_argument("--out", default="out")
    args = ap.parse_args(argv)
    data = Path(args.data)
    macros = [r for r in read_csv(data / "openram_sky130.csv") if r["area_um2"]]
    blocks = read_csv(data / "openram_sky130_blocks.csv")
    base = load_technology("sky130")
    techs = {"derived": base, "openram": with_leaf_cells(base, "openram")}
    csv_rows, md = [], []
    summary = []
    for m in macros:
        kind, words, width, wpr = m["kind"], int(m["words"]), int(m["width"]), int(m["words_per_row"])
        name = "sky130_%s_%dx%d%s" % (kind, words, width, "_wpr%d" % wpr if kind == "rom" else "")
        if kind == "sram":
            name = "sky130_sram_1rw_%dx%d" % (words, width)
        ref_area = float(m["area_um2"])
        ref = openram_breakdown(blocks, name, ref_area)
        t0 = time.perf_counter()
        got = {lc: ours(t, kind, words, width, wpr) for lc, t in techs.items()}
        seconds = time.perf_counter() - t0
        md.append("### %s %d x %d, %d words per row (OpenRAM %s)\n" % (kind.upper(), words, width, wpr, name))
        md.append("| block | OpenRAM um^2 | romalayout um^2 (derived cells) | romalayout um^2 (OpenRAM's cells) | why they differ |")
        md.append("|---|---|---|---|---|")
        for key in BREAKDOWN_KEYS:
            a, b, c = ref[key], got["derived"][0][key], got["openram"][0][key]
            if a == b == c == 0:
                continue
            md.append("| %s | %s | %s | %s | %s |" % (key, f"{a:,.0f}", f"{b:,.0f}", f"{c:,.0f}", REASONS[key]))
            for lc in techs:
                csv_rows.append({"kind": kind, "words": words, "width": width, "words_per_row": wpr, "leaf_cells": lc,
                                 "block": key, "openram_um2": round(a, 3), "romalayout_um2": round(got[lc][0][key], 3)})
        line = ["| **total** | **%s** |" % f"{ref_area:,.0f}"]
        for lc in techs:
            area = got[lc][1]
            line.append(" **%s** (%+.0f%%) |" % (f"{area:,.0f}", 100 * (area / ref_area - 1)))
        md.append("".join(line) + " |")
        md.append("| width x height um | %.1f x %.1f | %.1f x %.1f | %.1f x %.1f | |\n" % (
            float(m["width_um"]), float(m["height_um"]), got["derived"][2], got["derived"][3], got["openram"][2], got["openram"][3]))
        blocks_ref = ref_area - ref["power"] - ref["channels"]
        blocks_ours = got["openram"][1] - got["openram"][0]["power"] - got["openram"][0]["channels"]
        summary.append((kind, words, width, wpr, ref_area, got["derived"][1], got["openram"][1], float(m["seconds"] or 0), seconds,
                        blocks_ours / blocks_ref - 1))
        print("%-4s %5d x %d wpr %d: OpenRAM %9.0f um^2 | romalayout %9.0f (%+.0f%%) | with OpenRAM's cells %9.0f (%+.0f%%)"
              % (kind, words, width, wpr, ref_area, got["derived"][1], 100 * (got["derived"][1] / ref_area - 1),
                 got["openram"][1], 100 * (got["openram"][1] / ref_area - 1)))
    head = ["# romalayout vs OpenRAM 1.2.48 (sky130), block by block", "",
            "Written by `python3 flows/compare_openram.py` from flows/data/openram_sky130*.csv (measured by "
            "`python3 flows/calibrate_openram.py`) and romalayout's compiler-style macros at the same kind, shape and fold "
            "(seed 1 contents). OpenRAM areas are GDS bounding boxes (supply ring included); its blocks are mapped onto "
            "romalayout's breakdown keys as `BLOCK_MAP` in the flow says; container whitespace and inter-block channels are "
            "`channels`, the ring is `power`.", "",
            "| macro | OpenRAM um^2 | romalayout um^2 (derived cells) | romalayout um^2 (OpenRAM's cells) | within %d%% | blocks only, no ring or channels (OpenRAM's cells) | OpenRAM s | romalayout s (both) |" % (100 * TOLERANCE),
            "|---|---|---|---|---|---|---|---|"]
    for kind, words, width, wpr, ref, d, o, s_ref, s_us, blocks in summary:
        ok = "yes" if abs(o / ref - 1) <= TOLERANCE else "no"
        head.append("| %s %d x %d, %d words/row | %s | %s (%+.0f%%) | %s (%+.0f%%) | %s (OpenRAM's cells) | %+.0f%% | %.1f | %.1f |" % (
            kind.upper(), words, width, wpr, f"{ref:,.0f}", f"{d:,.0f}", 100 * (d / ref - 1), f"{o:,.0f}", 100 * (o / ref - 1), ok,
            100 * blocks, s_ref, s_us))
    text = "\n".join(head + [""] + md) + "\n"
    atomic_write_text(data / "openram_comparison.md", text)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(csv_rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(csv_rows)
    atomic_write_text(Path(args.out) / "compare_openram.csv", buf.getvalue())
    print("wrote %s and %s" % (data / "openram_comparison.md", Path(args.out) / "compare_openram.csv"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
