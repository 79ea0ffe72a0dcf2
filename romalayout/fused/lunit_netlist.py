"""One L-unit slice as one netlist: a memory (SRAM, ROM or B-ROM) whose data word feeds a
compute cell (romalayout.gen.compute).

A memory word is one quantized group (romalayout.contents.pack_groups with width = G*B + 18):
bits 0 .. G*B-1 are the weights (weight k at bits Bk .. Bk+B-1, LSB first), then the FP16
scale (16 bits), then the UInt2 zero point. These are exactly the compute cell's w, s and z
ports, so `compose` merges the compute cell's w/s/z nets into the memory's data nets. The
activations x are primary inputs (in the chip they come from the alignment unit's router
port); addr is the memory's address; the memory's `data` port stays an output (it lets the
functional check compare the word read with the contents).
"""

from __future__ import annotations

import numpy as np

from romalayout.contents import group_bits, pack_groups, unpack_groups
from romalayout.errors import InputError
from romalayout.gen import compute
from romalayout.netlist.ir import NO_NET, Netlist, Port
from romalayout.tech import Technology

MEMORIES = ("sram", "rom", "brom")


def check_config(depth, group, weight_bits, width=None) -> int:
    """Validate the slice parameters; return the word width G*B + 18."""
    compute.check_params(group, weight_bits, None)
    w = group_bits(weight_bits, group)
    if width is not None and width != w:
        raise InputError("width must be one group per word, G*B + 18 = %d*%d + 18 = %d, got %r, expected %d" % (group, weight_bits, w, width, w))
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 4 or depth % 4:
        raise InputError("depth must be a multiple of 4 (B-ROM blocks of four words) and >= 4, got %r, expected 4, 8, 12, ..." % (depth,))
    return w


def random_groups(depth: int, group: int, weight_bits: int, seed: int):
    """`depth` random quantized groups: (bits (depth, W), w (depth, G), scale fp16, zero).
    Weights and zero points uniform; scales N(0, 0.05) in FP16 (finite, some negative)."""
    rng = np.random.default_rng(seed)
    w = rng.integers(0, 1 << weight_bits, size=(depth, group))
    zero = rng.integers(0, 4, size=depth)
    scale = (rng.standard_normal(depth) * 0.05).astype(np.float16)
    bits = pack_groups(w, scale, zero, weight_bits, group_bits(weight_bits, group))
    return bits, w, scale, zero


