"""Flat, index-addressed netlist (after Amaranth's NIR): a net is an integer, an instance
refers to nets by index, and every array is read-only once built.

Layout for N instances with P pins in all:
  inst_type[N]      index into `types`
  inst_block[N]     index into `blocks` (array, decoder, cgen, periphery, compute, ...);
                    the block is the one level of module hierarchy back ends see
  pin_offset[N+1]   instance i's pins are pin_net[pin_offset[i]:pin_offset[i+1]], in the
                    order of types[inst_type[i]].pins
  pin_net[P]        net index per pin; NO_NET (-1) for an unconnected device pin
Nets 0 and 1 are the constants 0 and 1 (tie-low / tie-high). A 10^6-device array costs
about 4 + 2 + 8 + 3 x 4 bytes per device, ~26 MB.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np

from romalayout.errors import NetlistError

CONST0 = 0
CONST1 = 1
NO_NET = -1
KINDS = ("cell", "nmos", "pmos", "bitcell")
DIRECTIONS = ("input", "output", "inout")


@dataclass(frozen=True)
class CellType:
    """What an instance is: a library cell (kind "cell", name as in the PDK) or a
    transistor-level device (kind "nmos"/"pmos", pins D G S) or a memory bitcell."""

    name: str
    pins: tuple[str, ...]
    directions: tuple[str, ...]
    kind: str = "cell"
    # Boolean function of the outputs, in the PDK tables' syntax ("Y=!(A&B); ..."),
    # empty for devices; the simulator compiles it.
    function: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise NetlistError("cell type %r: kind is %r, expected one of %s" % (self.name, self.kind, ", ".join(KINDS)))
        if len(self.pins) != len(self.directions):
            raise NetlistError("cell type %r: %d pins but %d directions" % (self.name, len(self.pins), len(self.directions)))
        for d in self.directions:
            if d not in DIRECTIONS:
                raise NetlistError("cell type %r: direction %r, expected one of %s" % (self.name, d, ", ".join(DIRECTIONS)))

    def pin_index(self, pin: str) -> int:
        try:
            return self.pins.index(pin)
        except ValueError:
            raise NetlistError("cell type %r has no pin %r (pins: %s)" % (self.name, pin, " ".join(self.pins))) from None


@dataclass(frozen=True)
class Port:
    """A top-level port; nets[0] is bit 0 (LSB)."""

    name: str
    direction: str  # "input" | "output"
    nets: tuple[int, ...]

    @property
    def width(self) -> int:
        return len(self.nets)


def _readonly(a: np.ndarray, dtype) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=dtype)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Netlist:
    """An immutable flat netlist. Build one with NetlistBuilder."""

    name: str
    types: tuple[CellType, ...]
    blocks: tuple[str, ...]
    inst_type: np.ndarray
    inst_block: np.ndarray
    pin_offset: np.ndarray
    pin_net: np.ndarray
    n_nets: int
    ports: tuple[Port, ...]
    net_names: Mapping[int, str]
    attributes: Mapping[str, object]

    def __post_init__(self):
        object.__setattr__(self, "inst_type", _readonly(self.inst_type, np.int32))
        object.__setattr__(self, "inst_block", _readonly(self.inst_block, np.int16))
        object.__setattr__(self, "pin_offset", _readonly(self.pin_offset, np.int64))
        object.__setattr__(self, "pin_net", _readonly(self.pin_net, np.int32))
        object.__setattr__(self, "net_names", MappingProxyType(dict(self.net_names)))
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))
        self.validate()

    @property
    def n_instances(self) -> int:
        return int(self.inst_type.shape[0])

    @property
    def n_pins(self) -> int:
        return int(self.pin_net.shape[0])

    def validate(self) -> None:
        """Check the structural invariants; raise NetlistError naming the first violation."""
        n = self.n_instances
        if self.inst_block.shape != (n,) or self.pin_offset.shape != (n + 1,):
            raise NetlistError("netlist %r: array shapes disagree (%d instances)" % (self.name, n))
        if n and (self.inst_type.min() < 0 or self.inst_type.max() >= len(self.types)):
            raise NetlistError("netlist %r: instance type index out of range" % self.name)
        if n and (self.inst_block.min() < 0 or self.inst_block.max() >= len(self.blocks)):
            raise NetlistError("netlist %r: block index out of range" % self.name)
        npins = np.array([len(t.pins) for t in self.types], dtype=np.int64)
        expect = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(npins[self.inst_type] if n else npins[:0], out=expect[1:])
        if not np.array_equal(expect, self.pin_offset):
            raise NetlistError("netlist %r: pin_offset does not match the pin counts of the instance types" % self.name)
        if self.n_pins and (self.pin_net.min() < NO_NET or self.pin_net.max() >= self.n_nets):
            bad = int(self.pin_net.max()) if self.pin_net.max() >= self.n_nets else int(self.pin_net.min())
            raise NetlistError("netlist %r: pin refers to net %d, expected 0..%d or %d" % (self.name, bad, self.n_nets - 1, NO_NET))
        for p in self.ports:
            for net in p.nets:
                if not 0 <= net < self.n_nets:
                    raise NetlistError("netlist %r: port %r refers to net %d" % (self.name, p.name, net))

    def port(self, name: str) -> Port:
        for p in self.ports:
            if p.name == name:
                return p
        raise NetlistError("netlist %r has no port %r" % (self.name, name))

    def pin_instances(self) -> np.ndarray:
        """The instance of every pin (n_pins,)."""
        return np.repeat(np.arange(self.n_instances, dtype=np.int64), np.diff(self.pin_offset))

    def pin_type_slots(self) -> np.ndarray:
        """For every pin, its row in a table of all types' pins laid end to end (types in
        order, each type's pins in order): where per-type-pin facts (names, directions, LEF
        shapes) of that pin are."""
        start = np.concatenate([[0], np.cumsum([len(t.pins) for t in self.types])]).astype(np.int64)
        inst = self.pin_instances()
        return start[self.inst_type[inst]] + np.arange(self.n_pins, dtype=np.int64) - self.pin_offset[inst]

    def type_pin_matrix(self, type_index: int) -> tuple[np.ndarray, np.ndarray]:
        """(instance indices, nets[k, npins]) for all instances of one type, in instance order."""
        idx = np.flatnonzero(self.inst_type == type_index)
        npins = len(self.types[type_index].pins)
        if npins == 0:
            return idx, np.zeros((idx.size, 0), dtype=np.int32)
        cols = self.pin_offset[idx][:, None] + np.arange(npins)[None, :]
        return idx, self.pin_net[cols]

    def instance_pins(self, i: int) -> dict[str, int]:
        t = self.types[int(self.inst_type[i])]
        nets = self.pin_net[self.pin_offset[i] : self.pin_offset[i + 1]]
        return dict(zip(t.pins, (int(x) for x in nets)))

    def net_name(self, net: int) -> str:
        if net == CONST0:
            return "const0"
        if net == CONST1:
            return "const1"
        return self.net_names.get(net, "n%d" % net)

    def memory_bytes(self) -> int:
        return int(self.inst_type.nbytes + self.inst_block.nbytes + self.pin_offset.nbytes + self.pin_net.nbytes)
