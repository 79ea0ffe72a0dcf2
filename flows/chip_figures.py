#!/usr/bin/env python3
"""The chip-model flow: Figs. 6-11, the paper-vs-model table and the functional run into out/chip/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from romalayout.chip.capacity import rom_packing
from romalayout.chip.figures import write_figures
from romalayout.chip.functional import run_agreement
from romalayout.chip.models import PRESETS
from romalayout.chip.spec import load_spec
from romalayout.chip.table import paper_table, table_text
from romalayout.fileio import atomic_write_text

OUT = Path(__file__).resolve().parents[1] / "out" / "chip"


def main() -> int:
    spec = load_spec()
    for p in write_figures(spec, OUT):
        print("wrote", p.relative_to(OUT.parents[1]))
    print(table_text(paper_table(spec)))
    rom = {name: rom_packing(m, spec).to_json() for name, m in PRESETS.items()}
    atomic_write_text(OUT / "rom_packing.json", json.dumps(rom, indent=1, sort_keys=True) + "\n")
    runs = [run_agreement(decode_steps=300, seed=s).to_json() for s in (0, 1, 2)]
    atomic_write_text(OUT / "functional_agreement.json", json.dumps(runs, indent=1, sort_keys=True) + "\n")
    for r in runs:
        print("functional seed run: %d/%d decode steps agree, chip model %.0f tokens/s" % (r["agreeing_steps"], r["decode_steps"], r["chip_tokens_per_s"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
