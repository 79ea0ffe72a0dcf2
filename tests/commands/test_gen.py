"""`romalayout gen` contract: files, counts.json keys, Verilog ports, atomic output, errors."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from romalayout.contents import parse_readmemh, random_contents


def run(*args):
    return subprocess.run([sys.executable, "-m", "romalayout.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("kind", ["rom", "brom"])
def test_gen_memory_contract(tmp_path, kind):
    out = tmp_path / kind
    r = run("gen", kind, "--depth", "64", "--width", "8", "--seed", "4", "--pdk", "asap7", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert {p.name for p in out.iterdir()} == {"design.v", "design.sp", "contents.hex", "counts.json"}
    c = json.loads((out / "counts.json").read_text())
    for key in ("kind", "depth", "width", "pdk", "transistors", "instances", "nets", "lines"):
        assert key in c
    assert (c["kind"], c["depth"], c["width"], c["pdk"]) == (kind, 64, 8, "asap7")
    assert set(c["transistors"]) >= {"total", "array", "decoder", "cgen", "periphery", "compute"}
    assert set(c["lines"]) >= {"horizontal", "vertical"}
    assert c["readback"]["mismatched_bits"] == 0 and c["readback"]["addresses"] == 64
    bits = parse_readmemh((out / "contents.hex").read_text(), 64, 8)
    assert np.array_equal(bits, random_contents(64, 8, 4))
    v = (out / "design.v").read_text()
    top = re.search(r"module top\s*\((.*?)\);", v, re.S)
    assert top is not None
    assert re.search(r"input\s*\[5:0\]\s*addr", v) and re.search(r"output\s*\[7:0\]\s*data", v)


def test_gen_contents_file_and_determinism(tmp_path):
    bits = random_contents(32, 12, 11)
    (tmp_path / "c.hex").write_text("".join("%03x\n" % int("".join("1" if b else "0" for b in row[::-1]), 2) for row in bits))
    outs = []
    for name in ("a", "b"):
        r = run("gen", "brom", "--depth", "32", "--width", "12", "--contents", str(tmp_path / "c.hex"), "--out", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
        outs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert outs[0] == outs[1]
    assert np.array_equal(parse_readmemh(outs[0]["contents.hex"].decode(), 32, 12), bits)


@pytest.mark.parametrize(
    "args,needle",
    [
        (("gen", "brom", "--depth", "10", "--width", "4"), "B-ROM depth must be a multiple of 4, got 10"),
        (("gen", "rom", "--depth", "0", "--width", "4"), "expected a positive integer, got '0'"),
        (("gen", "rom", "--depth", "8", "--width", "4", "--pdk", "gf180"), "unknown PDK 'gf180'"),
        (("gen", "rom", "--depth", "8", "--width", "4", "--cost", "free"), "invalid choice: 'free'"),
        (("gen", "flash", "--depth", "8", "--width", "4"), "invalid choice: 'flash'"),
        (("gen", "rom", "--width", "4"), "rom needs --depth and --width"),
    ],
)
def test_gen_bad_input(tmp_path, args, needle):
    out = tmp_path / "out"
    r = run(*args, "--out", str(out))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("romalayout: error: ") and needle in lines[0], r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_gen_bad_contents_line_no_partial_output(tmp_path):
    (tmp_path / "c.hex").write_text("0\n1\nxyz\n3\n")
    out = tmp_path / "out"
    r = run("gen", "rom", "--depth", "4", "--width", "4", "--contents", str(tmp_path / "c.hex"), "--out", str(out))
    assert r.returncode == 2 and "line 3" in r.stderr and "'xyz'" in r.stderr
    assert not out.exists() or not any(out.iterdir())
