"""B-ROM (the paper's Fig. 4, right): addresses in blocks of four. Per block b a CGen makes
the candidates C_k = OR_{i<4}(A_{4b+i} & bit_i(k)), k = 0..15; per block and column j one
transistor whose gate is C_k with k the nibble column j holds in rows 4b..4b+3
(bit i = M[4b+i, j]). With one-hot word lines only the addressed block has live
candidates and C_k = bit_{addr mod 4}(k), so R_j = M[addr, j].

CGen sharing: one CGen per block, shared by all W columns of that block. C_0 is the
constant 0 and C_1, C_2, C_4, C_8 are the word lines themselves; the other eleven are
or2 gates that reuse each other (C_7 = C_3 | A_2, C_15 = C_3 | C_12, ...), so
NUM_CGEN = 11 or2 cells. A column holding nibble 0 gets a transistor on C_0 (gate tied
low) under via programming (W transistors per block, as the paper counts), none under
diffusion programming.

The depth must be a multiple of four: other depths are refused, not padded.
"""

from __future__ import annotations

import numpy as np

from romalayout.errors import InputError
from romalayout.gen import common
from romalayout.netlist import CONST0
from romalayout.netlist.ir import Netlist

# (k, a, b): C_k = or2(C_a, C_b), in an order where operands already exist.
CGEN_OR2 = ((3, 1, 2), (5, 1, 4), (6, 2, 4), (9, 1, 8), (10, 2, 8), (12, 4, 8),
            (7, 3, 4), (11, 3, 8), (13, 5, 8), (14, 6, 8), (15, 3, 12))
NUM_CGEN_CELLS = len(CGEN_OR2)
LINES_PER_BLOCK = 15  # C_1..C_15 are wires across the block's row; C_0 is the constant


def cgen(lb, wl: np.ndarray) -> np.ndarray:
    """Candidates (blocks, 16) for word lines wl (blocks*4,); column k holds C_k's net."""
    blocks = wl.size // 4
    c = np.zeros((blocks, 16), dtype=np.int64)
    c[:, 0] = CONST0
    for i in range(4):
        c[:, 1 << i] = wl[i::4]
    for k, a, b in CGEN_OR2:
        c[:, k] = lb.gates("or2", "cgen", A=c[:, a], B=c[:, b])["Y"]
    return c


def nibbles(bits: np.ndarray) -> np.ndarray:
    """(depth, W) bits -> (depth/4, W) nibbles, bit i from row 4b+i."""
    d, w = bits.shape
    return (bits.reshape(d // 4, 4, w).astype(np.int64) << np.arange(4)[None, :, None]).sum(axis=1)


def generate(tech, contents, program: str = "via") -> Netlist:
    """B-ROM holding `contents` (bool, depth x width; depth a multiple of 4)."""
    bits = common.check_contents(contents)
    program = common.check_program(program)
    depth, width = bits.shape
    if depth % 4:
        raise InputError("B-ROM depth must be a multiple of 4, got %d" % depth)
    nb, lb, wl = common.start(tech, "brom", depth, width)
    cand = cgen(lb, wl)
    bl = common.bit_lines_and_sense(nb, lb, width)
    k = nibbles(bits)
    rows, cols = np.meshgrid(np.arange(depth // 4), np.arange(width), indexing="ij")
    rows, cols, k = rows.ravel(), cols.ravel(), k.ravel()
    if program == "diffusion":
        keep = k != 0
        rows, cols, k = rows[keep], cols[keep], k[keep]
    common.add_array(nb, cand[rows, k], bl[cols], rows, cols)
    nb.attributes.update(
        {"program": program, "array_rows": depth // 4, "array_cols": width,
         "array_lines_per_row": LINES_PER_BLOCK, "num_cgen_cells": NUM_CGEN_CELLS,
         "horizontal_lines": depth // 4 * LINES_PER_BLOCK, "vertical_lines": width,
         "candidates_per_block": 16}
    )
    return nb.build()
