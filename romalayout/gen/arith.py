"""Arithmetic building blocks on LogicBuilder roles: muxes, a bit-column adder (Dadda tree
plus ripple-carry adder) and signed-width helpers. Everything is vectorized over arrays
of nets so a 128-lane datapath is a few hundred builder calls, not tens of thousands.

A number in a ColumnSum is a multiset of bits, bit b in column c weighing 2^c, plus an
integer constant; the result is taken modulo 2^width. Signed terms are entered with the
usual constant trick (a negative-weight bit b becomes !b at the same column and a -2^c
constant), so no term is ever sign-extended across the width.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from romalayout.netlist.ir import CONST0, CONST1
from romalayout.netlist.logic import LogicBuilder


def signed_bits(max_abs: int) -> int:
    """Two's complement width that holds every integer in [-max_abs, max_abs]."""
    return int(max_abs).bit_length() + 1


def gates_nd(lb: LogicBuilder, role: str, block: str, **inputs) -> dict[str, np.ndarray]:
    """LogicBuilder.gates for arrays of any shape: inputs broadcast together, outputs come
    back in the broadcast shape (LogicBuilder itself takes 1-D arrays)."""
    names = list(inputs)
    arrays = np.broadcast_arrays(*[np.asarray(inputs[k], dtype=np.int64) for k in names])
    shape = arrays[0].shape
    out = lb.gates(role, block, **{k: a.ravel() for k, a in zip(names, arrays)})
    return {k: v.reshape(shape) for k, v in out.items()}


def mux(lb: LogicBuilder, block: str, sel, sel_n, a, b) -> np.ndarray:
    """sel ? a : b, true polarity, as three nand2 per bit (sel_n = !sel given by the caller
    so one inverter serves many bits). Arrays broadcast."""
    na = gates_nd(lb, "nand2", block, A=sel, B=a)["Y"]
    nb_ = gates_nd(lb, "nand2", block, A=sel_n, B=b)["Y"]
    return gates_nd(lb, "nand2", block, A=na, B=nb_)["Y"]


def mux_n(lb: LogicBuilder, block: str, sel, sel_n, a, b) -> np.ndarray:
    """!(sel ? a : b) as aoi21(sel, a, sel_n & b): two cells per bit, inverted output.
    Stages of a shifter alternate polarity so no inverter is ever needed on the data."""
    t = gates_nd(lb, "and2", block, A=sel_n, B=b)["Y"]
    return gates_nd(lb, "aoi21", block, A1=sel, A2=a, B=t)["Y"]


def add_groups(lb: LogicBuilder, block: str, groups) -> tuple[np.ndarray, np.ndarray]:
    """Sum and carry of each group of at most three nets (bits of one column).

    Constant nets are folded at build time: a constant-1 input turns a full adder into
    xnor2 + or2 and a half adder into one inverter; constant-0 inputs drop out. Groups of
    the same shape are built with one vectorized call."""
    n = len(groups)
    sums = np.empty(n, dtype=np.int64)
    carries = np.empty(n, dtype=np.int64)
    classes = defaultdict(list)
    for gi, nets in enumerate(groups):
        reals = [int(x) for x in nets if x != CONST0 and x != CONST1]
        ones = sum(1 for x in nets if x == CONST1)
        classes[(len(reals), ones)].append((gi, reals))
    for (r, k), items in classes.items():
        idx = np.array([gi for gi, _ in items], dtype=np.int64)
        ins = np.array([rl for _, rl in items], dtype=np.int64).reshape(len(items), r)
        if r + k > 3:
            raise ValueError("add_groups: a group has %d bits, at most 3 allowed" % (r + k))
        if r == 0:
            s, c = (CONST1 if k & 1 else CONST0), (CONST1 if k >= 2 else CONST0)
        elif r == 1:
            a = ins[:, 0]
            if k == 0:
                s, c = a, CONST0
            elif k == 1:  # a + 1: sum !a, carry a
                s, c = lb.gates("inv", block, A=a)["Y"], a
            else:  # a + 2: sum a, carry 1
                s, c = a, CONST1
        elif r == 2:
            a, b = ins[:, 0], ins[:, 1]
            if k == 0:
                o = lb.gates("ha", block, A=a, B=b)
                s, c = o["S"], o["CO"]
            else:  # a + b + 1
                s = lb.gates("xnor2", block, A=a, B=b)["Y"]
                c = lb.gates("or2", block, A=a, B=b)["Y"]
        else:
            o = lb.gates("fa", block, A=ins[:, 0], B=ins[:, 1], CI=ins[:, 2])
            s, c = o["S"], o["CO"]
        sums[idx] = s
        carries[idx] = c
    return sums, carries


