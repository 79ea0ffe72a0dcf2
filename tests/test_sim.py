import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from romalayout.errors import NetlistError
from romalayout.netlist import CONST0, NO_NET, CellType, NetlistBuilder
from romalayout.netlist.logic import LogicBuilder
from romalayout.sim import bits_to_int, simulate

NMOS = CellType("nmos", ("D", "G", "S"), ("inout", "input", "inout"), kind="nmos")
PMOS = CellType("pmos", ("D", "G", "S"), ("inout", "input", "inout"), kind="pmos")


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_ripple_adder_all_inputs(pdk, request):
    tech = request.getfixturevalue(pdk)
    nb = NetlistBuilder("add")
    lb = LogicBuilder(nb, tech)
    a, b = nb.new_nets(4), nb.new_nets(4)
    carry, s = CONST0, []
    for i in range(4):
        si, carry = lb.gate("fa", "compute", A=a[i], B=b[i], CI=carry)
        s.append(si)
    nb.add_port("a", "input", a)
    nb.add_port("b", "input", b)
    nb.add_port("s", "output", s + [carry])
    A, B = np.meshgrid(np.arange(16), np.arange(16))
    out = simulate(nb.build(), {"a": A.ravel(), "b": B.ravel()})
    assert np.array_equal(bits_to_int(out["s"]), A.ravel() + B.ravel())


@pytest.mark.parametrize("role,fn", [("nand2", lambda a, b: 1 - (a & b)), ("xor2", lambda a, b: a ^ b), ("nor2", lambda a, b: 1 - (a | b))])
def test_roles_truth_tables(sky130, asap7, role, fn):
    for tech in (sky130, asap7):
        nb = NetlistBuilder("g")
        lb = LogicBuilder(nb, tech)
        x = nb.new_nets(2)
        y = lb.gate(role, "logic", A=x[0], B=x[1])
        nb.add_port("x", "input", x)
        nb.add_port("y", "output", y)
        out = simulate(nb.build(), {"x": np.arange(4)})
        v = np.arange(4)
        assert out["y"][:, 0].astype(int).tolist() == fn(v & 1, v >> 1).tolist()


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(1, 9), st.data())
def test_wired_nor_lines(rows, cols, data):
    """Precharged lines pulled down by nmos devices: line j low iff a selected row has a device on j."""
    conn = np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=cols, max_size=cols), min_size=rows, max_size=rows)))
    nb = NetlistBuilder("arr")
    nb.add_type(NMOS)
    nb.add_type(PMOS)
    wl, bl = nb.new_nets(rows), nb.new_nets(cols)
    nb.add_many("pmos", "periphery", np.stack([bl, np.zeros_like(bl), np.ones_like(bl)], axis=1))
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    d = np.where(conn, bl[c], NO_NET).ravel()
    nb.add_many("nmos", "array", np.stack([d, wl[r].ravel(), np.full(d.size, CONST0)], axis=1))
    nb.add_port("wl", "input", wl)
    nb.add_port("bl", "output", bl)
    onehot = np.eye(rows, dtype=bool)
    out = simulate(nb.build(), {"wl": onehot})
    assert np.array_equal(out["bl"], ~conn)


def test_loop_refused(sky130):
    nb = NetlistBuilder("loop")
    lb = LogicBuilder(nb, sky130)
    lb._register("inv")
    a, b = nb.new_nets(2)
    nb.add("sky130_fd_sc_hd__inv_1", "logic", A=a, Y=b)
    nb.add("sky130_fd_sc_hd__inv_1", "logic", A=b, Y=a)
    with pytest.raises(NetlistError, match="loop"):
        simulate(nb.build(), {})
