"""Vectorized logic simulation of the netlist IR, 64 test vectors per machine word.

Semantics:
- kind "cell": the cell's Boolean function (the PDK tables' `function` string).
- kind "nmos": a switch onto a precharged line. A net that is the drain (D) of any nmos
  is a wired line: during evaluation it is low when any of its devices has its gate high
  and its source low (NOR when the sources are CONST0; a pass device of a column mux when
  the source is another line: the directed model is exact while at most one device on a
  line conducts from a line, which the one-hot mux selects guarantee). Devices with an
  unconnected drain (NO_NET; a via-programmed 0) do nothing. "pmos" devices are the
  precharge: their drain is a precharged line (high unless pulled down), and they are off
  while evaluating. The Verilog device models use the same rule (export/devices.py).
- kind "bitcell": a 6T cell with pins WL, BL, BLB whose stored bit comes from `state`;
  while its word line is high it discharges BLB (bit 1) or BL (bit 0).
- storage cells (flip-flops, latches: "sequential[...] Q=IQ"): settled. Each input vector
  is held for enough clock cycles that every register holds its D input, so a register is
  evaluated as Q = D (or !D for an inverted output). That is a memory read with registered
  inputs: an address presented and clocked in. iverilog runs the same netlist with a real
  clock (romalayout.verify.run_iverilog) to check the timing-free claim.
Levels are found once (numpy relaxation); each level is evaluated per cell type with one
gather and one scatter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.errors import NetlistError, InputError
from romalayout.netlist.function import parse_function, settled_function
from romalayout.netlist.ir import CONST0, CONST1, NO_NET, Netlist

ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def _compile_function(function: str, type_name: str, inputs: tuple[str, ...]):
    """{output: code} evaluated with the pins bound to uint64 words (see netlist.function);
    a storage cell is compiled settled (Q = D, see the module docstring)."""
    if function.startswith("sequential"):
        exprs = settled_function(function, inputs, type_name)
    else:
        exprs = parse_function(function, type_name)
    return {out: compile(expr, "<%s>" % type_name, "eval") for out, expr in exprs.items()}


@dataclass(frozen=True)
class _Group:
    type_index: int
    level: int
    in_cols: tuple[int, ...]
    in_names: tuple[str, ...]
    out_cols: tuple[int, ...]
    out_names: tuple[str, ...]
    nets: np.ndarray  # (k, npins)


class Simulator:
    """Precompiled evaluation schedule for one netlist; call run() with input vectors."""

    def __init__(self, netlist: Netlist):
        self.netlist = netlist
        n = netlist
        self._funcs = {}
        cells, wired_dev = [], []
        for ti, t in enumerate(n.types):
            idx, nets = n.type_pin_matrix(ti)
            if idx.size == 0:
                continue
            # Wired devices: (line, gate, tag, source). Column 2 holds the bitcell ordinal (for
            # `state`), -1 for plain devices; column 3 the net that must be low to pull.
            if t.kind == "cell":
                ins = tuple(p for p, d in zip(t.pins, t.directions) if d == "input")
                self._funcs[ti] = _compile_function(t.function, t.name, ins)
                cells.append((ti, nets))
            elif t.kind == "nmos":
                d, g, s = (t.pin_index(p) for p in ("D", "G", "S"))
                keep = (nets[:, d] != NO_NET) & (nets[:, s] != NO_NET) & (nets[:, s] != CONST1)
                k = int(keep.sum())
                wired_dev.append(np.stack([nets[keep, d], nets[keep, g], np.full(k, -1), nets[keep, s]], axis=1))
            elif t.kind == "pmos":
                # The precharge: it makes its drain a precharged line, never pulls it down.
                d = nets[:, t.pin_index("D")]
                d = d[d != NO_NET]
                wired_dev.append(np.stack([d, np.full(d.size, CONST0), np.full(d.size, -1), np.full(d.size, CONST0)], axis=1))
            elif t.kind == "bitcell":
                wl, bl, blb = (t.pin_index(p) for p in ("WL", "BL", "BLB"))
                order = np.arange(idx.size)
                zero = np.full(idx.size, CONST0)
                wired_dev.append(np.stack([nets[:, bl], nets[:, wl], order, zero], axis=1))
                wired_dev.append(np.stack([nets[:, blb], nets[:, wl], -2 - order, zero], axis=1))
        self.n_bitcells = sum(int((n.inst_type == ti).sum()) for ti, t in enumerate(n.types) if t.kind == "bitcell")
        dev = np.concatenate(wired_dev) if wired_dev else np.zeros((0, 4), dtype=np.int64)
        dev = dev[np.argsort(dev[:, 0], kind="stable")]
        self._dev = dev
        self._levelize(cells, dev)

    def _levelize(self, cells, dev):
        n = self.netlist
        level = np.zeros(n.n_nets, dtype=np.int64)
        driven = np.zeros(n.n_nets, dtype=bool)
        info = []
        for ti, nets in cells:
            t = n.types[ti]
            ins = [i for i, d in enumerate(t.directions) if d == "input"]
            outs = [i for i, d in enumerate(t.directions) if d != "input"]
            o = nets[:, outs].ravel()
            o = o[o >= 0]
            if np.any(driven[o]) or len(np.unique(o)) != o.size:
                raise NetlistError("netlist %r: a net has more than one cell driver" % n.name)
            driven[o] = True
            info.append((ti, nets, ins, outs))
        wired = np.unique(dev[:, 0]) if dev.size else np.zeros(0, np.int64)
        if wired.size and np.any(driven[wired]):
            raise NetlistError("netlist %r: a wired line is also driven by a cell" % n.name)
        for _ in range(n.n_instances + 2):
            changed = False
            for ti, nets, ins, outs in info:
                lv = (level[nets[:, ins]].max(axis=1) if ins else np.zeros(nets.shape[0], np.int64)) + 1
                for oc in outs:
                    o = nets[:, oc]
                    ok = o >= 0
                    if np.any(level[o[ok]] < lv[ok]):
                        np.maximum.at(level, o[ok], lv[ok])
                        changed = True
            if dev.size:
                lv = np.maximum(level[dev[:, 1]], level[dev[:, 3]]) + 1
                if np.any(level[dev[:, 0]] < lv):
                    np.maximum.at(level, dev[:, 0], lv)
                    changed = True
            if not changed:
                break
            if level.max() > n.n_instances + 2:
                break
        else:
            raise NetlistError("netlist %r has a combinational loop" % n.name)
        if level.max() > n.n_instances + 2:
            raise NetlistError("netlist %r has a combinational loop" % n.name)
        self._groups = []
        for ti, nets, ins, outs in info:
            lv = (level[nets[:, ins]].max(axis=1) if ins else np.zeros(nets.shape[0], np.int64)) + 1
            t = n.types[ti]
            for L in np.unique(lv):
                sel = nets[lv == L]
                self._groups.append(
                    _Group(ti, int(L), tuple(ins), tuple(t.pins[i] for i in ins), tuple(outs), tuple(t.pins[i] for i in outs), sel)
                )
        self._wired_levels = []
        if dev.size:
            dl = level[dev[:, 0]]
            for L in np.unique(dl):
                sub = dev[dl == L]
                starts = np.flatnonzero(np.r_[True, sub[1:, 0] != sub[:-1, 0]])
                self._wired_levels.append((int(L), sub, starts, bool(np.any(sub[:, 3] != CONST0))))
        self.depth = int(level.max())

    def _prepare(self, inputs, state):
        """Validate inputs and state; return ({port: bool matrix}, n_vectors, state)."""
        n = self.netlist
        in_ports = [p for p in n.ports if p.direction == "input"]
        missing = [p.name for p in in_ports if p.name not in inputs]
        if missing:
            raise InputError("simulation inputs missing for ports: %s" % ", ".join(missing))
        mats = {}
        nvec = None
        for p in in_ports:
            m = as_bits(inputs[p.name], p.width, p.name)
            if nvec is None:
                nvec = m.shape[0]
            elif m.shape[0] != nvec:
                raise InputError("port %s has %d vectors, expected %d" % (p.name, m.shape[0], nvec))
            mats[p.name] = m
        if self.n_bitcells:
            if state is None or len(state) != self.n_bitcells:
                raise InputError("simulation needs a state of %d bitcells" % self.n_bitcells)
            state = np.asarray(state, dtype=bool)
        return mats, nvec or 0, state

    def run(self, inputs: dict[str, np.ndarray], state: np.ndarray | None = None, batch_vectors: int = 4096) -> dict[str, np.ndarray]:
        """Simulate; inputs[port] is a bool matrix (n_vectors, width) or ints (n_vectors,).

        Returns outputs[port] as bool matrices (n_vectors, width). `state` holds the bits
        of the bitcells (one per bitcell instance, in instance order)."""
        n = self.netlist
        mats, nvec, state = self._prepare(inputs, state)
        batch_vectors = max(64, (batch_vectors // 64) * 64)
        outs = {p.name: np.zeros((nvec, p.width), dtype=bool) for p in n.ports if p.direction == "output"}
        for lo in range(0, nvec, batch_vectors):
            hi = min(nvec, lo + batch_vectors)
            words = self._run_batch({k: v[lo:hi] for k, v in mats.items()}, state)
            for p in n.ports:
                if p.direction == "output":
                    outs[p.name][lo:hi] = _unpack(words[list(p.nets)], hi - lo).T
        return outs

    def activity(self, inputs: dict[str, np.ndarray], state: np.ndarray | None = None, batch_vectors: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """Per net, over the input sequence taken as consecutive cycles: (toggles per cycle,
        fraction of cycles the net is low). The power model turns these into switched
        capacitance; they are measured, not assumed."""
        n = self.netlist
        mats, nvec, state = self._prepare(inputs, state)
        if nvec < 2:
            raise InputError("activity needs at least 2 input vectors, got %d" % nvec)
        batch_vectors = max(64, (batch_vectors // 64) * 64)
        toggles = np.zeros(n.n_nets, dtype=np.int64)
        lows = np.zeros(n.n_nets, dtype=np.int64)
        last = None
        for lo in range(0, nvec, batch_vectors):
            hi = min(nvec, lo + batch_vectors)
            bits = _unpack(self._run_batch({k: v[lo:hi] for k, v in mats.items()}, state), hi - lo)
            lows += (~bits).sum(axis=1)
            toggles += (bits[:, 1:] != bits[:, :-1]).sum(axis=1)
            if last is not None:
                toggles += bits[:, 0] != last
            last = bits[:, -1]
        return toggles / (nvec - 1), lows / nvec

    def _run_batch(self, mats, state):
        n = self.netlist
        nvec = next(iter(mats.values())).shape[0] if mats else 64
        nw = (nvec + 63) // 64
        val = np.zeros((n.n_nets, nw), dtype=np.uint64)
        val[CONST1] = ONES
        for p in n.ports:
            if p.direction == "input":
                val[list(p.nets)] = _pack(mats[p.name].T)
        env_const = {"_ZERO": np.uint64(0), "_ONES": ONES}
        events = [(g.level, 0, g) for g in self._groups] + [(L, 1, (sub, st, src)) for L, sub, st, src in self._wired_levels]
        events.sort(key=lambda e: (e[0], e[1]))
        for _, kind, item in events:
            if kind == 0:
                g = item
                env = dict(env_const)
                for col, name in zip(g.in_cols, g.in_names):
                    env[name] = val[g.nets[:, col]]
                for col, name in zip(g.out_cols, g.out_names):
                    res = eval(self._funcs[g.type_index][name], {"__builtins__": {}}, env)
                    o = g.nets[:, col]
                    ok = o >= 0
                    val[o[ok]] = np.broadcast_to(res, (g.nets.shape[0], nw))[ok]
            else:
                sub, starts, from_lines = item
                pulls = val[sub[:, 1]]
                if from_lines:  # pass devices: only where the source is low
                    pulls = pulls & ~val[sub[:, 3]]
                if self.n_bitcells:
                    tag = sub[:, 2]
                    cell = np.where(tag >= 0, tag, -2 - tag)
                    is_bl = tag >= 0
                    bc = tag != -1
                    bit = np.zeros(sub.shape[0], dtype=bool)
                    bit[bc] = state[cell[bc]]
                    # BL is discharged by a selected cell holding 0, BLB by one holding 1.
                    discharge = np.where(is_bl, ~bit, bit) | ~bc
                    pulls = np.where(discharge[:, None], pulls, np.uint64(0))
                any_on = np.bitwise_or.reduceat(pulls, starts, axis=0)
                val[sub[starts, 0]] = ~any_on
        return val


def as_bits(values, width: int, name: str) -> np.ndarray:
    """A port's vectors as a bool matrix (n, width) from a bit matrix or integers (width <= 63)."""
    a = np.asarray(values)
    if a.ndim == 2:
        if a.shape[1] != width:
            raise InputError("port %s is %d bits wide, got a matrix with %d columns" % (name, width, a.shape[1]))
        return a.astype(bool)
    if a.ndim == 1:
        if width > 63:
            raise InputError("port %s is %d bits wide; pass a bit matrix, not integers" % (name, width))
        a = a.astype(np.int64)
        if np.any(a < 0) or np.any(a >= (1 << width)):
            raise InputError("port %s: values must be in 0..%d" % (name, (1 << width) - 1))
        return ((a[:, None] >> np.arange(width)) & 1).astype(bool)
    raise InputError("port %s: expected a bit matrix or a vector of integers" % name)


