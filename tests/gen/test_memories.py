"""ROM, B-ROM and SRAM generators: every address reads back, counts follow the paper's formulas."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from romalayout.contents import random_contents
from romalayout.count import count
from romalayout.errors import InputError
from romalayout.gen import brom, decoder, rom, sram
from romalayout.netlist import NetlistBuilder
from romalayout.netlist.logic import LogicBuilder
from romalayout.sim import Simulator, simulate


def read_all(netlist, depth):
    return Simulator(netlist).run({"addr": np.arange(depth)})["data"]


@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5, 16, 17, 31, 100, 256])
def test_decoder_one_hot(sky130, depth):
    nb = NetlistBuilder("d")
    lb = LogicBuilder(nb, sky130)
    a = nb.new_nets(decoder.address_bits(depth))
    nb.add_port("addr", "input", a)
    nb.add_port("wl", "output", decoder.build(lb, a, depth))
    out = simulate(nb.build(), {"addr": np.arange(1 << len(a))})["wl"]
    expect = np.zeros((1 << len(a), depth), dtype=bool)
    expect[np.arange(depth), np.arange(depth)] = True  # addresses >= depth select nothing
    assert np.array_equal(out, expect)


@settings(max_examples=25, deadline=None)
@given(
    gen=st.sampled_from(["rom", "brom"]),
    pdk=st.sampled_from(["sky130", "asap7"]),
    program=st.sampled_from(["via", "diffusion"]),
    blocks=st.integers(1, 40),
    width=st.integers(1, 24),
    seed=st.integers(0, 2**32 - 1),
    density=st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]),
)
def test_every_address_reads_back(request, gen, pdk, program, blocks, width, seed, density):
    """Never a lost or flipped bit, for random shapes, contents and densities (incl. all-0 / all-1)."""
    tech = request.getfixturevalue(pdk)
    depth = blocks * 4 if gen == "brom" else blocks * 3 + (seed % 4)
    bits = np.random.default_rng(seed).random((depth, width)) < density
    netlist = (rom if gen == "rom" else brom).generate(tech, bits, program)
    assert np.array_equal(read_all(netlist, depth), bits)


def test_rom_counts_paper_formula(sky130):
    bits = random_contents(256, 32, 5)
    c = count(rom.generate(sky130, bits), sky130)
    assert c.transistors["array"] == 256 * 32
    assert c.lines == {"horizontal": 256, "vertical": 32}
    d = count(rom.generate(sky130, bits, "diffusion"), sky130)
    assert d.transistors["array"] == int(bits.sum())


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_brom_counts_paper_formula(request, pdk):
    tech = request.getfixturevalue(pdk)
    depth, width = 256, 64
    bits = random_contents(depth, width, 7)
    c = count(brom.generate(tech, bits), tech).to_json()
    num_cgen = c["num_cgen"]["transistors_per_block"]
    assert num_cgen == 11 * tech.role_cell("or2").transistors
    assert c["transistors"]["array"] == depth // 4 * width
    assert c["transistors"]["array"] + c["transistors"]["cgen"] == depth // 4 * (width + num_cgen)
    assert c["paper_formula"]["value"] == c["paper_formula"]["array_plus_cgen"]
    rom_c = count(rom.generate(tech, bits), tech)
    # The paper's claims: ~1/4 of the array transistors, 4x the horizontal lines (15 routed + C_0).
    assert c["transistors"]["array"] * 4 == rom_c.transistors["array"]
    assert c["lines"]["horizontal"] == rom_c.lines["horizontal"] // 4 * 15
    assert c["lines"]["candidates_per_block"] * depth // 4 == 4 * rom_c.lines["horizontal"]
    assert c["lines"]["vertical"] == rom_c.lines["vertical"] == width


def test_brom_nibble_selects_candidate(sky130):
    """Each array transistor's gate is C_k for the nibble its column holds in the block."""
    bits = np.array([[1, 0], [0, 0], [1, 0], [1, 0]], dtype=bool)  # column 0 nibble 0b1101 = 13, column 1 nibble 0
    n = brom.generate(sky130, bits)
    arr = n.blocks.index("array")
    gates = [n.instance_pins(i)["G"] for i in np.flatnonzero(n.inst_block == arr)]
    assert gates[1] == 0  # C_0 is the constant 0
    assert gates[0] > 1 and n.attributes["array_device_col"].tolist() == [0, 1]


def test_brom_refuses_depth_not_multiple_of_four(sky130):
    with pytest.raises(InputError, match="B-ROM depth must be a multiple of 4, got 10"):
        brom.generate(sky130, np.zeros((10, 4), dtype=bool))


def test_bad_program(sky130):
    with pytest.raises(InputError, match="program must be one of via, diffusion, got 'laser'"):
        rom.generate(sky130, np.zeros((4, 4), dtype=bool), "laser")


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_sram_reads_state(request, pdk):
    tech = request.getfixturevalue(pdk)
    depth, width = 48, 12
    bits = random_contents(depth, width, 9)
    n = sram.generate(tech, depth, width)
    out = Simulator(n).run(
        {"addr": np.arange(depth), "din": np.zeros((depth, width), bool), "we": np.zeros(depth, int)}, state=bits.ravel()
    )["data"]
    assert np.array_equal(out, bits)
    c = count(n, tech)
    assert c.transistors["array"] == 6 * depth * width
    assert c.transistors["periphery"] > 0 and c.transistors["decoder"] > 0


def test_generators_deterministic(asap7):
    bits = random_contents(64, 8, 1)
    a, b = brom.generate(asap7, bits), brom.generate(asap7, bits)
    assert np.array_equal(a.pin_net, b.pin_net) and np.array_equal(a.inst_type, b.inst_type)
