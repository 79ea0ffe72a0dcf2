"""The gate-level compute cell, simulated, against the numpy L-unit model bit for bit."""

import collections

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from romalayout.errors import InputError
from romalayout.gen import compute
from romalayout.sim import Simulator


@pytest.fixture(scope="module")
def cell(sky130, asap7):
    """cell(pdk, group, weight_bits) -> (netlist, Simulator), built once per module."""
    techs = {"sky130": sky130, "asap7": asap7}
    cache = {}

    def get(pdk, group, weight_bits):
        key = (pdk, group, weight_bits)
        if key not in cache:
            nl = compute.generate(techs[pdk], group=group, weight_bits=weight_bits)
            cache[key] = (nl, Simulator(nl))
        return cache[key]

    return get


def check(sim, x_bits, w, z, s_bits, weight_bits):
    out = compute.decode_outputs(sim.run(compute.input_vectors(x_bits, w, z, s_bits, weight_bits)))
    exp = compute.expected_outputs(x_bits, w, z, s_bits, weight_bits)
    assert set(out) == set(exp)
    for port in exp:
        bad = np.flatnonzero(out[port] != exp[port])
        assert bad.size == 0, "port %s differs on %d vectors, first %d: got %d, model %d" % (
            port, bad.size, bad[0], out[port][bad[0]], exp[port][bad[0]])


def fp16_pattern():
    """Finite FP16 bit patterns biased to the hard cases: zeros, denormals, extremes."""
    magnitude = st.one_of(
        st.integers(0, 0x7BFF),  # any finite
        st.integers(0, 0x03FF),  # denormal or zero
        st.integers(0x0400, 0x0BFF),  # smallest normals (exp 1, 2)
        st.sampled_from([0x0000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0x7800, 0x7BFF]),
    )
    return st.tuples(st.booleans(), magnitude).map(lambda t: t[1] | (0x8000 if t[0] else 0))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["sky130", "asap7"]), st.sampled_from([1, 4, 8]), st.sampled_from([2, 4]), st.data())
def test_small_cells_match_model(cell, pdk, group, weight_bits, data):
    n = data.draw(st.integers(1, 6), label="vectors")
    x = np.array(data.draw(st.lists(st.lists(fp16_pattern(), min_size=group, max_size=group), min_size=n, max_size=n)), dtype=np.uint16)
    w = np.array(data.draw(st.lists(st.lists(st.integers(0, (1 << weight_bits) - 1), min_size=group, max_size=group), min_size=n, max_size=n)))
    z = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    s = np.array(data.draw(st.lists(fp16_pattern(), min_size=n, max_size=n)), dtype=np.uint16)
    check(cell(pdk, group, weight_bits)[1], x, w, z, s, weight_bits)


def full_group_vectors(rng, group, weight_bits):
    """Random and worst-case vectors for a full group: Gaussian, uniform bit patterns,
    all-denormal, one huge lane among tiny ones, all zero, and the extremes of every
    output width (|x| = |s| = 65504, w and z at their limits)."""
    wmax = (1 << weight_bits) - 1
    xs, ws, zs, ss = [], [], [], []

    def add(x, w, z, s):
        xs.append(np.asarray(x, dtype=np.uint16))
        ws.append(np.asarray(w, dtype=np.int64))
        zs.append(z)
        ss.append(s)

    finite = np.array([b for b in range(0x7C00)], dtype=np.uint16)
    for _ in range(40):
        g = (rng.standard_normal(group) * 10.0 ** rng.uniform(-5, 4)).astype(np.float16).view(np.uint16)
        add(g, rng.integers(0, wmax + 1, group), int(rng.integers(0, 4)), int(finite[rng.integers(0, finite.size)] | 0x8000 * rng.integers(0, 2)))
        u = finite[rng.integers(0, finite.size, group)] | (rng.integers(0, 2, group) << 15).astype(np.uint16)
        add(u, rng.integers(0, wmax + 1, group), int(rng.integers(0, 4)), int(finite[rng.integers(0, finite.size)]))
        d = rng.integers(0, 0x400, group).astype(np.uint16) | (rng.integers(0, 2, group) << 15).astype(np.uint16)
        add(d, rng.integers(0, wmax + 1, group), int(rng.integers(0, 4)), int(rng.integers(0, 0x400)))
        spread = rng.integers(0, 0x800, group).astype(np.uint16)
        spread[rng.integers(0, group)] = 0x7800 | rng.integers(0, 0x400)
        add(spread, rng.integers(0, wmax + 1, group), int(rng.integers(0, 4)), 0x3C00)
    big, neg = 0x7BFF, 0xFBFF
    add(np.zeros(group), np.full(group, wmax), 3, big)
    add(np.full(group, 0x8000), np.full(group, wmax), 3, neg)
    for xv in (big, neg):
        for sv in (big, neg):
            add(np.full(group, xv), np.full(group, wmax), 0, sv)  # acc = +-G*2047*wmax
            add(np.full(group, xv), np.zeros(group), 3, sv)  # acc = -+G*2047*3
    return np.array(xs), np.array(ws), np.array(zs), np.array(ss, dtype=np.uint16)


