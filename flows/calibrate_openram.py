#!/usr/bin/env python3
"""Calibration against a real memory compiler: OpenRAM 1.2.48's sky130 ROM and SRAM macros.

Runs OpenRAM (PyPI ``openram==1.2.48``, its own sky130 technology, the VLSIDA
sky130_fd_bd_sram leaf cells at the commit its Makefile pins) for ROM and SRAM at 1, 4, 16 and
64 kbit with 32-bit words, measures each macro and writes

    flows/data/openram_sky130.csv         one row per macro (the contract columns)
    flows/data/openram_sky130_blocks.csv  one row per (macro, block): the top cell's and the bank's instances
    flows/data/openram_sky130.md          tables, leaf pitches, architecture notes, commands

Setup (outside the repo; OpenRAM is not a romalayout dependency):

    python3 -m venv /work/openram-run/venv
    /work/openram-run/venv/bin/pip install openram==1.2.48 "numpy<2" gdstk

Run (each macro is one OpenRAM run; 64 kbit ROM ~20 min, SRAM much longer):

    python3 flows/calibrate_openram.py --openram-python /work/openram-run/venv/bin/python \\
        --sram-lib-git /work/.mirror/VLSIDA+sky130_fd_bd_sram/repo --work /work/openram-run/work \\
        [--kinds rom,sram] [--kbits 1,4,16,64] [--run-only | --measure-only]

--measure-only re-measures the finished runs under --work and rewrites the three files; it
needs only gdstk (a romalayout dependency), not OpenRAM.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "flows" / "data"
OPENRAM_VERSION = "1.2.48"
# The commit of VLSIDA/sky130_fd_bd_sram pinned by OpenRAM 1.2.48's Makefile (SRAM_LIB_GIT_COMMIT).
SRAM_LIB_COMMIT = "dd64256961317205343a3fd446908b42bafba388"
WORD_BITS = 32
KBITS = (1, 4, 16, 64)
KINDS = ("rom", "sram")
# OpenRAM's ROM crashes at words_per_row 1 (a column decoder of 0 inputs) and fails escape
# routing at 2 with 32-bit words (shared/openram/README.md, pitfall 6); 4 works at 1, 4 and 16 kbit.
# At 64 kbit (512 rows) it fails escape routing too; --rom-words-per-row runs another fold, and the
# measurement takes the default fold where it finished, else the finished fold with fewest words per row.
ROM_WORDS_PER_ROW = 4
ROM_WORDS_PER_ROW_CHOICES = (2, 4, 8, 16, 32)
ROM_DATA_SEED = 1
DEFAULT_TIMEOUT_S = 9000  # 2.5 h: an SRAM still routing after this is recorded as not finished


class FlowError(Exception):
    """A bad option or a missing tool: reported as one line, exit status 2."""


def fail(msg: str) -> None:
    raise FlowError(msg)


# ---------------------------------------------------------------------------------------------
# names and configs

def macro_name(kind: str, words: int, rom_words_per_row: int = ROM_WORDS_PER_ROW) -> str:
    """OpenRAM output name of one macro (also its top cell and top subckt)."""
    if kind == "rom":
        return "sky130_rom_%dx%d_wpr%d" % (words, WORD_BITS, rom_words_per_row)
    return "sky130_sram_1rw_%dx%d" % (words, WORD_BITS)


def words_of_kbits(kbits: int) -> int:
    return kbits * 1024 // WORD_BITS


def rom_data_hex(words: int) -> str:
    """Seeded random ROM contents as one hex line, two digits per byte, no newline.

    OpenRAM takes the bit count from len(text) * 4, so a trailing newline would add a word.
    The ROM's transistor count and layout do not depend on the data (a '0' cell still holds
    a shorted nfet), only the drawn contacts do.
    """
    import random

    rng = random.Random(ROM_DATA_SEED)
    return "".join("%02X" % rng.randrange(256) for _ in range(words * WORD_BITS // 8))


def config_text(kind: str, words: int, name: str, rom_words_per_row: int = ROM_WORDS_PER_ROW) -> str:
    """The OpenRAM config file of one macro (paths relative to the work dir, which is the CWD).

    No openram_temp: OpenRAM 1.2.48 ignores it from the config and uses /tmp/openram_<user>_<pid>_temp/,
    which is distinct for runs side by side.
    """
    common = [
        'tech_name = "sky130"',
        "nominal_corner_only = True",
        'route_supplies = "ring"',
        "check_lvsdrc = False       # no magic/netgen: the sky130A PDK is a stub",
        "use_conda = False          # otherwise OpenRAM runs install_conda.sh",
        'output_name = "%s"' % name,
        'output_path = "out/%s"' % name,
    ]
    if kind == "rom":
        head = [
            "# OpenRAM %s sky130 ROM, %d words x %d bits" % (OPENRAM_VERSION, words, WORD_BITS),
            "word_size = %d             # BYTES for the ROM compiler" % (WORD_BITS // 8),
            'rom_data = "%s.hex"  # a bare name in the CWD: rom.save() copies it to output_path + rom_data' % name,
            'data_type = "hex"',
            "words_per_row = %d" % rom_words_per_row,
        ]
    else:
        head = [
            "# OpenRAM %s sky130 1rw SRAM, %d words x %d bits; words_per_row is OpenRAM's choice" % (
                OPENRAM_VERSION, words, WORD_BITS),
            "word_size = %d" % WORD_BITS,
            "num_words = %d" % words,
            "num_rw_ports = 1",
            "num_r_ports = 0",
            "num_w_ports = 0",
            "write_size = None",
            "num_spare_cols = 1         # sky130: cols + 1 replica + spares must be even",
            "num_spare_rows = 1         # sky130: rows + 1 replica + spares must be even",
            "uniquify = True",
            "analytical_delay = True    # no SPICE characterisation",
        ]
    return "\n".join(head + common) + "\n"


# ---------------------------------------------------------------------------------------------
# OpenRAM location and work-dir preparation

def openram_package_dir(openram_python: str) -> Path:
    """site-packages/openram of the given interpreter, or a FlowError naming what is missing."""
    exe = shutil.which(openram_python) or openram_python
    if not Path(exe).exists():
        fail("--openram-python %s: no such interpreter (expected a python with openram==%s installed)" % (
            openram_python, OPENRAM_VERSION))
    probe = "import importlib.util as u; s = u.find_spec('openram'); print(s.submodule_search_locations[0] if s else '')"
    try:
        out = subprocess.run([exe, "-c", probe], capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        fail("--openram-python %s: cannot run it (%s)" % (openram_python, e))
    if not out:
        fail("--openram-python %s: OpenRAM is not installed there (expected pip install openram==%s \"numpy<2\" gdstk)" % (
            openram_python, OPENRAM_VERSION))
    pkg = Path(out.splitlines()[-1])
    version = (pkg / "VERSION").read_text().strip() if (pkg / "VERSION").exists() else "?"
    if version != OPENRAM_VERSION:
        fail("--openram-python %s: OpenRAM %s found, expected %s" % (openram_python, version, OPENRAM_VERSION))
    return pkg


def prepare_work_dir(work: Path, pkg: Path, sram_lib_git: str, commit: str) -> None:
    """Stub PDK, the leaf cells and a technology copy with OpenRAM's cell libraries under work/.

    As OpenRAM's ``make sky130-install`` lays them out: X.spice -> sp_lib/X.sp (X.base.spice
    overrides it), X.lvs.spice -> lvs_lib/X.sp, X.maglef -> maglef_lib/X.mag. The stub
    sky130A holds three empty files: technology/sky130/__init__.py only checks they exist, and
    nothing reads them while DRC, LVS and simulation are off.
    """
    marker = work / "prepared.json"
    want = {"openram": str(pkg), "sram_lib_commit": commit}
    if marker.exists() and json.loads(marker.read_text()) == want:
        return
    if not sram_lib_git:
        fail("--sram-lib-git: required to prepare %s (a git dir holding VLSIDA/sky130_fd_bd_sram at %s)" % (work, commit))
    git_dir = Path(sram_lib_git)
    ok = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", commit + "^{commit}"],
                        capture_output=True).returncode == 0
    if not ok:
        fail("--sram-lib-git %s: not a git dir holding commit %s of VLSIDA/sky130_fd_bd_sram" % (sram_lib_git, commit))
    work.mkdir(parents=True, exist_ok=True)
    pdk = work / "pdk"
    cells_root = pdk / "sky130_fd_bd_sram"
    shutil.rmtree(cells_root, ignore_errors=True)
    cells_root.mkdir(parents=True)
    archive = subprocess.run(["git", "--git-dir", str(git_dir), "archive", commit, "cells"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(cells_root)], input=archive.stdout, check=True)
    for stub in ("ngspice/sky130.lib.spice", "magic/sky130A.magicrc", "netgen/setup.tcl"):
        p = pdk / "sky130A" / "libs.tech" / stub
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("")
    tech = work / "technology" / "sky130"
    shutil.rmtree(work / "technology", ignore_errors=True)
    shutil.copytree(pkg / "technology" / "sky130", tech, ignore=shutil.ignore_patterns("__pycache__"))
    libs = {d: tech / d for d in ("gds_lib", "mag_lib", "maglef_lib", "sp_lib", "lvs_lib", "calibre_lvs_lib", "klayout_lvs_lib")}
    for d in libs.values():
        d.mkdir(parents=True, exist_ok=True)
    files = sorted((cells_root / "cells").glob("*/*"))
    for f in files:
        n = f.name
        if n.endswith(".gds"):
            shutil.copy(f, libs["gds_lib"] / n)
        elif n.endswith(".maglef"):
            shutil.copy(f, libs["maglef_lib"] / (n[: -len(".maglef")] + ".mag"))
        elif n.endswith(".mag"):
            shutil.copy(f, libs["mag_lib"] / n)
        elif n.endswith(".lvs.calibre.spice"):
            shutil.copy(f, libs["calibre_lvs_lib"] / (n[: -len(".lvs.calibre.spice")] + ".sp"))
        elif n.endswith(".lvs.klayout.spice"):
            shutil.copy(f, libs["klayout_lvs_lib"] / (n[: -len(".lvs.klayout.spice")] + ".sp"))
        elif n.endswith(".lvs.spice"):
            shutil.copy(f, libs["lvs_lib"] / (n[: -len(".lvs.spice")] + ".sp"))
        elif n.endswith(".spice") and not n.endswith(".base.spice"):
            shutil.copy(f, libs["sp_lib"] / (n[: -len(".spice")] + ".sp"))
    for f in files:  # the .base.spice netlists override the plain ones, as in the Makefile
        if f.name.endswith(".base.spice"):
            shutil.copy(f, libs["sp_lib"] / (f.name[: -len(".base.spice")] + ".sp"))
    (work / "out").mkdir(exist_ok=True)  # OpenRAM does os.mkdir(output_path), not makedirs
    (work / "configs").mkdir(exist_ok=True)
    marker.write_text(json.dumps(want, indent=1) + "\n")


# ---------------------------------------------------------------------------------------------
# running

def run_macro(kind: str, kbits: int, work: Path, pkg: Path, openram_python: str, timeout_s: float, flow_cmd: str,
              rom_words_per_row: int = ROM_WORDS_PER_ROW) -> dict:
    """One OpenRAM run; its status, wall time and command go to out/<name>/run.json."""
    words = words_of_kbits(kbits)
    name = macro_name(kind, words, rom_words_per_row)
    cfg = work / "configs" / (name + ".py")
    cfg.write_text(config_text(kind, words, name, rom_words_per_row))
    if kind == "rom":
        (work / (name + ".hex")).write_text(rom_data_hex(words))
    out_dir = work / "out" / name
    shutil.rmtree(out_dir, ignore_errors=True)
    (work / "logs").mkdir(exist_ok=True)
    # The SRAM goes through our own driver: OpenRAM's sram_compiler.py builds the same macro but its
    # save() dies in the delay characterizer at words_per_row > 1 before writing the GDS.
    script = pkg / "rom_compiler.py" if kind == "rom" else REPO / "flows" / "openram_sram_layout.py"
    argv = [openram_python, str(script), "-v", str(cfg.relative_to(work))]
    env = dict(os.environ, PDK_ROOT=str(work / "pdk"), OPENRAM_TECH=str(work / "technology"))
    env.pop("OPENRAM_HOME", None)  # the package sets it to its own compiler/ dir
    log_path = work / "logs" / (name + ".log")
    status = "ok"
    t0 = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(argv, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            rc = proc.wait()
            status = "timeout"
    seconds = time.monotonic() - t0
    if status == "ok" and rc < 0:
        status = "killed"  # stopped from outside (a signal) before it finished
    if status == "ok" and rc != 0:
        status = "failed"
    if status == "ok" and not (out_dir / (name + ".gds")).exists():
        status = "failed"
    info = {
        "kind": kind, "words": words, "width": WORD_BITS, "name": name, "status": status, "returncode": rc,
        "seconds": round(seconds, 1), "timeout_s": timeout_s, "command": flow_cmd,
        "openram_command": "cd WORK && PDK_ROOT=WORK/pdk OPENRAM_TECH=WORK/technology python %s -v %s" % (
            ("site-packages/openram/" if kind == "rom" else "REPO/flows/") + script.name, cfg.relative_to(work)),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "run.json").write_text(json.dumps(info, indent=1) + "\n")
    shutil.copy(log_path, out_dir / (name + ".run.log"))
    return info


CSV_COLUMNS = ["kind", "words", "width", "words_per_row", "width_um", "height_um", "area_um2", "transistors", "seconds", "command"]
DETAIL_COLUMNS = ["kind", "words", "width", "name", "status", "rows", "cols", "words_per_row", "lef_width_um", "lef_height_um",
                  "bbox_x0_um", "bbox_y0_um", "bbox_x1_um", "bbox_y1_um", "transistor_lines", "transistors_m_weighted",
                  "ring_band_um", "seconds"]
BLOCK_COLUMNS = ["kind", "words", "name", "level", "parent", "block", "cells", "count", "x0_um", "y0_um", "x1_um", "y1_um",
                 "area_um2", "share_of_macro", "transistors"]
LEAF_COLUMNS = ["kind", "words", "name", "leaf", "container", "cell", "count", "width_um", "height_um", "pitch_x_um", "pitch_y_um",
                "columns", "rows", "avg_pitch_x_um", "avg_pitch_y_um"]
DECIMALS = {"seconds": 1, "share_of_macro": 4, "avg_pitch_x_um": 4, "avg_pitch_y_um": 4}


def _fmt(v, nd=3) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return ("%%.%df" % nd) % v
    return str(v)


def _csv_text(columns, rows) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_fmt(r.get(c), DECIMALS.get(c, 3)) for c in columns])
    return buf.getvalue()


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def collect(work: Path) -> list:
    """Every macro of the plan: its run record and, for finished runs, its measurements."""
    import openram_measure as om

    out = []
    for kind in KINDS:
        for kb in KBITS:
            words = words_of_kbits(kb)
            if kind == "rom":
                folds = sorted(ROM_WORDS_PER_ROW_CHOICES, key=lambda w: (w != ROM_WORDS_PER_ROW, w))
                names = [macro_name(kind, words, w) for w in folds]
            else:
                names = [macro_name(kind, words)]
            runs = {}
            for n in names:
                f = work / "out" / n / "run.json"
                if f.exists():
                    runs[n] = json.loads(f.read_text())
            ok = [n for n in names if n in runs and runs[n]["status"] == "ok"]
            name = ok[0] if ok else next((n for n in names if n in runs), names[0])
            run = runs.get(name)
            mac = om.measure_macro(kind, words, work / "out" / name, name) if ok else None
            # other attempts at the same shape (e.g. a fold that failed), for the md
            others = [dict(runs[n], reason=om.failure_reason(work / "out" / n / (n + ".run.log"))) for n in names
                      if n in runs and n != name]
            out.append({"kind": kind, "kbits": kb, "words": words, "name": name, "run": run, "macro": mac, "other_runs": others,
                        "reason": om.failure_reason(work / "out" / name / (name + ".run.log")) if run and not ok else ""})
    return out


def write_outputs(work: Path, data_dir: Path) -> None:
    """Measure the finished runs under work/ and (re)write the CSVs and the md in data_dir."""
    import openram_measure as om
    import openram_report

    if not (work / "out").is_dir():
        fail("--work %s: no OpenRAM outputs there (expected WORK/out/<macro>/run.json from an earlier run)" % work)
    items = collect(work)
    main_rows, detail_rows, block_rows, leaf_rows = [], [], [], []
    for it in items:
        run, mac = it["run"], it["macro"]
        base = {"kind": it["kind"], "words": it["words"], "width": WORD_BITS, "name": it["name"]}
        row = dict(base, command=run["command"] if run else "")
        det = dict(base, status=run["status"] if run else "not run", seconds=run["seconds"] if run else None)
        if run and run["status"] != "ok":
            row["seconds"] = run["seconds"]
        if mac is not None:
            area = mac.width_um * mac.height_um
            row.update(words_per_row=mac.words_per_row, width_um=mac.width_um, height_um=mac.height_um,
                       area_um2=round(mac.width_um, 3) * round(mac.height_um, 3), transistors=mac.transistors,
                       seconds=run["seconds"])
            det.update(rows=mac.rows, cols=mac.cols, words_per_row=mac.words_per_row, lef_width_um=mac.lef_size[0],
                       lef_height_um=mac.lef_size[1], bbox_x0_um=mac.bbox[0], bbox_y0_um=mac.bbox[1], bbox_x1_um=mac.bbox[2],
                       bbox_y1_um=mac.bbox[3], transistor_lines=mac.transistors, transistors_m_weighted=mac.transistors_m,
                       ring_band_um=max(mac.ring["band_um"].values()) if mac.ring else None)
            for b in mac.blocks:
                a = (b.box[2] - b.box[0]) * (b.box[3] - b.box[1])
                block_rows.append(dict(base, level=b.level, parent=b.parent, block=b.block,
                                       cells=" ".join(c[len(it["name"]) + 1:] if c.startswith(it["name"] + "_") else c for c in b.cells),
                                       count=b.count, x0_um=b.box[0], y0_um=b.box[1], x1_um=b.box[2], y1_um=b.box[3],
                                       area_um2=a, share_of_macro=a / area, transistors=b.transistors))
            acc = om.area_accounting(mac)
            c = acc["core"]
            block_rows.append(dict(base, level=0, parent="", block="core_bbox", cells="", count="", x0_um=c[0], y0_um=c[1],
                                   x1_um=c[2], y1_um=c[3], area_um2=acc["core_area"], share_of_macro=acc["core_area"] / area,
                                   transistors=mac.transistors))
            block_rows.append(dict(base, level=0, parent="", block="ring", cells="", count="", x0_um=mac.bbox[0],
                                   y0_um=mac.bbox[1], x1_um=mac.bbox[2], y1_um=mac.bbox[3], area_um2=acc["ring_area"],
                                   share_of_macro=acc["ring_area"] / area, transistors=0))
            block_rows.append(dict(base, level=0, parent="", block="channels", cells="", count="", x0_um=c[0], y0_um=c[1],
                                   x1_um=c[2], y1_um=c[3], area_um2=acc["channels_area"],
                                   share_of_macro=acc["channels_area"] / area, transistors=0))
            for lf in mac.leaves:
                leaf_rows.append(dict(base, **lf))
        main_rows.append(row)
        detail_rows.append(det)
    _atomic_write(data_dir / "openram_sky130.csv", _csv_text(CSV_COLUMNS, main_rows))
    _atomic_write(data_dir / "openram_sky130_details.csv", _csv_text(DETAIL_COLUMNS, detail_rows))
    _atomic_write(data_dir / "openram_sky130_blocks.csv", _csv_text(BLOCK_COLUMNS, block_rows))
    _atomic_write(data_dir / "openram_sky130_leaves.csv", _csv_text(LEAF_COLUMNS, leaf_rows))
    _atomic_write(data_dir / "openram_sky130.md", openram_report.markdown(items, main_rows, block_rows, leaf_rows))
    print("wrote %s (%d of %d macros measured)" % (data_dir / "openram_sky130.csv", sum(1 for i in items if i["macro"]), len(items)))


# ---------------------------------------------------------------------------------------------
# command line

def parse_list(text: str, allowed, what: str, conv=str) -> list:
    items = []
    for tok in text.split(","):
        tok = tok.strip()
        try:
            v = conv(tok)
        except ValueError:
            v = None
        if v not in allowed:
            fail("--%s %s: expected a comma-separated subset of %s" % (what, text, ",".join(map(str, allowed))))
        if v not in items:
            items.append(v)
    return items


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--openram-python", default=os.environ.get("OPENRAM_PYTHON", ""),
                    help="python interpreter with openram==%s installed (env OPENRAM_PYTHON)" % OPENRAM_VERSION)
    ap.add_argument("--sram-lib-git", default=os.environ.get("SRAM_LIB_GIT", ""),
                    help="git dir of VLSIDA/sky130_fd_bd_sram holding the pinned commit (env SRAM_LIB_GIT)")
    ap.add_argument("--sram-lib-commit", default=SRAM_LIB_COMMIT)
    ap.add_argument("--work", default=str(REPO / "out" / "openram_sky130"), help="OpenRAM work dir (PDK stub, configs, outputs)")
    ap.add_argument("--kinds", default="rom,sram", help="comma-separated subset of rom,sram")
    ap.add_argument("--kbits", default="1,4,16,64", help="comma-separated subset of 1,4,16,64")
    ap.add_argument("--rom-words-per-row", type=int, default=ROM_WORDS_PER_ROW,
                    help="ROM fold to run (default %d; 1 crashes OpenRAM)" % ROM_WORDS_PER_ROW)
    ap.add_argument("--timeout-s", type=float, default=DEFAULT_TIMEOUT_S, help="a run still going after this is recorded as not finished")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--run-only", action="store_true", help="run OpenRAM, do not rewrite flows/data")
    mode.add_argument("--measure-only", action="store_true", help="re-measure the finished runs under --work, run nothing")
    ap.add_argument("--data-dir", default=str(DATA_DIR), help="where the CSVs and the md go")
    args = ap.parse_args(argv)
    try:
        kinds = parse_list(args.kinds, KINDS, "kinds")
        kbits = parse_list(args.kbits, KBITS, "kbits", int)
        if args.rom_words_per_row not in ROM_WORDS_PER_ROW_CHOICES:
            fail("--rom-words-per-row %d: expected one of %s" % (args.rom_words_per_row, ", ".join(map(str, ROM_WORDS_PER_ROW_CHOICES))))
        if args.timeout_s <= 0:
            fail("--timeout-s %s: expected a positive number of seconds" % args.timeout_s)
        work = Path(args.work).resolve()
        if not args.measure_only:
            if not args.openram_python:
                fail("--openram-python: required to run OpenRAM (a python with openram==%s installed)" % OPENRAM_VERSION)
            pkg = openram_package_dir(args.openram_python)
            prepare_work_dir(work, pkg, args.sram_lib_git, args.sram_lib_commit)
            for kind in kinds:
                for kb in kbits:
                    flow_cmd = "python3 flows/calibrate_openram.py --kinds %s --kbits %d" % (kind, kb)
                    if kind == "rom" and args.rom_words_per_row != ROM_WORDS_PER_ROW:
                        flow_cmd += " --rom-words-per-row %d" % args.rom_words_per_row
                    info = run_macro(kind, kb, work, pkg, args.openram_python, args.timeout_s, flow_cmd,
                                     args.rom_words_per_row)
                    print("%s: %s in %.1f s" % (info["name"], info["status"], info["seconds"]), flush=True)
        if not args.run_only:
            write_outputs(work, Path(args.data_dir))
    except FlowError as e:
        print("romalayout: error: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
