#!/usr/bin/env python3
"""The chip-model flow: Figs. 6-12, the paper-vs-model table under each schedule, ROM packing,
energies and the functional run (10 seeds, with the exact-product control) into out/chip/.

    python3 flows/chip_figures.py [--steps 300] [--seeds 10] [--external-memory-gbps 68.3]

out/chip/                 figures and CSVs at the default schedule; points that do not fit are left out
out/chip/external_<X>gbps/ the same with the spill over an external memory of X GB/s (default 68.3, the
                          LPDDR4x-4267 x 128 of the CPU baseline in roma_spec.toml)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's model

from romalayout.chip.capacity import rom_packing  # noqa: E402
from romalayout.chip.energy import action_energies  # noqa: E402
from romalayout.chip.figures import write_figures  # noqa: E402
from romalayout.chip.functional import run_seeds  # noqa: E402
from romalayout.chip.models import PRESETS  # noqa: E402
from romalayout.chip.spec import load_spec  # noqa: E402
from romalayout.chip.table import paper_table, table_text  # noqa: E402
from romalayout.fileio import atomic_write_text  # noqa: E402

OUT = REPO / "out" / "chip"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--external-memory-gbps", type=float, default=68.3)
    args = ap.parse_args(argv)
    spec = load_spec()
    for p in write_figures(spec, OUT):
        print("wrote", p.relative_to(REPO))
    ext_dir = OUT / ("external_%ggbps" % args.external_memory_gbps)
    for p in write_figures(spec, ext_dir, external_memory_gbps=args.external_memory_gbps):
        print("wrote", p.relative_to(REPO))
    print(table_text(paper_table(spec)))
    rom = {name: rom_packing(m, spec).to_json() for name, m in PRESETS.items()}
    atomic_write_text(OUT / "rom_packing.json", json.dumps(rom, indent=1, sort_keys=True) + "\n")
    atomic_write_text(OUT / "action_energies.json", json.dumps(action_energies(spec).to_json(), indent=1, sort_keys=True) + "\n")
    runs = run_seeds(decode_steps=args.steps, seeds=range(args.seeds))
    atomic_write_text(OUT / "functional_agreement.json", json.dumps(runs.to_json(), indent=1, sort_keys=True) + "\n")
    for r in runs.runs:
        print("functional seed %d: chip %d/%d, exact-product control %d/%d decode steps agree; max |logit error| chip %.3g, control %.3g"
              % (r.seed, r.agreeing_steps, r.decode_steps, r.control_agreeing_steps, r.decode_steps, r.max_abs_logit_error,
                 r.control_max_abs_logit_error))
    print("over %d seeds: chip %.2f%%, control %.2f%%" % (len(runs.runs), 100 * runs.agreement, 100 * runs.control_agreement))
    return 0


if __name__ == "__main__":
    sys.exit(main())
