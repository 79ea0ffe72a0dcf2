"""The CLI contract of the foundation issue, run as a user would (a subprocess)."""

import json
import subprocess
import sys

import pytest


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "romalayout.cli", *args], capture_output=True, text=True, env=env)


def test_help():
    r = run("--help")
    assert r.returncode == 0 and "pdk" in r.stdout


def test_pdk_list():
    r = run("pdk", "list")
    assert r.returncode == 0
    assert [l.split()[0] for l in r.stdout.splitlines()] == ["asap7", "sky130"]


@pytest.mark.parametrize("name,cell", [("asap7", "INVx1_ASAP7_75t_R"), ("sky130", "sky130_fd_sc_hd__inv_1")])
def test_pdk_show_json_contract(name, cell):
    r = run("pdk", "show", name, "--json")
    assert r.returncode == 0
    d = json.loads(r.stdout)
    assert d["name"] == name
    assert isinstance(d["dbu_per_um"], int)
    assert set(d["site"]) >= {"width_um", "height_um"}
    for m in d["metals"]:
        assert set(m) >= {"name", "direction", "pitch_um", "width_um", "spacing_um", "gds"}
        assert m["direction"] in ("horizontal", "vertical") and len(m["gds"]) == 2
    assert set(d["cells"][cell]) >= {"width_um", "height_um", "transistors"}
    assert d["cells"][cell]["transistors"] == 2
    assert d["bitcells"]["sram6t_um2"] > d["bitcells"]["rom_um2"] > 0


def test_pdk_show_text():
    r = run("pdk", "show", "sky130")
    assert r.returncode == 0 and "met1" in r.stdout and "0.34" in r.stdout


@pytest.mark.parametrize(
    "args,needle",
    [
        (("pdk", "show", "tsmc7"), "unknown PDK 'tsmc7', expected one of: asap7, sky130"),
        (("pdk", "show"), "required: name"),
        (("pdk", "frobnicate"), "invalid choice: 'frobnicate'"),
        (("pdk", "list", "--bogus"), "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_one_line_exit_2(args, needle):
    r = run(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("romalayout: error: ") and needle in lines[0]
    assert "Traceback" not in r.stderr


def test_broken_data_file_one_line(pdk_copy):
    import os

    p = pdk_copy / "sky130" / "metal_stack.csv"
    p.write_text(p.read_text().replace("sky130,met1,ROUTING,HORIZONTAL,0.34", "sky130,met1,ROUTING,HORIZONTAL,abc"))
    r = run("pdk", "show", "sky130", env={**os.environ, "ROMALAYOUT_PDK_ROOT": str(pdk_copy)})
    assert r.returncode == 2
    line = r.stderr.strip()
    assert "\n" not in line and "metal_stack.csv" in line and "pitch_um" in line and "'abc'" in line
