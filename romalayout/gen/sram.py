"""6T SRAM baseline of the same D x W (the first design of the paper's Fig. 12).

Array: D x W 6T bitcells (WL, BL, BLB). Decoder: the same standard-cell decoder as the
ROMs. Periphery per column: BL and BLB precharge pmos plus an equalizing pmos, a
differential read stage data = nor2(BLB, inv(BL)) (standard cells standing in for a
latch sense amplifier of similar size), and a write driver: two nmos pull-downs on BL and
BLB gated by and2(we, !din) and and2(we, din). Reads are combinational with we = 0; the
stored bits are the simulator's `state` (one per bitcell, in row-major order).
"""

from __future__ import annotations

import numpy as np

from romalayout.contents import check_shape
from romalayout.gen import decoder
from romalayout.gen.devices import NMOS, PMOS, SRAM6T
from romalayout.netlist import CONST0, CONST1, NetlistBuilder
from romalayout.netlist.ir import Netlist
from romalayout.netlist.logic import LogicBuilder


def generate(tech, depth: int, width: int) -> Netlist:
    """SRAM macro netlist with ports addr, din, we (inputs) and data (output)."""
    check_shape(depth, width)
    nb = NetlistBuilder("top")
    lb = LogicBuilder(nb, tech)
    for t in (NMOS, PMOS, SRAM6T):
        nb.add_type(t)
    addr = nb.new_nets(decoder.address_bits(depth), "addr")
    din = nb.new_nets(width, "din")
    we = nb.new_net("we")
    nb.add_port("addr", "input", addr)
    nb.add_port("din", "input", din)
    nb.add_port("we", "input", we)
    wl = decoder.build(lb, addr, depth)
    bl, blb = nb.new_nets(width, "bl"), nb.new_nets(width, "blb")
    # Precharge (gate tied low, as in the ROMs, so the read is combinational) and equalizer.
    pre = np.stack([np.r_[bl, blb], np.full(2 * width, CONST0), np.full(2 * width, CONST1)], axis=1)
    nb.add_many("pmos", "periphery", pre)
    nb.add_many("pmos", "periphery", np.stack([bl, np.full(width, CONST0), blb], axis=1))
    data = lb.gates("nor2", "periphery", A=blb, B=lb.gates("inv", "periphery", A=bl)["Y"])["Y"]
    nb.add_port("data", "output", data)
    ndin = lb.gates("inv", "periphery", A=din)["Y"]
    w0 = lb.gates("and2", "periphery", A=np.full(width, we), B=ndin)["Y"]
    w1 = lb.gates("and2", "periphery", A=np.full(width, we), B=din)["Y"]
    nb.add_many("nmos", "periphery", np.stack([bl, w0, np.full(width, CONST0)], axis=1))
    nb.add_many("nmos", "periphery", np.stack([blb, w1, np.full(width, CONST0)], axis=1))
    rows, cols = np.meshgrid(np.arange(depth), np.arange(width), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    nb.add_many("sram6t", "array", np.stack([wl[rows], bl[cols], blb[cols]], axis=1))
    nb.attributes.update(
        {"kind": "sram", "pdk": tech.name, "depth": int(depth), "width": int(width),
         "array_rows": int(depth), "array_cols": int(width), "array_lines_per_row": 1,
         "array_device_row": rows.astype(np.int32), "array_device_col": cols.astype(np.int32),
         "horizontal_lines": int(depth), "vertical_lines": 2 * int(width)}
    )
    return nb.build()
