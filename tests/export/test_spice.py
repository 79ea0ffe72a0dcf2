"""SPICE export parses in ngspice; golden files pin the Verilog and SPICE of one tiny design."""

import os
import shutil
from pathlib import Path

import pytest

from romalayout.errors import InputError
from romalayout.export.spice import spice_text, write_spice
from romalayout.export.verilog import verilog_text
from romalayout.verify import ngspice_parse

from tests.export.designs import adder, bitcells, rom

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("ROMALAYOUT_UPDATE_GOLDEN") == "1"
needs_ngspice = pytest.mark.skipif(shutil.which("ngspice") is None, reason="ngspice is not installed (CI installs it)")


@needs_ngspice
@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_ngspice_parses(pdk, request, tmp_path):
    tech = request.getfixturevalue(pdk)
    for name, n in {"rom": rom(tech)[0], "adder": adder(tech), "bitcells": bitcells()}.items():
        path = tmp_path / ("%s.sp" % name)
        write_spice(n, path, tech)
        out = ngspice_parse(path)
        assert "Circuit:" in out


@needs_ngspice
def test_ngspice_check_catches_a_broken_netlist(sky130, tmp_path):
    n, _ = rom(sky130)
    lines = spice_text(n, sky130).splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith("X0 "))
    lines[k] = lines[k].replace("sky130_fd_sc_hd__inv_1", "sky130_fd_sc_hd__inv_9")  # no such subcircuit
    text = "\n".join(lines) + "\n"
    (tmp_path / "bad.sp").write_text(text)
    with pytest.raises(Exception, match="ngspice could not parse"):
        ngspice_parse(tmp_path / "bad.sp")


def test_spice_structure(asap7):
    n, conn = rom(asap7, rows=4, cols=3)
    text = spice_text(n, asap7)
    lines = text.splitlines()
    lines = lines[lines.index("Vdd vdd 0 0.7") :]  # the instances, after the subcircuits
    assert sum(ln.startswith("M") and "nmos_rvt w=27n" in ln for ln in lines) == conn.size  # one device per bit
    assert sum(ln.startswith("M") and "pmos_rvt" in ln for ln in lines) == 3
    assert ".SUBCKT INVx1_ASAP7_75t_R" in text and "nfin" not in text
    assert text.endswith(".end\n") and "STAND-IN" in text
    assert spice_text(n, asap7) == text
    with pytest.raises(InputError, match="PDK None"):
        spice_text(n, None)


def _golden(name: str, text: str):
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text)
    assert path.exists(), "missing %s: run with ROMALAYOUT_UPDATE_GOLDEN=1" % path
    assert text == path.read_text(), "%s changed; if intended, regenerate with ROMALAYOUT_UPDATE_GOLDEN=1" % path


def test_golden_files(sky130):
    n, _ = rom(sky130, rows=2, cols=2, seed=5)
    _golden("tiny_rom_sky130.v", verilog_text(n, sky130, "pyverilog"))
    _golden("tiny_rom_sky130.sp", spice_text(n, sky130))