@pytest.mark.parametrize("pdk,weight_bits", [("sky130", 2), ("asap7", 2), ("sky130", 4), ("asap7", 4)])
def test_full_group_matches_model(cell, pdk, weight_bits):
    rng = np.random.default_rng(20 + weight_bits)
    x, w, z, s = full_group_vectors(rng, 128, weight_bits)
    check(cell(pdk, 128, weight_bits)[1], x, w, z, s, weight_bits)


def test_default_cell_is_the_papers(sky130):
    nl = compute.generate(sky130)
    a = nl.attributes
    assert (a["kind"], a["pdk"], a["group"], a["weight_bits"], a["lanes"]) == ("compute", "sky130", 128, 2, 128)
    assert set(nl.blocks) == {"compute"}
    widths = {p.name: p.width for p in nl.ports}
    assert widths["x"] == 128 * 16 and widths["w"] == 256 and widths["z"] == 2 and widths["s"] == 16
    # Worst cases: |acc| <= 128 * 2047 * 3 < 2^20, |prod| <= that * 2047 < 2^31.
    assert widths["acc"] == 21 and widths["prod"] == 32 and widths["exp"] == 6
    cells = {r.cell for r in sky130.roles.values()}
    assert all(t.name in cells for t in nl.types)
    assert 10_000 < nl.n_instances < 100_000


def fa_count(nl):
    c = collections.Counter(nl.types[i].name for i in nl.inst_type)
    return sum(v for k, v in c.items() if k.endswith("fa_1"))


@pytest.mark.parametrize("weight_bits", [2, 4])
def test_counts_scale_linearly_with_group(sky130, weight_bits):
    nl = {g: compute.generate(sky130, g, weight_bits) for g in (16, 32, 64, 128)}
    n = {g: nl[g].n_instances for g in nl}
    per_lane = [(n[2 * g] - n[g]) / g for g in (16, 32, 64)]
    # Every lane adds the same logic; only the OR trees and final adders grow slower.
    assert max(per_lane) / min(per_lane) < 1.1
    assert 1.8 < n[128] / n[64] < 2.0
    # Each lane enters 11*B partial products + 2B sign bits into the acc tree and 13 bits
    # into the vsum tree; a full adder removes one bit, so the trees need at least that
    # many full adders minus the two rows they leave.
    g = 128
    widths = compute.output_widths(g, weight_bits)
    lower = g * (13 * weight_bits + 13) - 2 * (widths["acc"] + widths["vsum"]) - 4 * widths["acc"]
    assert fa_count(nl[g]) >= lower


def test_uint4_costs_more_than_uint2(sky130):
    n2 = compute.generate(sky130, 32, 2).n_instances
    n4 = compute.generate(sky130, 32, 4).n_instances
    # Two more weight bits: at least 22 more partial-product and2 cells per lane.
    assert n4 - n2 >= 22 * 32


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(group=0), "group must be an integer in 1..4096, got 0"),
        (dict(group=3.5), "group must be an integer"),
        (dict(group=True), "group must be an integer"),
        (dict(weight_bits=3), "weight_bits must be one of 2, 4, got 3"),
        (dict(group=128, lanes=64), "lanes must equal group"),
    ],
)
def test_bad_parameters(sky130, kwargs, match):
    with pytest.raises(InputError, match=match):
        compute.generate(sky130, **kwargs)


def test_lanes_equal_to_group_is_accepted(sky130):
    assert compute.generate(sky130, group=8, lanes=8).attributes["lanes"] == 8
