"""Compiler-style macros (romalayout.gen.macro): every address of every fold reads back, in
our simulator and in iverilog, and the read-back notices a netlist that holds the wrong bits."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from romalayout.count import count
from romalayout.design import Design, read_inputs, readback
from romalayout.gen import macro
from romalayout.gen.fold import Fold
from romalayout.verify import run_iverilog


def _design(tech, kind, bits, fold, program="via"):
    return Design(kind, macro.generate(tech, kind, bits, fold, program), bits)


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["rom", "brom", "sram"]),
    pdk=st.sampled_from(["sky130", "asap7"]),
    program=st.sampled_from(["via", "diffusion"]),
    log_wpr=st.integers(0, 5),
    log_banks=st.integers(0, 2),
    rows=st.integers(1, 9),
    width=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    density=st.sampled_from([0.0, 0.3, 0.5, 1.0]),
)
def test_every_fold_reads_back(request, kind, pdk, program, log_wpr, log_banks, rows, width, seed, density):
    """Random shapes, folds, contents and densities: never a lost or flipped bit."""
    tech = request.getfixturevalue(pdk)
    wpr, banks = 1 << log_wpr, 1 << log_banks
    per_block = 4 if kind == "brom" else 1
    if banks > 1:  # a bank's words must be a power of two
        rows = 1 << (rows % 4)
    depth = rows * wpr * per_block * banks
    bits = np.random.default_rng(seed).random((depth, width)) < density
    result = readback(_design(tech, kind, bits, Fold(wpr, banks), program))
    assert result == {"addresses": depth, "mismatched_bits": 0, "method": "romalayout.sim"}


@pytest.mark.parametrize("kind", ["rom", "brom", "sram"])
@pytest.mark.parametrize("fold", [Fold(1, 1), Fold(4, 1), Fold(2, 2)])
def test_iverilog_reads_every_address(request, kind, fold):
    """The exported Verilog, with a real clock on the address registers, agrees bit for bit."""
    for pdk in ("sky130", "asap7"):
        tech = request.getfixturevalue(pdk)
        bits = np.random.default_rng(7).random((64, 5)) < 0.5
        d = _design(tech, kind, bits, fold)
        inputs, state = read_inputs(d)
        out = run_iverilog(d.netlist, tech, inputs, state=state)["data"]
        assert np.array_equal(out, bits), (pdk, kind, fold)


def test_readback_reports_a_wrong_mapping(sky130, monkeypatch):
    """A generator that put words in the wrong column groups must fail the read-back: swap the
    column groups of the physical map and count the bits that then differ."""
    bits = np.random.default_rng(3).random((32, 4)) < 0.5
    good = macro.physical

    def swapped(b, amap, bank):
        p = good(b, amap, bank)
        n = amap.fold.words_per_row
        return p.reshape(p.shape[0], -1, n)[:, :, ::-1].reshape(p.shape)

    monkeypatch.setattr(macro, "physical", swapped)
    r = readback(_design(sky130, "rom", bits, Fold(4, 1)))
    # Words 4r + g and 4r + 3 - g trade places: the mismatches are where they differ.
    expect = int((bits != bits.reshape(8, 4, 4)[:, ::-1, :].reshape(32, 4)).sum())
    assert expect > 0 and r["mismatched_bits"] == expect


def test_counts_by_hand(sky130):
    """ROM 64 x 4 at 4 words per row, via programming, in SKY130 (CDL device lines):
    - array: 64 x 4 = 256 transistors; precharge: one pmos per bit line, 16;
    - column mux: 16 pass nmos + a 2-to-4 column decoder (2 inv + 4 and2 = 2 x 2 + 4 x 6 = 28)
      + 4 select-line chains; sense: 4 pmos on the sense nodes + 4 inverters (8) = 12;
    - control: 6 address flip-flops (dfxtp_1, 24 device lines each) = 144 (6 sinks, no clock buffer).
    """
    bits = np.random.default_rng(1).random((64, 4)) < 0.5
    n = macro.generate(sky130, "rom", bits, Fold(4, 1))
    t = count(n, sky130).transistors
    assert t["array"] == 256 and t["precharge"] == 16 and t["sense"] == 12 and t["control"] == 144
    chain = n.attributes["drivers"]["column_select"]["cells"]
    inv_lines = {"sky130_fd_sc_hd__inv_%s" % k: 2 for k in (1, 2, 4, 6, 8, 12, 16)}  # every inverter is 2 device lines
    assert t["column_mux"] == 16 + 28 + 4 * sum(inv_lines[c] for c in chain)
    assert t["periphery"] == t["total"] - t["array"]


def test_brom_fold_shares_one_cgen_per_block_row(sky130):
    """At 4 words per row a B-ROM of 64 words has 4 block rows, so 4 CGens (44 or2 cells),
    against 16 unfolded: the candidates are shared by W x 4 columns."""
    bits = np.random.default_rng(2).random((64, 8)) < 0.5
    folded = macro.generate(sky130, "brom", bits, Fold(4, 1))
    flat = macro.generate(sky130, "brom", bits, Fold(1, 1))
    or2 = sky130.roles["or2"].cell
    assert count(folded, sky130).instances_by_type[or2] == 4 * 11
    assert count(flat, sky130).instances_by_type[or2] == 16 * 11
    assert folded.attributes["array_rows"] == 4 and folded.attributes["array_cols"] == 32


def test_without_array_builds_the_same_periphery(asap7):
    bits = np.random.default_rng(4).random((128, 8)) < 0.5
    full = count(macro.generate(asap7, "brom", bits, Fold(2, 2)), asap7).transistors
    bare = count(macro.generate(asap7, "brom", bits, Fold(2, 2), with_array=False), asap7).transistors
    assert bare["array"] == 0 and full["array"] == 128 * 8 // 4
    assert {k: v for k, v in bare.items() if k not in ("array", "total")} == {k: v for k, v in full.items() if k not in ("array", "total")}
