"""Small netlists for the export tests: logic from LogicBuilder, a NOR ROM with precharge,
and a 6T bitcell array."""

import numpy as np

from romalayout.netlist import CONST0, NO_NET, CellType, NetlistBuilder
from romalayout.netlist.logic import ROLE_PINS, LogicBuilder

NMOS = CellType("nmos", ("D", "G", "S"), ("inout", "input", "inout"), kind="nmos")
PMOS = CellType("pmos", ("D", "G", "S"), ("inout", "input", "inout"), kind="pmos")
BITCELL = CellType("bitcell", ("WL", "BL", "BLB"), ("input", "inout", "inout"), kind="bitcell")


def all_roles(tech):
    """One gate of every combinational role on inputs x[0..3]; returns (netlist, roles)."""
    nb = NetlistBuilder("top")
    lb = LogicBuilder(nb, tech)
    x = nb.new_nets(4, "x")
    outs, roles = [], []
    for role in sorted(ROLE_PINS):
        if role == "dff":
            continue
        ins, _ = ROLE_PINS[role]
        res = lb.gates(role, "compute", **{p: [x[k % 4]] for k, p in enumerate(ins)})
        outs += [int(res[p][0]) for p in ROLE_PINS[role][1]]
        roles.append(role)
    nb.add_port("x", "input", x)
    nb.add_port("y", "output", outs)
    return nb.build(), roles


def adder(tech, bits=4):
    """A ripple-carry adder (full adders) plus a tiny decoder block, as in tests/test_sim.py."""
    nb = NetlistBuilder("top")
    lb = LogicBuilder(nb, tech)
    a, b = nb.new_nets(bits, "a"), nb.new_nets(bits, "b")
    carry, s = CONST0, []
    for i in range(bits):
        si, carry = lb.gate("fa", "compute", A=a[i], B=b[i], CI=carry)
        s.append(si)
    sel = lb.gate("nand2", "decoder", A=a[0], B=b[0])
    sel = lb.gate("aoi21", "decoder", A1=sel, A2=a[1], B=b[1])
    nb.add_port("a", "input", a)
    nb.add_port("b", "input", b)
    nb.add_port("s", "output", s + [carry])
    nb.add_port("sel", "output", [sel])
    return nb.build()


def rom(tech, rows=8, cols=5, seed=0):
    """Decoder (and-trees of address literals) + precharged NOR array + output inverters;
    returns (netlist, contents) with data == contents[addr]."""
    conn = np.random.default_rng(seed).random((rows, cols)) < 0.5
    nb = NetlistBuilder("top")
    lb = LogicBuilder(nb, tech)
    k = max(1, int(np.ceil(np.log2(rows))))
    a = nb.new_nets(k, "addr")
    na = [lb.inv(x, "decoder") for x in a]
    wl = []
    for r in range(rows):
        lits = [a[i] if (r >> i) & 1 else na[i] for i in range(k)]
        wl.append(lb.reduce("and2", "and3", "and4", lits, "decoder") if k > 1 else lits[0])
    nb.add_type(NMOS)
    nb.add_type(PMOS)
    bl = nb.new_nets(cols)
    nb.add_many("pmos", "periphery", np.stack([bl, np.zeros_like(bl), np.ones_like(bl)], axis=1))
    R, C = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    d = np.where(conn, bl[C], NO_NET).ravel()
    nb.add_many("nmos", "array", np.stack([d, np.array(wl)[R].ravel(), np.full(d.size, CONST0)], axis=1))
    data = lb.gates("inv", "periphery", A=bl)["Y"]
    nb.add_port("addr", "input", a)
    nb.add_port("data", "output", data)
    return nb.build(), conn


def bitcells(rows=4, cols=3):
    """A 6T array: word lines in, BL and BLB out, both precharged."""
    nb = NetlistBuilder("top")
    nb.add_type(BITCELL)
    nb.add_type(PMOS)
    wl, bl, blb = nb.new_nets(rows), nb.new_nets(cols), nb.new_nets(cols)
    lines = np.concatenate([bl, blb])
    nb.add_many("pmos", "periphery", np.stack([lines, np.zeros_like(lines), np.ones_like(lines)], axis=1))
    R, C = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    nb.add_many("bitcell", "array", np.stack([wl[R].ravel(), bl[C].ravel(), blb[C].ravel()], axis=1))
    nb.add_port("wl", "input", wl)
    nb.add_port("bl", "output", bl)
    nb.add_port("blb", "output", blb)
    return nb.build()
