"""Pieces the ROM and B-ROM generators share: ports and decoder, bit lines and sensing."""

from __future__ import annotations

import numpy as np

from romalayout.contents import check_shape
from romalayout.errors import InputError
from romalayout.gen import decoder
from romalayout.gen.devices import NMOS, PMOS, PROGRAMS
from romalayout.netlist import CONST0, CONST1, NetlistBuilder
from romalayout.netlist.logic import LogicBuilder


def check_contents(contents) -> np.ndarray:
    bits = np.asarray(contents)
    if bits.ndim != 2:
        raise InputError("contents must be a (depth, width) bit matrix, got shape %s" % (bits.shape,))
    check_shape(int(bits.shape[0]), int(bits.shape[1]))
    return bits.astype(bool)


def check_program(program: str) -> str:
    if program not in PROGRAMS:
        raise InputError("program must be one of %s, got %r" % (", ".join(PROGRAMS), program))
    return program


def start(tech, kind: str, depth: int, width: int):
    """A builder with the device types, the `addr` port and a decoder; returns (nb, lb, word lines)."""
    nb = NetlistBuilder("top")
    lb = LogicBuilder(nb, tech)
    nb.add_type(NMOS)
    nb.add_type(PMOS)
    addr = nb.new_nets(decoder.address_bits(depth), "addr")
    nb.add_port("addr", "input", addr)
    wl = decoder.build(lb, addr, depth)
    nb.attributes.update({"kind": kind, "pdk": tech.name, "depth": int(depth), "width": int(width)})
    return nb, lb, wl


def bit_lines_and_sense(nb: NetlistBuilder, lb: LogicBuilder, width: int) -> np.ndarray:
    """W bit lines, each with a load pmos (gate tied low: a pseudo-NMOS NOR line, so the read
    is combinational) and an inverter as the sense stage driving `data`. Returns the bit lines."""
    bl = nb.new_nets(width, "bl")
    nb.add_many("pmos", "periphery", np.stack([bl, np.full(width, CONST0), np.full(width, CONST1)], axis=1))
    data = lb.gates("inv", "periphery", A=bl)["Y"]
    nb.add_port("data", "output", data)
    return bl


def add_array(nb: NetlistBuilder, gates: np.ndarray, drains: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
    """Array nmos devices (source to ground) and their grid positions for placement (appended
    to those of earlier calls: a macro with banks adds one array per bank)."""
    n = gates.size
    nb.add_many("nmos", "array", np.stack([drains, gates, np.full(n, CONST0)], axis=1))
    append_positions(nb, rows, cols)


def append_positions(nb: NetlistBuilder, rows: np.ndarray, cols: np.ndarray) -> None:
    """Record grid positions of array devices just added, after any recorded before."""
    for key, v in (("array_device_row", rows), ("array_device_col", cols)):
        v = np.asarray(v).astype(np.int32)
        old = nb.attributes.get(key)
        nb.attributes[key] = v if old is None else np.concatenate([old, v])
