#!/usr/bin/env python3
"""Benchmark of `romalayout gen brom --depth 16384 --width 64` (1 Mbit): wall time and peak
memory of the whole command (netlist, counts, read-back of every address, Verilog), and
Yosys `stat -tech cmos` on the same Verilog, measured in the same run; prints the ratio.

    python3 bench/bench_gen.py [--depth 16384] [--width 64] [--pdk asap7]

Targets (issue 4): romalayout <= 20 s and < 2 GB; at least 10x faster than Yosys.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


_WRAP = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "sys.stderr.write(r.stderr); sys.stdout.write(r.stdout); "
    "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)"
)


def timed(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """(seconds, peak RSS of that command alone in MB, result), via a wrapper process per command."""
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True)
    dt = time.perf_counter() - t0
    lines = r.stdout.splitlines()
    rss_kb = float(lines[-1].split()[1]) if lines and lines[-1].startswith("MAXRSS_KB") else float("nan")
    r.stdout = "\n".join(lines[:-1])
    return dt, rss_kb / 1024.0, r


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int, default=16384)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--pdk", default="asap7")
    args = ap.parse_args()
    out = tempfile.mkdtemp(prefix="bench_gen.")
    try:
        cmd = [sys.executable, "-m", "romalayout.cli", "gen", "brom", "--depth", str(args.depth), "--width", str(args.width),
               "--pdk", args.pdk, "--no-spice", "--out", out]
        ours_s, ours_mb, r = timed(cmd)
        if r.returncode:
            print(r.stderr, file=sys.stderr)
            return 1
        print("romalayout gen brom %dx%d (%s): %.2f s, peak %.0f MB  [%s]" % (args.depth, args.width, args.pdk, ours_s, ours_mb, r.stdout.strip()))
        size_mb = os.path.getsize(os.path.join(out, "design.v")) / 1e6
        if shutil.which("yosys") is None:
            print("yosys not installed: no ratio")
            return 0
        ys = "read_verilog %s; hierarchy -top top; flatten; stat -tech cmos" % os.path.join(out, "design.v")
        ys_s, ys_mb, r = timed(["yosys", "-q", "-p", ys])
        version = subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip()
        status = "ok" if r.returncode == 0 else "failed: " + (r.stderr.strip().splitlines() or ["?"])[-1]
        print("%s read+flatten+stat -tech cmos on the same %.1f MB Verilog: %.2f s, peak %.0f MB (%s)" % (version, size_mb, ys_s, ys_mb, status))
        print("ratio yosys / romalayout: %.1fx" % (ys_s / ours_s))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
