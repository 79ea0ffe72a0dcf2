"""The generated memories checked by independent tools: iverilog reads every address of the
exported Verilog; Yosys `stat -tech cmos` on the decoder and CGen equals our count."""

import shutil

import numpy as np
import pytest

from romalayout.count import count
from romalayout.design import build
from romalayout.verify import run_iverilog, yosys_cmos_transistors

needs_iverilog = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed (tools/setup-test.sh installs it)")
needs_yosys = pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not installed (tools/setup-test.sh installs it)")


@needs_iverilog
@pytest.mark.parametrize("kind,program", [("rom", "via"), ("rom", "diffusion"), ("brom", "via"), ("brom", "diffusion"), ("sram", "via")])
@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_iverilog_reads_every_address(request, pdk, kind, program):
    tech = request.getfixturevalue(pdk)
    depth, width = 52, 7
    d = build(tech, kind, depth, width, seed=hash((pdk, kind, program)) % 1000, program=program)
    inputs = {"addr": np.arange(depth)}
    state = None
    if kind == "sram":
        inputs.update({"din": np.zeros((depth, width), bool), "we": np.zeros(depth, int)})
        state = d.contents.ravel()
    data = run_iverilog(d.netlist, tech, inputs, state=state)["data"]
    assert np.array_equal(data, d.contents)


@needs_yosys
@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_yosys_counts_decoder_and_cgen(request, pdk):
    tech = request.getfixturevalue(pdk)
    d = build(tech, "brom", 256, 16, seed=1)
    c = count(d.netlist, tech, cost="yosys-cmos")
    for block in ("decoder", "cgen"):
        assert c.transistors[block] > 0
        assert yosys_cmos_transistors(d.netlist, tech, blocks=[block]) == c.transistors[block], block
