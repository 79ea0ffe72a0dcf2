#!/usr/bin/env python3
"""The demo flow: summarize both PDKs into out/ (grows as later capabilities land)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from romalayout.commands.pdk import summary_text
from romalayout.fileio import atomic_write_text
from romalayout.tech import available_pdks, load_technology

OUT = Path(__file__).resolve().parents[1] / "out"


def main() -> int:
    for name in available_pdks():
        tech = load_technology(name)
        atomic_write_text(OUT / ("pdk_%s.json" % name), json.dumps(tech.to_json(), indent=1, sort_keys=True) + "\n")
        text = summary_text(tech)
        atomic_write_text(OUT / ("pdk_%s.txt" % name), text + "\n")
        print(text)
        print()
    print("wrote %s" % ", ".join(str(p.relative_to(OUT.parent)) for p in sorted(OUT.glob("pdk_*"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