def _pack(bits: np.ndarray) -> np.ndarray:
    """bool (rows, nvec) -> uint64 (rows, ceil(nvec/64)), vector v at bit v%64 of word v//64."""
    rows, nvec = bits.shape
    nw = (nvec + 63) // 64
    padded = np.zeros((rows, nw * 64), dtype=bool)
    padded[:, :nvec] = bits
    return np.packbits(padded, axis=1, bitorder="little").view(np.uint64).reshape(rows, nw)


def _unpack(words: np.ndarray, nvec: int) -> np.ndarray:
    rows = words.shape[0]
    b = np.unpackbits(np.ascontiguousarray(words).view(np.uint8).reshape(rows, -1), axis=1, bitorder="little")
    return b[:, :nvec].astype(bool)


def bits_to_int(bits: np.ndarray) -> np.ndarray:
    """bool (n, width<=63) -> int64 (n,), bit 0 first."""
    bits = np.asarray(bits, dtype=np.int64)
    return (bits << np.arange(bits.shape[1], dtype=np.int64)).sum(axis=1)


def simulate(netlist: Netlist, inputs: dict[str, np.ndarray], state=None, batch_vectors: int = 4096) -> dict[str, np.ndarray]:
    """One-shot simulation; see Simulator.run."""
    return Simulator(netlist).run(inputs, state=state, batch_vectors=batch_vectors)
