"""Address decoder from standard cells: k address bits -> one-hot word lines A_0..A_{D-1}.

Predecoding: up to four address bits are decoded directly by and2/and3/and4 of the true
and complemented bits; wider addresses are split into up to four fields, each decoded
recursively, and every word line is one AND of one line per field. This keeps every
gate at four inputs or fewer (the library's widest AND) and only builds the word lines
below `depth`.
"""

from __future__ import annotations

import numpy as np

from romalayout.netlist.logic import LogicBuilder

AND_BY_WIDTH = {2: "and2", 3: "and3", 4: "and4"}


def address_bits(depth: int) -> int:
    """ceil(log2(depth)), at least 1."""
    return max(1, int(depth - 1).bit_length())


def _split(n: int, parts: int) -> list[int]:
    base, extra = divmod(n, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _and_lines(lb: LogicBuilder, fields: list[np.ndarray], count: int, block: str) -> np.ndarray:
    """Lines i = AND over fields f of fields[f][digit_f(i)], for i < count (mixed radix, field 0 lowest)."""
    radices = [len(f) for f in fields]
    i = np.arange(count)
    picks, rem = [], i.copy()
    for f, r in zip(fields, radices):
        picks.append(f[rem % r])
        rem //= r
    if len(fields) == 1:
        return picks[0]
    role = AND_BY_WIDTH[len(fields)]
    pins = ("A", "B", "C", "D")[: len(fields)]
    return lb.gates(role, block, **dict(zip(pins, picks)))["Y"]


def _decode(lb: LogicBuilder, true_bits: np.ndarray, comp_bits: np.ndarray, count: int, block: str) -> np.ndarray:
    k = len(true_bits)
    if k <= 4:
        fields = [np.array([comp_bits[b], true_bits[b]]) for b in range(k)]
        return _and_lines(lb, fields, count, block)
    sizes = _split(k, min(4, -(-k // 4)) if k <= 16 else 4)
    fields, lo = [], 0
    for s in sizes:
        fields.append(_decode(lb, true_bits[lo : lo + s], comp_bits[lo : lo + s], 1 << s, block))
        lo += s
    return _and_lines(lb, fields, count, block)


def build(lb: LogicBuilder, addr: np.ndarray, depth: int, block: str = "decoder") -> np.ndarray:
    """Add a decoder for `depth` word lines driven by address nets `addr` (bit 0 first)."""
    addr = np.asarray(addr, dtype=np.int64)
    comp = lb.gates("inv", block, A=addr)["Y"]
    return _decode(lb, addr, comp, depth, block)
