"""Compiler-style memory macros: a folded ROM, B-ROM or SRAM with the periphery a memory
compiler builds around its array. Each part is a block of the netlist (and of the area
breakdown in romalayout.place):

  control           address (and SRAM din/we) registers from the library's flip-flop, a
                    clock buffer tree, and the bank decoder when there are banks
  row_decoder       predecoded AND decoder of the row address (romalayout.gen.decoder)
  wordline_drivers  per word line an inverter chain sized for its load (gen/drivers.py);
                    with banks, an and2 gates each line with its bank's enable first
  cgen              B-ROM: per block row the 11 or2 candidate gates, each with a chain
                    sized for its candidate line
Drivers are sized for the load each line actually carries (the gates on it and its wire):
a ROM's contents are fixed when it is generated, so a generator can do what synthesis would
do with the same netlist. A line with no gate on it (an unused B-ROM candidate; an all-zero
row under diffusion programming) gets no driver.
  array             the devices (ROM/B-ROM nmos, SRAM 6T cells)
  precharge         a pmos per bit line (SRAM: two and an equalizer per column)
  column_mux        words_per_row > 1: the column decoder, select-line drivers, and one
                    nmos pass device per bit line onto its output bit's sense node
  sense             ROM/B-ROM: a sense inverter per output bit (our choice for a
                    single-ended NOR ROM; with a mux, a pmos keeps the sense node high);
                    SRAM: the differential stage nor2(BLB, inv(BL)) per output bit
  io                bank OR (unselected banks read 0), output drivers, SRAM write drivers

Reads are registered: `clk` clocks `addr` into the address flip-flops. The simulator
evaluates registers settled (romalayout.sim); iverilog runs them with a clock.

Fold and address map: romalayout.gen.fold. Bank b's array devices sit in grid columns
[b * W * N, (b + 1) * W * N), and its own blocks (decoder, drivers, CGen, array, precharge,
mux, sense, write drivers) are instances bank_instances[b] = [first, end): the floorplan
gives each bank a tile of its own, side by side, sharing the control and io strips.
"""

from __future__ import annotations

import numpy as np

from romalayout.errors import InputError
from romalayout.gen import brom, common, decoder
from romalayout.gen.devices import NMOS, PMOS, SRAM6T
from romalayout.gen.drivers import drive, drive_lines, line_chain, macro_rules, size_chain
from romalayout.gen.fold import AddressMap, Fold, check
from romalayout.netlist import CONST0, CONST1, NO_NET, NetlistBuilder
from romalayout.netlist.ir import Netlist
from romalayout.netlist.logic import LogicBuilder

PERIPHERY_BLOCKS = ("control", "row_decoder", "wordline_drivers", "precharge", "column_mux", "sense", "io")
CLOCK_FANOUT = 8  # flip-flops per clock buffer
OUTPUT_FANOUT = 4  # output drivers are sized for this many flip-flop D pins (the word's consumer)


def physical(bits: np.ndarray, amap: AddressMap, bank: int) -> np.ndarray:
    """Bank `bank`'s words (or B-ROM nibbles) as the array holds them: (rows, W * N), word
    (or block) row * N + g of the bank in column group g, bit j in column j * N + g."""
    n, w = amap.fold.words_per_row, amap.width
    per_bank = bits.shape[0] // amap.fold.banks
    sub = bits[bank * per_bank : (bank + 1) * per_bank]
    return sub.reshape(amap.rows, n, w).transpose(0, 2, 1).reshape(amap.rows, w * n)


def _register(lb: LogicBuilder, nets: np.ndarray, clocks: np.ndarray) -> np.ndarray:
    return lb.gates("dff", "control", D=nets, CLK=clocks)["Q"]


