#!/usr/bin/env python3
"""Regenerate the per-PDK data tables in pdk/<name>/ from the raw files in pdk/<name>/raw/.

The LEF, CDL, GDS and Liberty readers are the pdk-data pack's own scripts, vendored
unchanged in pdk/scripts/ (standard library only). They expect the pack's layout
(raw/sky130, raw/asap7, raw/bitcells_curated.csv next to scripts/), so this wrapper
builds that layout in a temporary directory, runs them, and splits each combined
table by its `pdk` column into pdk/<name>/<table>.csv.

    python3 pdk/build.py           # rewrite pdk/*/*.csv
    python3 pdk/build.py --check   # also run the pack's spot checks; exit 1 if one fails
    python3 pdk/build.py --out DIR # write DIR/<name>/*.csv instead (tests compare them)
"""
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PDKS = ("sky130", "asap7")
# pack table -> per-PDK file name
TABLES = {
    "sky130_cells.csv": ("sky130", "cells.csv"),
    "asap7_cells.csv": ("asap7", "cells.csv"),
    "sky130_liberty.csv": ("sky130", "liberty.csv"),
    "asap7_liberty.csv": ("asap7", "liberty.csv"),
    "metal_stacks.csv": (None, "metal_stack.csv"),
    "layers.csv": (None, "layers.csv"),
    "tech.csv": (None, "tech.csv"),
    "bitcells.csv": (None, "bitcells.csv"),
    "metal_rc.csv": (None, "metal_rc.csv"),
    "liberty_libs.csv": (None, "liberty_libs.csv"),
}


def _stage(tmp):
    os.makedirs(os.path.join(tmp, "raw"))
    for name in PDKS:
        os.symlink(os.path.join(HERE, name, "raw"), os.path.join(tmp, "raw", name))
    os.symlink(os.path.join(HERE, "bitcells_curated.csv"), os.path.join(tmp, "raw", "bitcells_curated.csv"))
    shutil.copytree(os.path.join(HERE, "scripts"), os.path.join(tmp, "scripts"))


def _write_rows(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)


def _split(tmp, out_root):
    for table, (only, out_name) in TABLES.items():
        with open(os.path.join(tmp, table), newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        for name in PDKS:
            if only is not None and only != name:
                continue
            if only is None:
                col = header.index("pdk")
                mine = [r for r in body if r[col] == name]
            else:
                mine = body
            # Sources name the pack's layout; point them at this repository's copy.
            mine = [[c.replace("raw/%s/" % name, "pdk/%s/raw/" % name) for c in r] for r in mine]
            os.makedirs(os.path.join(out_root, name), exist_ok=True)
            _write_rows(os.path.join(out_root, name, out_name), header, mine)


def main(argv):
    check = "--check" in argv
    out_root = argv[argv.index("--out") + 1] if "--out" in argv else HERE
    with tempfile.TemporaryDirectory() as tmp:
        _stage(tmp)
        for script in ("build_tables.py", "build_liberty.py"):
            cmd = [sys.executable, os.path.join(tmp, "scripts", script)] + (["--check"] if check else [])
            subprocess.run(cmd, check=True, cwd=tmp, stdout=subprocess.DEVNULL if not check else None)
        _split(tmp, out_root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
