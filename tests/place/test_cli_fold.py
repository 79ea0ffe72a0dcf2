"""The macros contract (issue 12): fold options on gen and place, the new report keys."""

import json
import subprocess
import sys

import numpy as np
import pytest

from romalayout.design import build
from romalayout.gen.fold import Fold
from romalayout.place.compiler import BREAKDOWN_KEYS
from romalayout.place.sizing import size_macro


def run(*args):
    return subprocess.run([sys.executable, "-m", "romalayout.cli", *args], capture_output=True, text=True)


def test_place_compiler_keys(tmp_path):
    r = run("place", "rom", "--depth", "128", "--width", "8", "--words-per-row", "4", "--max-aspect", "3", "--out", str(tmp_path / "p"))
    assert r.returncode == 0, r.stderr
    j = json.loads((tmp_path / "p" / "utilization.json").read_text())
    assert j["style"] == "compiler" and j["fold"] == {"words_per_row": 4, "banks": 1}
    assert tuple(sorted(j["breakdown_um2"])) == tuple(sorted(BREAKDOWN_KEYS))
    assert sum(j["breakdown_um2"].values()) == pytest.approx(j["area_um2"], rel=1e-3)
    w, h = j["width_um"], j["height_um"]
    assert j["aspect_ratio"] == pytest.approx(max(w, h) / min(w, h), rel=1e-5)
    assert j["breakdown_um2"]["cgen"] == 0  # a ROM has no CGen
    assert all(p["words_per_row"] == 4 for p in j["fold_search"]["planned"])


def test_place_array_style_is_unfolded(tmp_path):
    r = run("place", "brom", "--depth", "64", "--width", "8", "--style", "array", "--out", str(tmp_path / "a"))
    assert r.returncode == 0, r.stderr
    j = json.loads((tmp_path / "a" / "utilization.json").read_text())
    assert j["style"] == "array" and j["fold"] == {"words_per_row": 1, "banks": 1}
    assert j["array"]["rows"] == 16 and j["breakdown_um2"]["power"] == 0


def test_gen_writes_fold_and_reads_every_address(tmp_path):
    r = run("gen", "brom", "--depth", "256", "--width", "8", "--words-per-row", "8", "--pdk", "asap7", "--out", str(tmp_path / "g"))
    assert r.returncode == 0, r.stderr
    c = json.loads((tmp_path / "g" / "counts.json").read_text())
    assert c["fold"] == {"words_per_row": 8, "banks": 1}
    assert c["readback"] == {"addresses": 256, "mismatched_bits": 0, "method": "romalayout.sim"}
    # 256 words / 4 / 8 = 8 block rows of 64 columns; one transistor per block and column.
    assert c["transistors"]["array"] == 256 * 8 // 4
    assert c["transistors"]["periphery"] == sum(c["transistors"][b] for b in
                                                ("control", "row_decoder", "wordline_drivers", "precharge", "column_mux", "sense", "io"))


@pytest.mark.parametrize("args,needle", [
    (("place", "rom", "--depth", "100", "--width", "4", "--words-per-row", "8"), "no fold with words per row 8 holds a rom of 100 x 4"),
    (("gen", "brom", "--depth", "96", "--width", "4", "--words-per-row", "16", "--banks", "1"), "brom fold: 96 words per bank is not a multiple of 4 x words per row = 64"),
    (("place", "sram", "--depth", "96", "--width", "4", "--banks", "2"), "no fold with banks 2 holds a sram of 96 x 4"),
    (("place", "rom", "--depth", "64", "--width", "4", "--words-per-row", "3"), "invalid choice: 3"),
    (("place", "rom", "--depth", "64", "--width", "4", "--max-aspect", "0.5"), "expected a number >= 1"),
    (("place", "rom", "--depth", "64", "--width", "4", "--style", "array", "--words-per-row", "2"), "need --style compiler"),
    (("place", "rom", "--depth", "64", "--width", "4", "--leaf-cells", "tsmc"), "leaf cells 'tsmc' are not defined for PDK sky130"),
])
def test_fold_errors_one_line(tmp_path, args, needle):
    r = run(*args, "--out", str(tmp_path / "x"))
    assert r.returncode == 2
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "x").exists()


def test_cgen_cells_sit_beside_their_rows(sky130):
    """Each candidate line's driver (the last cell of its chain) lies within two block-row
    pitches of the array row it drives: the strip is pitch-matched to the rows."""
    d = build(sky130, "brom", 512, 16, seed=2, style="compiler", fold=Fold(4, 1))
    sm = size_macro(d.netlist, sky130)
    nl, pl, g = sm.netlist, sm.placement, sm.floorplan.grid
    cgen = np.flatnonzero(nl.inst_block == nl.blocks.index("cgen"))
    # Nets shared by a cgen cell and array gates: the driven candidate lines.
    pin_inst = np.repeat(np.arange(nl.n_instances), np.diff(nl.pin_offset))
    arr = np.zeros(nl.n_instances, bool)
    arr[sm.partition.array] = True
    nets_arr = set(nl.pin_net[arr[pin_inst]].tolist())
    far = 0
    checked = 0
    for i in cgen:
        nets = set(nl.pin_net[nl.pin_offset[i]:nl.pin_offset[i + 1]].tolist()) & nets_arr
        for n in nets:
            rows_y = pl.cy_um[pin_inst[(nl.pin_net == n) & arr[pin_inst]]]
            checked += 1
            far += abs(pl.cy_um[i] - rows_y.mean()) > 2 * g.row_pitch_um
    assert checked > 100 and far == 0