def _dadda_heights(max_height: int) -> list[int]:
    """Dadda's target heights below max_height, largest first (2, 3, 4, 6, 9, 13, ...)."""
    seq = [2]
    while int(seq[-1] * 1.5) < max_height:
        seq.append(int(seq[-1] * 1.5))
    return [d for d in reversed(seq) if d < max_height]


class ColumnSum:
    """Bits by column plus a constant; `build` returns the sum modulo 2^width as nets."""

    def __init__(self, width: int):
        self.width = int(width)
        self.cols: list[list[int]] = [[] for _ in range(self.width)]
        self.const = 0

    def add(self, nets, shift: int = 0) -> None:
        """Add unsigned numbers: nets[..., i] is bit i, weighing 2^(shift+i). Bits at or
        above the width are dropped (they vanish modulo 2^width)."""
        nets = np.asarray(nets, dtype=np.int64)
        nets = nets.reshape(-1, nets.shape[-1]) if nets.ndim else nets.reshape(1, 1)
        for i in range(nets.shape[1]):
            c = shift + i
            if c >= self.width:
                break
            col = nets[:, i]
            self.const += int((col == CONST1).sum()) << c
            self.cols[c].extend(col[(col != CONST0) & (col != CONST1)].tolist())

    def add_const(self, value: int) -> None:
        self.const += int(value)

    def build(self, lb: LogicBuilder, block: str) -> np.ndarray:
        """Dadda reduction to two rows, then a ripple-carry adder (minimum area; depth is
        no concern for an area estimate). Returns `width` nets, bit 0 first."""
        cols = [list(c) for c in self.cols]
        k = self.const % (1 << self.width)
        for c in range(self.width):
            if (k >> c) & 1:
                cols[c].insert(0, CONST1)  # first in line: absorbed by the first adder
        for d in _dadda_heights(max(len(c) for c in cols) if cols else 0):
            cols = self._stage(lb, block, cols, d)
        out, carry = [], CONST0
        for c in range(self.width):
            s, cy = add_groups(lb, block, [tuple(cols[c]) + (carry,)])
            out.append(int(s[0]))
            carry = int(cy[0])
        return np.array(out, dtype=np.int64)

    def _stage(self, lb, block, cols, d):
        """One Dadda stage: reduce every column to at most d bits, counting the carries
        the column below sends up in this stage."""
        new = [[] for _ in range(self.width)]
        groups, where = [], []
        carries_in = 0
        for c in range(self.width):
            bits = cols[c]
            h, pos, made = len(bits) + carries_in, 0, 0
            while h > d:
                take = 3 if h - d >= 2 and len(bits) - pos >= 3 else 2
                if len(bits) - pos < take:
                    raise AssertionError("Dadda stage ran out of bits in column %d" % c)
                groups.append(tuple(bits[pos : pos + take]))
                where.append(c)
                pos += take
                h -= take - 1
                made += 1
            new[c].extend(bits[pos:])
            carries_in = made
        if groups:
            sums, carries = add_groups(lb, block, groups)
            for c, s, cy in zip(where, sums.tolist(), carries.tolist()):
                new[c].append(s)
                if c + 1 < self.width and cy != CONST0:
                    new[c + 1].append(cy)
        return new


def ripple_add(lb: LogicBuilder, block: str, a, b, width: int) -> np.ndarray:
    """a + b modulo 2^width for arrays of numbers: a, b are (n, bits) nets (bit 0 first),
    one ripple-carry adder per row, built bit-serially but vectorized over rows."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    n = a.shape[0]
    carry = np.full(n, CONST0, dtype=np.int64)
    out = []
    for i in range(width):
        ai = a[:, i] if i < a.shape[1] else np.full(n, CONST0)
        bi = b[:, i] if i < b.shape[1] else np.full(n, CONST0)
        s, carry = add_groups(lb, block, list(zip(ai.tolist(), bi.tolist(), carry.tolist())))
        out.append(s)
    return np.stack(out, axis=1)


__all__ = ["ColumnSum", "add_groups", "gates_nd", "mux", "mux_n", "ripple_add", "signed_bits"]
