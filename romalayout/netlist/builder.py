"""A small mutable builder that collects instances in chunks and freezes them into a Netlist."""

from __future__ import annotations

import numpy as np

from romalayout.errors import NetlistError
from romalayout.netlist.ir import CONST0, CONST1, NO_NET, CellType, Netlist, Port


class NetlistBuilder:
    """Collects types, nets, instances and ports. Bulk adds take numpy arrays, so a
    10^6-device array is a handful of calls, not a Python loop."""

    def __init__(self, name: str):
        self.name = name
        self._types: list[CellType] = []
        self._type_index: dict[str, int] = {}
        self._blocks: list[str] = []
        self._block_index: dict[str, int] = {}
        self._n_nets = 2  # CONST0, CONST1
        self._chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (types, blocks, nets 2-D)
        self._ports: list[Port] = []
        self._net_names: dict[int, str] = {}
        self.attributes: dict[str, object] = {}

    # -- types and blocks -------------------------------------------------
    def add_type(self, ctype: CellType) -> int:
        """Register a cell type (idempotent for an identical type); return its index."""
        if ctype.name in self._type_index:
            i = self._type_index[ctype.name]
            if self._types[i] != ctype:
                raise NetlistError("cell type %r registered twice with different pins" % ctype.name)
            return i
        self._type_index[ctype.name] = len(self._types)
        self._types.append(ctype)
        return self._type_index[ctype.name]

    def type(self, name: str) -> CellType:
        return self._types[self._type_index[name]]

    def block(self, name: str) -> int:
        if name not in self._block_index:
            self._block_index[name] = len(self._blocks)
            self._blocks.append(name)
        return self._block_index[name]

    # -- nets ---------------------------------------------------------------
    def new_nets(self, count: int, name: str | None = None) -> np.ndarray:
        """Allocate `count` fresh nets; optionally name them name[0], name[1], ..."""
        if count < 0:
            raise NetlistError("net count must be non-negative, got %d" % count)
        nets = np.arange(self._n_nets, self._n_nets + count, dtype=np.int64)
        self._n_nets += count
        if name is not None:
            for k, n in enumerate(nets.tolist()):
                self._net_names[n] = "%s[%d]" % (name, k) if count > 1 else name
        return nets

    def new_net(self, name: str | None = None) -> int:
        return int(self.new_nets(1, name)[0])

    @property
    def n_nets(self) -> int:
        return self._n_nets

    @property
    def n_instances(self) -> int:
        """Instances added so far (the index the next one gets)."""
        return sum(c[0].size for c in self._chunks)

    # -- instances ----------------------------------------------------------
    def add(self, type_name: str, block: str, **pins: int) -> None:
        """Add one instance; every pin of the type must be given by name."""
        t = self.type(type_name)
        missing = [p for p in t.pins if p not in pins]
        extra = [p for p in pins if p not in t.pins]
        if missing or extra:
            raise NetlistError(
                "instance of %r: missing pins %s, unknown pins %s" % (type_name, missing or "none", extra or "none")
            )
        self.add_many(type_name, block, np.array([[pins[p] for p in t.pins]], dtype=np.int64))

    def add_many(self, type_name: str, block: str, nets: np.ndarray) -> None:
        """Add len(nets) instances of one type; nets[k] lists instance k's nets in pin order."""
        ti = self._type_index[type_name]
        npins = len(self._types[ti].pins)
        nets = np.asarray(nets, dtype=np.int64)
        if nets.ndim != 2 or nets.shape[1] != npins:
            raise NetlistError("add_many(%r): nets has shape %s, expected (n, %d)" % (type_name, nets.shape, npins))
        if nets.size and (nets.min() < NO_NET or nets.max() >= self._n_nets):
            raise NetlistError("add_many(%r): net index out of range 0..%d" % (type_name, self._n_nets - 1))
        n = nets.shape[0]
        self._chunks.append(
            (np.full(n, ti, dtype=np.int32), np.full(n, self.block(block), dtype=np.int16), nets.astype(np.int32))
        )

    # -- ports --------------------------------------------------------------
    def add_port(self, name: str, direction: str, nets) -> None:
        nets = tuple(int(n) for n in np.atleast_1d(np.asarray(nets)))
        if direction not in ("input", "output"):
            raise NetlistError("port %r: direction %r, expected input or output" % (name, direction))
        if any(p.name == name for p in self._ports):
            raise NetlistError("port %r added twice" % name)
        self._ports.append(Port(name, direction, nets))
        for k, n in enumerate(nets):
            if n not in (CONST0, CONST1):
                self._net_names.setdefault(n, "%s[%d]" % (name, k) if len(nets) > 1 else name)

    # -- freeze -------------------------------------------------------------
    def build(self) -> Netlist:
        """Freeze into an immutable Netlist (the builder may be discarded afterwards)."""
        if self._chunks:
            inst_type = np.concatenate([c[0] for c in self._chunks])
            inst_block = np.concatenate([c[1] for c in self._chunks])
            pin_net = np.concatenate([c[2].ravel() for c in self._chunks])
        else:
            inst_type = np.zeros(0, np.int32)
            inst_block = np.zeros(0, np.int16)
            pin_net = np.zeros(0, np.int32)
        npins = np.array([len(t.pins) for t in self._types] or [0], dtype=np.int64)
        pin_offset = np.zeros(inst_type.size + 1, dtype=np.int64)
        np.cumsum(npins[inst_type], out=pin_offset[1:])
        return Netlist(
            name=self.name,
            types=tuple(self._types),
            blocks=tuple(self._blocks),
            inst_type=inst_type,
            inst_block=inst_block,
            pin_offset=pin_offset,
            pin_net=pin_net,
            n_nets=self._n_nets,
            ports=tuple(self._ports),
            net_names=self._net_names,
            attributes=self.attributes,
        )
