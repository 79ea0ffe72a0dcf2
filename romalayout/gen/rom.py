"""Standard NOR ROM (the paper's Fig. 4, left): decoder -> word lines A_i; bit line j is
pulled low by the transistor at (i, j) when A_i is high and M_ij = 1, so after the sense
inverter R_j = OR_i(A_i & M_ij).

Programming:
- "via" (default, as the paper counts it): a transistor at every intersection (D*W); a 1
  connects its drain to the bit line, a 0 leaves the via out (drain unconnected).
- "diffusion": a transistor only where M_ij = 1.
Addresses at or above the depth (when it is not a power of two) have no word line and read 0.
"""

from __future__ import annotations

import numpy as np

from romalayout.gen import common
from romalayout.netlist import NO_NET
from romalayout.netlist.ir import Netlist


def generate(tech, contents, program: str = "via") -> Netlist:
    """Standard ROM holding `contents` (bool, depth x width)."""
    bits = common.check_contents(contents)
    program = common.check_program(program)
    depth, width = bits.shape
    nb, lb, wl = common.start(tech, "rom", depth, width)
    bl = common.bit_lines_and_sense(nb, lb, width)
    rows, cols = np.meshgrid(np.arange(depth), np.arange(width), indexing="ij")
    rows, cols, m = rows.ravel(), cols.ravel(), bits.ravel()
    if program == "diffusion":
        rows, cols, m = rows[m], cols[m], m[m]
    drains = np.where(m, bl[cols], NO_NET)
    common.add_array(nb, wl[rows], drains, rows, cols)
    nb.attributes.update(
        {"program": program, "array_rows": depth, "array_cols": width, "array_lines_per_row": 1,
         "horizontal_lines": depth, "vertical_lines": width}
    )
    return nb.build()
