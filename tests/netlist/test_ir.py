import numpy as np
import pytest
from hypothesis import given, strategies as st

from romalayout.errors import NetlistError
from romalayout.netlist import CONST0, CellType, NetlistBuilder

NAND = CellType("nand2", ("A", "B", "Y"), ("input", "input", "output"))
NMOS = CellType("nmos", ("D", "G", "S"), ("inout", "input", "inout"), kind="nmos")


def test_small_netlist_roundtrip():
    b = NetlistBuilder("t")
    b.add_type(NAND)
    a, c = b.new_nets(2, "in")
    y = b.new_net("y")
    b.add("nand2", "logic", A=a, B=c, Y=y)
    b.add_port("in", "input", [a, c])
    b.add_port("y", "output", y)
    n = b.build()
    assert n.n_instances == 1 and n.n_nets == 5 and n.n_pins == 3
    assert n.instance_pins(0) == {"A": a, "B": c, "Y": y}
    assert n.port("in").width == 2 and n.net_name(y) == "y"
    with pytest.raises(ValueError):
        n.pin_net[0] = 3  # read-only


def test_pin_instances_and_type_slots():
    """Each pin's instance, and its row in the types' pins laid end to end (here NAND's A B Y
    then NMOS's D G S), for instances of both types interleaved."""
    b = NetlistBuilder("t")
    b.add_type(NAND)
    b.add_type(NMOS)
    a, c, y = b.new_nets(3, "n")
    b.add("nmos", "array", D=a, G=c, S=y)
    b.add("nand2", "logic", A=a, B=c, Y=y)
    b.add("nmos", "array", D=y, G=a, S=c)
    n = b.build()
    names = [p for t in n.types for p in t.pins]
    assert n.pin_instances().tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    got = [(int(i), names[k]) for i, k in zip(n.pin_instances(), n.pin_type_slots())]
    want = [(i, p) for i in range(n.n_instances) for p in n.types[int(n.inst_type[i])].pins]
    assert got == want


def test_pin_errors():
    b = NetlistBuilder("t")
    b.add_type(NAND)
    with pytest.raises(NetlistError, match="missing pins"):
        b.add("nand2", "logic", A=0, B=0)
    with pytest.raises(NetlistError, match="out of range"):
        b.add("nand2", "logic", A=0, B=0, Y=99)
    with pytest.raises(NetlistError, match="registered twice"):
        b.add_type(CellType("nand2", ("A", "Y"), ("input", "output")))


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(1, 20)), min_size=1, max_size=10))
def test_bulk_chunks_match_offsets(chunks):
    b = NetlistBuilder("t")
    b.add_type(NAND)
    b.add_type(NMOS)
    nets = b.new_nets(10)
    expect = []
    for kind, count in chunks:
        name = ("nand2", "nmos")[kind]
        arr = np.resize(nets, (count, 3))
        b.add_many(name, "blk%d" % kind, arr)
        expect += [arr[i].tolist() for i in range(count)]
    n = b.build()
    got = [n.pin_net[n.pin_offset[i] : n.pin_offset[i + 1]].tolist() for i in range(n.n_instances)]
    assert got == expect


def test_million_devices_fast_and_small():
    import time

    t0 = time.perf_counter()
    b = NetlistBuilder("array")
    b.add_type(NMOS)
    wl = b.new_nets(16384)
    bl = b.new_nets(64)
    g = np.repeat(wl, 64)
    d = np.tile(bl, 16384)
    b.add_many("nmos", "array", np.stack([d, g, np.full_like(d, CONST0)], axis=1))
    n = b.build()
    assert n.n_instances == 1 << 20
    assert n.memory_bytes() < 64e6
    assert time.perf_counter() - t0 < 30  # generous: a smoke bound, the benchmark measures
