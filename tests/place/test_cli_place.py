"""The `romalayout place` contract, run as a user would."""

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "romalayout.cli", *args], capture_output=True, text=True)


def test_place_contract_and_byte_identical(tmp_path):
    outs = []
    for name in ("a", "b"):
        r = run("place", "brom", "--depth", "64", "--width", "8", "--seed", "3", "--pdk", "asap7", "--out", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
        outs.append(tmp_path / name)
    j = json.loads((outs[0] / "utilization.json").read_text())
    for key in ("area_um2", "width_um", "height_um", "base_utilization", "metal_utilization", "wirelength_um", "binding_layer"):
        assert key in j
    assert j["area_um2"] == pytest.approx(j["width_um"] * j["height_um"], rel=1e-6)
    assert set(j["metal_utilization"]) == set(j["wirelength_um"]) >= {"M1", "M2", "M3"}
    assert all(0 <= v for v in j["metal_utilization"].values())
    assert 0 < j["base_utilization"] <= 1
    assert j["binding_layer"] == "base" or j["binding_layer"] in j["metal_utilization"]
    for f in ("utilization.json", "congestion.png"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes()
    assert (outs[0] / "congestion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "args,needle",
    [
        (("place", "brom", "--depth", "6", "--width", "4"), "multiple of 4"),
        (("place", "rom", "--depth", "16", "--width", "4", "--pdk", "tsmc7"), "unknown PDK 'tsmc7'"),
        (("place", "rom", "--depth", "16", "--width", "4", "--max-layer", "met9"), "max layer 'met9'"),
        (("place", "rom", "--depth", "16", "--width", "4", "--metal-target", "1.5"), "target metal"),
        (("place", "rom", "--depth", "0", "--width", "4"), "positive integer"),
    ],
)
def test_place_bad_input(tmp_path, args, needle):
    r = run(*args, "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("romalayout: error: ") and needle in lines[0], r.stderr
    assert not (tmp_path / "o" / "utilization.json").exists()
