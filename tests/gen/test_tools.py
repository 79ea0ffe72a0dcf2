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


@needs_iverilog
@needs_yosys
@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_compute_cell_in_iverilog_and_yosys(request, pdk):
    """The exported compute cell computes the L-unit model's integers in iverilog too, and
    Yosys counts the same transistors as we do."""
    from romalayout.gen import compute

    tech = request.getfixturevalue(pdk)
    group, wb = 8, 2
    n = compute.generate(tech, group=group, weight_bits=wb)
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((40, group)) * np.exp2(rng.integers(-20, 8, (40, 1)))).astype(np.float16)
    w = rng.integers(0, 1 << wb, (40, group))
    z = rng.integers(0, 4, 40)
    s = rng.standard_normal(40).astype(np.float16)
    got = compute.decode_outputs(run_iverilog(n, tech, compute.input_vectors(x, w, z, s, wb)))
    want = compute.expected_outputs(x, w, z, s, wb)
    for port in want:
        assert np.array_equal(got[port], want[port]), port
    ours = count(n, tech, cost="yosys-cmos").transistors["compute"]
    assert yosys_cmos_transistors(n, tech, blocks=["compute"]) == ours