def random_activations(n: int, group: int, seed: int) -> np.ndarray:
    """n x G FP16 activations ~ N(0, 1) (the stimulus; finite by construction)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, group)).astype(np.float16)


def memory_netlist(tech: Technology, kind: str, bits: np.ndarray, fold=None) -> Netlist:
    """The memory of an L-unit slice: the bare array (fold None) or the compiler-style macro
    under `fold` (romalayout.gen.macro)."""
    if kind not in MEMORIES:
        raise InputError("memory kind must be one of %s, got %r" % (", ".join(MEMORIES), kind))
    if fold is not None:
        from romalayout.gen import macro

        return macro.generate(tech, kind, bits, fold)
    if kind == "rom":
        from romalayout.gen import rom

        return rom.generate(tech, bits)
    if kind == "brom":
        from romalayout.gen import brom

        return brom.generate(tech, bits)
    if kind == "sram":
        from romalayout.gen import sram

        return sram.generate(tech, *bits.shape)
    raise InputError("memory kind must be one of %s, got %r" % (", ".join(MEMORIES), kind))


def compose(mem: Netlist, comp: Netlist, name: str) -> tuple[Netlist, np.ndarray]:
    """The memory and the compute cell in one netlist, memory data -> compute w, s, z.

    Memory instances and nets keep their indices; compute instances follow. Returns
    (netlist, net map): map[n] = the combined net of compute net n."""
    data = np.asarray(mem.port("data").nets, dtype=np.int64)
    w, s, z = (np.asarray(comp.port(p).nets, dtype=np.int64) for p in ("w", "s", "z"))
    nw = w.size
    if data.size != nw + 18:
        raise InputError("memory word is %d bits, got compute ports for %d, expected %d" % (data.size, nw + 18, data.size))
    cmap = np.full(comp.n_nets, -1, dtype=np.int64)
    cmap[0], cmap[1] = 0, 1
    cmap[w] = data[:nw]
    cmap[s] = data[nw : nw + 16]
    cmap[z] = data[nw + 16 : nw + 18]
    fresh = np.flatnonzero(cmap < 0)
    cmap[fresh] = mem.n_nets + np.arange(fresh.size)
    n_nets = mem.n_nets + fresh.size

    types = list(mem.types)
    tmap = []
    for t in comp.types:
        if t in types:
            tmap.append(types.index(t))
        else:
            types.append(t)
            tmap.append(len(types) - 1)
    blocks = list(mem.blocks)
    bmap = []
    for b in comp.blocks:
        if b not in blocks:
            blocks.append(b)
        bmap.append(blocks.index(b))
    cpin = comp.pin_net.astype(np.int64)
    pin_net = np.concatenate([mem.pin_net.astype(np.int64), np.where(cpin >= 0, cmap[np.maximum(cpin, 0)], NO_NET)])
    ports = list(mem.ports) + [Port(p.name, p.direction, tuple(int(cmap[n]) for n in p.nets)) for p in comp.ports if p.name not in ("w", "s", "z")]
    names = dict(mem.net_names)
    for n, label in comp.net_names.items():
        names.setdefault(int(cmap[n]), "cc." + label)
    attrs = dict(mem.attributes)
    attrs.update({"lunit_memory": mem.attributes.get("kind", ""), "group": comp.attributes.get("group"), "weight_bits": comp.attributes.get("weight_bits")})
    nl = Netlist(
        name=name,
        types=tuple(types),
        blocks=tuple(blocks),
        inst_type=np.concatenate([mem.inst_type, np.asarray(tmap, np.int64)[comp.inst_type]]),
        inst_block=np.concatenate([mem.inst_block, np.asarray(bmap, np.int64)[comp.inst_block]]),
        pin_offset=np.concatenate([mem.pin_offset, comp.pin_offset[1:] + mem.n_pins]),
        pin_net=pin_net,
        n_nets=int(n_nets),
        ports=tuple(ports),
        net_names=names,
        attributes=attrs,
    )
    return nl, cmap


def stimulus(lunit: Netlist, bits: np.ndarray, addr: np.ndarray, x_fp16: np.ndarray):
    """(inputs, state) for the simulator: addresses, activations, and for an SRAM we = 0,
    din = 0 and the bitcells holding the contents."""
    inputs = {"addr": np.asarray(addr, dtype=np.int64), "x": compute.input_vectors(x_fp16, np.zeros_like(x_fp16, dtype=np.int64), np.zeros(len(addr), np.int64), np.zeros(len(addr), np.float16), 2)["x"]}
    state = None
    names = {p.name for p in lunit.ports}
    if "clk" in names:  # registered address: the simulator settles it (romalayout.sim)
        inputs["clk"] = np.zeros(len(addr), dtype=np.int64)
    if "we" in names:
        from romalayout.design import bitcell_state

        inputs["we"] = np.zeros(len(addr), dtype=np.int64)
        inputs["din"] = np.zeros((len(addr), bits.shape[1]), dtype=bool)
        state = bitcell_state(lunit, bits)
    return inputs, state


def verify(lunit: Netlist, bits: np.ndarray, group: int, weight_bits: int, addr: np.ndarray, x_fp16: np.ndarray) -> dict:
    """Simulate the L-unit at `addr` with activations x and compare its outputs with
    romalayout.lunit.group_dot_exact on the group read from the contents at each address
    (acc, prod = acc * sig, exp, vsum, max_exp), and the word read with the contents."""
    from romalayout.sim import Simulator

    inputs, state = stimulus(lunit, bits, addr, x_fp16)
    out = Simulator(lunit).run(inputs, state=state)
    w, scale, zero = unpack_groups(bits[addr], len(addr), group, weight_bits)
    want = compute.expected_outputs(x_fp16, w, zero, scale, weight_bits)
    got = compute.decode_outputs({k: out[k] for k in want})
    bad = {k: int((got[k] != want[k]).sum()) for k in want}
    bad["data_bits"] = int((out["data"] != bits[addr]).sum())
    return {"addresses": [int(a) for a in addr], "mismatches": bad, "ok": not any(bad.values()),
            "reference": "romalayout.lunit.group_dot_exact on the group read at each address"}