def _clock_tree(lb: LogicBuilder, clk: int, sinks: int) -> np.ndarray:
    """A clock net for each of `sinks` flip-flops: buffers of fanout CLOCK_FANOUT, in levels."""
    nets = np.array([clk], dtype=np.int64)
    need = -(-sinks // CLOCK_FANOUT)
    while nets.size < need:
        k = min(need, nets.size * CLOCK_FANOUT)
        nets = lb.gates("buf", "control", A=np.repeat(nets, CLOCK_FANOUT)[:k])["Y"]
    return np.repeat(nets, CLOCK_FANOUT)[:sinks] if sinks else nets[:0]


def _decode(lb: LogicBuilder, bits: np.ndarray, count: int, block: str) -> np.ndarray:
    """One-hot lines 0..count-1 of `bits` (LSB first); one always-on line when there are no bits."""
    if len(bits) == 0:
        return np.full(count, CONST1, dtype=np.int64)
    return decoder.build(lb, bits, count, block)


def generate(tech, kind: str, contents: np.ndarray, fold: Fold, program: str = "via", with_array: bool = True) -> Netlist:
    """The compiler-style macro of `kind` ("rom", "brom", "sram") holding `contents`
    (bool, depth x width; the SRAM's bitcells hold it as their state) under `fold`.
    Without `with_array` the array devices are left out (everything else, CGen included, is
    built): romalayout.place.plan sizes a fold's periphery from that in a fraction of the time."""
    bits = common.check_contents(contents)
    program = common.check_program(program)
    if kind not in ("rom", "brom", "sram"):
        raise InputError("compiler-style macro kind must be rom, brom or sram, got %r" % kind)
    depth, width = bits.shape
    amap = check(kind, depth, width, fold)
    rules = macro_rules(tech)
    nb = NetlistBuilder("top")
    lb = LogicBuilder(nb, tech)
    for t in (NMOS, PMOS) + ((SRAM6T,) if kind == "sram" else ()):
        nb.add_type(t)
    addr = nb.new_nets(amap.address_bits, "addr")
    clk = nb.new_net("clk")
    nb.add_port("addr", "input", addr)
    nb.add_port("clk", "input", clk)
    regs = [addr]
    if kind == "sram":
        din, we = nb.new_nets(width, "din"), nb.new_net("we")
        nb.add_port("din", "input", din)
        nb.add_port("we", "input", we)
        regs += [din, np.array([we])]
    flat = np.concatenate(regs)
    q = _register(lb, flat, _clock_tree(lb, clk, flat.size))
    a = q[: amap.address_bits]
    if kind == "sram":
        din_q, we_q = q[amap.address_bits : amap.address_bits + width], q[-1]

    wb, cb, rb = amap.word_bits, amap.col_bits, amap.row_bits
    row_bits = np.concatenate([a[:wb], a[wb + cb : wb + cb + rb]])
    col_bits = a[wb : wb + cb]
    bank_en = _decode(lb, a[wb + cb + rb :], fold.banks, "control") if fold.banks > 1 else None

    from romalayout.place.floorplan import nominal_pitches_um  # pitch of the lines' length

    lines_per_row = brom.LINES_PER_BLOCK if kind == "brom" else 1
    row_pitch, col_pitch = nominal_pitches_um(tech, kind == "sram", lines_per_row, 2 if kind == "sram" else 1)
    row_len = amap.cols * col_pitch
    hlayer = _first_row_layer(tech)
    chains = {}
    if fold.words_per_row > 1:
        chains["column_select"] = line_chain(tech, width * (2 if kind == "sram" else 1), row_len, hlayer)
    dff = tech.role_cell("dff")
    chains["output"] = size_chain(tech, OUTPUT_FANOUT * max(dff.input_cap_pf.get(tech.roles["dff"].pins["D"], 0.0), 1e-6))

    bank_data = []
    bank_instances = []  # [first, end) instance indices of each bank's own blocks
    for b in range(fold.banks):
        first = nb.n_instances
        lines = _decode(lb, row_bits, amap.rows * amap.words_per_block, "row_decoder")
        if bank_en is not None:
            lines = lb.gates("and2", "wordline_drivers", A=lines, B=bank_en[b])["Y"]
        col0 = b * amap.cols
        bl = nb.new_nets(amap.cols, "bl%d" % b)
        if kind == "rom":
            phys = physical(bits, amap, b)
            n_gates = phys.sum(axis=1) if program == "diffusion" else np.full(amap.rows, amap.cols)
            wl, chain = drive_lines(lb, lines, n_gates, row_len, hlayer, "wordline_drivers")
            if with_array:
                _rom_array(nb, wl, bl, phys, program, col0)
        elif kind == "brom":
            nib = physical(brom.nibbles(bits), amap, b)
            # A word line is candidate C_(2^i): its gates plus the inputs of three or2 cells.
            loads = _candidate_loads(nib, program)
            n_gates = loads[:, [1, 2, 4, 8]].ravel() + 3
            wl, chain = drive_lines(lb, lines, n_gates, row_len, hlayer, "wordline_drivers")
            cchain = _brom_array(nb, lb, wl, bl, nib, loads, program, col0, row_len, hlayer, with_array)
            if cchain is not None:
                chains["candidate"] = _bigger(chains.get("candidate"), cchain)
        else:
            n_gates = np.full(amap.rows, 2 * amap.cols)  # two access transistors per 6T cell
            wl, chain = drive_lines(lb, lines, n_gates, row_len, hlayer, "wordline_drivers")
        if chain is not None:
            chains["wordline"] = _bigger(chains.get("wordline"), chain)
        if kind == "sram":
            blb = nb.new_nets(amap.cols, "blb%d" % b)
            if with_array:
                _sram_array(nb, wl, bl, blb, amap, b, col0)
            pre = np.r_[bl, blb]
            nb.add_many("pmos", "precharge", np.stack([pre, np.full(pre.size, CONST0), np.full(pre.size, CONST1)], axis=1))
            nb.add_many("pmos", "precharge", np.stack([bl, np.full(bl.size, CONST0), blb], axis=1))
        else:
            nb.add_many("pmos", "precharge", np.stack([bl, np.full(bl.size, CONST0), np.full(bl.size, CONST1)], axis=1))
        node = _column_mux(nb, lb, bl, col_bits, amap, chains)
        if kind == "sram":
            nodeb = _column_mux(nb, lb, blb, col_bits, amap, chains, sel=node[1])
            node, nodeb = node[0], nodeb[0]
            data = lb.gates("nor2", "sense", A=nodeb, B=lb.gates("inv", "sense", A=node)["Y"])["Y"]
            we_b = we_q if bank_en is None else lb.gate("and2", "io", A=we_q, B=int(bank_en[b]))
            ndin = lb.gates("inv", "io", A=din_q)["Y"]
            w0 = lb.gates("and2", "io", A=np.full(width, we_b), B=ndin)["Y"]
            w1 = lb.gates("and2", "io", A=np.full(width, we_b), B=din_q)["Y"]
            nb.add_many("nmos", "io", np.stack([node, w0, np.full(width, CONST0)], axis=1))
            nb.add_many("nmos", "io", np.stack([nodeb, w1, np.full(width, CONST0)], axis=1))
        else:
            node = node[0]
            data = lb.gates("inv", "sense", A=node)["Y"]
        bank_data.append(data)
        bank_instances.append([first, nb.n_instances])
    data = _bank_or(lb, bank_data)
    out = drive(lb, data, chains["output"], "io")
    nb.add_port("data", "output", out)

    nb.attributes.update(
        {"kind": kind, "pdk": tech.name, "depth": int(depth), "width": int(width), "style": "compiler",
         "fold": fold.to_json(), "program": program,
         "array_rows": amap.rows, "array_cols": amap.cols * fold.banks, "array_lines_per_row": lines_per_row,
         "bank_cols": amap.cols, "bank_instances": bank_instances,
         "horizontal_lines": amap.rows * lines_per_row * fold.banks,
         "vertical_lines": amap.cols * fold.banks * (2 if kind == "sram" else 1),
         "drivers": {k: c.to_json() for k, c in sorted(chains.items())},
         "driver_fanout": rules.stage_fanout}
    )
    if kind == "brom":
        nb.attributes.update({"num_cgen_cells": brom.NUM_CGEN_CELLS, "candidates_per_block": 16})
    return nb.build()


def _bigger(a, b):
    return b if a is None or b.load_pf > a.load_pf else a


def _candidate_loads(nib: np.ndarray, program: str) -> np.ndarray:
    """Gates on candidate k of block row r: (rows, 16); C_0 carries none under diffusion."""
    loads = np.zeros((nib.shape[0], 16), dtype=np.int64)
    rows = np.repeat(np.arange(nib.shape[0]), nib.shape[1])
    np.add.at(loads, (rows, nib.ravel()), 1)
    if program == "diffusion":
        loads[:, 0] = 0
    return loads


def _first_row_layer(tech) -> str:
    """The layer that carries array row lines first (the lowest horizontal routing layer)."""
    from romalayout.place.rules import default_rules

    return default_rules(tech).horizontal[0]


def _rom_array(nb, wl, bl, phys, program, col0) -> None:
    rows, cols = np.meshgrid(np.arange(phys.shape[0]), np.arange(phys.shape[1]), indexing="ij")
    rows, cols, m = rows.ravel(), cols.ravel(), phys.ravel()
    if program == "diffusion":
        rows, cols, m = rows[m], cols[m], m[m]
    common.add_array(nb, wl[rows], np.where(m, bl[cols], NO_NET), rows, cols + col0)


def _brom_array(nb, lb, wl, bl, nib, loads, program, col0, row_len, hlayer, with_array=True):
    """CGen, candidate drivers and devices of one bank; returns the largest candidate chain."""
    cand = brom.cgen(lb, wl)
    # The eleven or2 outputs drive whole candidate lines: each gets the chain for its load.
    k_or = np.array([k for k, _, _ in brom.CGEN_OR2])
    driven, chain = drive_lines(lb, cand[:, k_or].ravel(), loads[:, k_or].ravel(), row_len, hlayer, "cgen")
    cand[:, k_or] = driven.reshape(-1, k_or.size)
    if not with_array:
        return chain
    rows, cols = np.meshgrid(np.arange(nib.shape[0]), np.arange(nib.shape[1]), indexing="ij")
    rows, cols, k = rows.ravel(), cols.ravel(), nib.ravel()
    if program == "diffusion":
        keep = k != 0
        rows, cols, k = rows[keep], cols[keep], k[keep]
    common.add_array(nb, cand[rows, k], bl[cols], rows, cols + col0)
    return chain


def _sram_array(nb, wl, bl, blb, amap: AddressMap, bank: int, col0: int) -> None:
    rows, cols = np.meshgrid(np.arange(amap.rows), np.arange(amap.cols), indexing="ij")
    rows, cols = rows.ravel(), cols.ravel()
    nb.add_many("sram6t", "array", np.stack([wl[rows], bl[cols], blb[cols]], axis=1))
    common.append_positions(nb, rows, cols + col0)
    # The word and bit each bitcell holds, so a read-back can load `state` in instance order.
    n = amap.fold.words_per_row
    word = bank * amap.words_per_bank + rows * n + cols % n
    for key, v in (("bitcell_word", word), ("bitcell_bit", cols // n)):
        old = nb.attributes.get(key)
        nb.attributes[key] = v if old is None else np.concatenate([old, v])


def _column_mux(nb, lb, lines, col_bits, amap: AddressMap, chains, sel=None):
    """Sense nodes of the W output bits (and the select lines, to share with BLB): the bit
    lines themselves without a mux; else an nmos pass device per bit line."""
    n = amap.fold.words_per_row
    if n == 1:
        return lines, None
    if sel is None:
        sel = drive(lb, _decode(lb, col_bits, n, "column_mux"), chains["column_select"], "column_mux")
    w = amap.width
    node = nb.new_nets(w)
    j = np.repeat(np.arange(w), n)
    g = np.tile(np.arange(n), w)
    nb.add_many("nmos", "column_mux", np.stack([node[j], sel[g], lines[j * n + g]], axis=1))
    # The sense node is precharged like a bit line.
    nb.add_many("pmos", "sense", np.stack([node, np.full(w, CONST0), np.full(w, CONST1)], axis=1))
    return node, sel


def _bank_or(lb: LogicBuilder, datas: list[np.ndarray]) -> np.ndarray:
    """OR of the banks' outputs (an unselected bank reads 0), or2/or4 gates per bit."""
    while len(datas) > 1:
        nxt = []
        i = 0
        while i < len(datas):
            rest = len(datas) - i
            if rest >= 4:
                nxt.append(lb.gates("or4", "io", A=datas[i], B=datas[i + 1], C=datas[i + 2], D=datas[i + 3])["Y"])
                i += 4
            elif rest >= 2:
                nxt.append(lb.gates("or2", "io", A=datas[i], B=datas[i + 1])["Y"])
                i += 2
            else:
                nxt.append(datas[i])
                i += 1
        datas = nxt
    return datas[0]
