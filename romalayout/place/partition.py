"""Split a netlist's instances into what the floorplan places where.

- array: instances of block "array", on the grid given by attributes array_device_row/col.
- edge: transistor devices (nmos/pmos/bitcell) outside the array (precharge, sense). They are
  placed as extra rows of one-device footprints under the array (the array's edge), not in
  standard-cell rows: they are drawn by hand next to the bit lines in a real memory.
- left: standard cells of blocks "decoder" and "cgen" (they drive the array's rows).
- bottom: every other standard cell (periphery, compute, ...), or "core" when there is no array.
A compiler-style macro (attribute style "compiler", romalayout.gen.macro) keeps one region
per periphery block instead: LEFT_STRIPS beside the array, BOTTOM_STRIPS under it; its
array size comes from the attributes, so a netlist generated without its array devices
(for planning a fold) partitions the same way.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np

from romalayout.errors import InputError
from romalayout.netlist.ir import CellType, Netlist
from romalayout.tech import Technology

LEFT_BLOCKS = ("decoder", "cgen")
# Compiler-style strips, nearest the array first. With banks, each bank's tile has its own
# left strips and BANK_BOTTOM strips (named "<block>@<bank>"); SHARED strips span all tiles.
LEFT_STRIPS = ("cgen", "wordline_drivers", "row_decoder")
BOTTOM_STRIPS = ("column_mux", "sense", "io", "control")
BANK_BOTTOM = ("column_mux", "sense", "io")
SHARED = ("io", "control")
OTHER = "other"  # logic group of a compiler netlist's cells outside the strips
# Edge-row devices, nearest the array first.
EDGE_BLOCKS = ("precharge", "column_mux", "sense", "io")


def is_row_pin(ctype: CellType, pin: str) -> bool:
    """True for an array device pin that joins a horizontal line (transistor gate, bitcell
    word line); every other array pin joins a vertical (column) line."""
    if ctype.kind in ("nmos", "pmos"):
        return pin == "G"
    return pin.upper().startswith("WL")


@dataclass(frozen=True, eq=False)
class Partition:
    """Instance indices per placement group (numpy int64 arrays, instance order)."""

    array: np.ndarray
    array_row: np.ndarray
    array_col: np.ndarray
    array_rows: int
    array_cols: int
    edge: np.ndarray
    logic: Mapping[str, np.ndarray]  # "left", "bottom" or "core"; a compiler macro's strips
    cell_sites: np.ndarray  # per instance: width in sites (0 for devices)
    style: str = "array"  # "compiler": strips per block (see the module docstring)
    edge_block: np.ndarray | None = None  # compiler style: block name of each edge device
    edge_bank: np.ndarray | None = None  # compiler style: bank of each edge device
    banks: int = 1


def strip_name(block: str, bank: int, banks: int) -> str:
    """Region name of a bank's strip: the block itself with one bank, else "<block>@<bank>"."""
    return block if banks == 1 else "%s@%d" % (block, bank)


def strip_block(name: str) -> str:
    """The block of a strip's region name."""
    return name.split("@", 1)[0]


def sram_cell_dims_um(tech: Technology) -> tuple[float, float]:
    """(width, height) of the PDK's 6T SRAM bitcell: from bitcells.csv when it gives both
    (SKY130 1.2 x 1.58), else one standard-cell row high with the width that gives
    tech.sram6t_um2 (ASAP7: 0.02916 / 0.27 = 0.108 um = 2 CPP)."""
    if tech.sram6t_pitch_um is not None:
        return tech.sram6t_pitch_um
    path = Path(tech.root) / "bitcells.csv"
    if path.is_file():
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if r.get("cell_name") == tech.sram6t_cell and r.get("width_um") and r.get("height_um"):
                    return float(r["width_um"]), float(r["height_um"])
    h = tech.site_height_um
    return tech.sram6t_um2 / h, h


def device_dims_um(tech: Technology, kind: str) -> tuple[float, float]:
    """Footprint of one device: a ROM bitcell for a transistor, the 6T cell for a bitcell."""
    if kind == "bitcell":
        return sram_cell_dims_um(tech)
    return tech.rom_bitcell.width_um, tech.rom_bitcell.height_um


def partition(netlist: Netlist, tech: Technology) -> Partition:
    """Group the instances of `netlist` for placement; raise InputError on inconsistent input."""
    kinds = np.array([t.kind for t in netlist.types] or ["cell"])
    inst_kind = kinds[netlist.inst_type] if netlist.n_instances else np.zeros(0, dtype=kinds.dtype)
    is_cell = inst_kind == "cell"
    sites_of_type = np.zeros(len(netlist.types), dtype=np.int64)
    for k, t in enumerate(netlist.types):
        if t.kind != "cell":
            continue
        if t.name not in tech.cells:
            raise InputError("cell type %r is not a cell of PDK %s" % (t.name, tech.name))
        c = tech.cells[t.name]
        if c.height_um > tech.site_height_um * 1.001:
            raise InputError("cell %s is %.4g um high, more than one %.4g um row; multi-row cells are not placed" % (t.name, c.height_um, tech.site_height_um))
        sites_of_type[k] = int(round(c.width_um / tech.site_width_um))
    cell_sites = sites_of_type[netlist.inst_type] if netlist.n_instances else np.zeros(0, np.int64)

    block_id = {b: i for i, b in enumerate(netlist.blocks)}
    in_array = netlist.inst_block == block_id["array"] if "array" in block_id else np.zeros(netlist.n_instances, bool)
    array = np.flatnonzero(in_array)
    attrs = netlist.attributes
    if attrs.get("style") == "compiler":
        return _compiler_partition(netlist, array, in_array, is_cell, cell_sites, block_id)
    if array.size:
        try:
            rows, cols = int(attrs["array_rows"]), int(attrs["array_cols"])
            arow = np.asarray(attrs["array_device_row"], dtype=np.int64)
            acol = np.asarray(attrs["array_device_col"], dtype=np.int64)
        except KeyError as e:
            raise InputError("netlist %r has an array block but no attribute %s" % (netlist.name, e)) from None
        if arow.shape != array.shape or acol.shape != array.shape:
            raise InputError("netlist %r: array_device_row/col have %d/%d entries, expected %d (array instances)" % (netlist.name, arow.size, acol.size, array.size))
        if arow.min() < 0 or arow.max() >= rows or acol.min() < 0 or acol.max() >= cols:
            raise InputError("netlist %r: an array device lies outside the %d x %d grid" % (netlist.name, rows, cols))
        if np.unique(arow * cols + acol).size != array.size:
            raise InputError("netlist %r: two array devices share a grid position" % netlist.name)
        if is_cell[array].any():
            raise InputError("netlist %r: block array holds standard cells; expected devices" % netlist.name)
    else:
        rows = cols = 0
        arow = acol = np.zeros(0, np.int64)
    edge = np.flatnonzero(~in_array & ~is_cell)
    cells = ~in_array & is_cell
    if array.size:
        left_mask = np.isin(netlist.inst_block, [block_id[b] for b in LEFT_BLOCKS if b in block_id])
        logic = {"left": np.flatnonzero(cells & left_mask), "bottom": np.flatnonzero(cells & ~left_mask)}
    else:
        if edge.size:
            raise InputError("netlist %r has transistor devices but no array block to put them next to" % netlist.name)
        logic = {"core": np.flatnonzero(cells)}
    return Partition(array, arow, acol, rows, cols, edge, MappingProxyType(logic), cell_sites)


def _compiler_partition(netlist: Netlist, array, in_array, is_cell, cell_sites, block_id) -> Partition:
    attrs = netlist.attributes
    try:
        rows, cols = int(attrs["array_rows"]), int(attrs["array_cols"])
    except KeyError as e:
        raise InputError("compiler-style netlist %r has no attribute %s" % (netlist.name, e)) from None
    if array.size:
        arow = np.asarray(attrs["array_device_row"], dtype=np.int64)
        acol = np.asarray(attrs["array_device_col"], dtype=np.int64)
        if arow.shape != array.shape or acol.shape != array.shape:
            raise InputError("netlist %r: array_device_row/col have %d/%d entries, expected %d" % (netlist.name, arow.size, acol.size, array.size))
    else:
        arow = acol = np.zeros(0, np.int64)
    names = np.array(netlist.blocks or ["-"])
    inst_block = names[netlist.inst_block] if netlist.n_instances else np.zeros(0, dtype=names.dtype)
    ranges = attrs.get("bank_instances") or [[0, netlist.n_instances]]
    banks = len(ranges)
    inst_bank = np.full(netlist.n_instances, -1, dtype=np.int64)
    for b, (lo, hi) in enumerate(ranges):
        inst_bank[lo:hi] = b
    edge = np.flatnonzero(~in_array & ~is_cell)
    rank = {b: k for k, b in enumerate(EDGE_BLOCKS)}
    order = np.lexsort(([rank.get(b, len(rank)) for b in inst_block[edge]], inst_bank[edge]))
    edge = edge[order]
    cells = ~in_array & is_cell
    logic = {}
    for b in range(banks):
        mine = cells & (inst_bank == b)
        for blk in LEFT_STRIPS + BANK_BOTTOM:
            idx = np.flatnonzero(mine & (inst_block == blk))
            if idx.size:
                logic[strip_name(blk, b, banks)] = idx
    for blk in SHARED:
        idx = np.flatnonzero(cells & (inst_bank < 0) & (inst_block == blk))
        if idx.size:  # with one bank its strips and the shared ones are one region
            logic[blk] = np.union1d(logic[blk], idx) if blk in logic else idx
    # Cells of other blocks (an L-unit's compute cell) have no strip; only a floorplan that
    # takes every cell into one region (place/fused.py) can place them.
    placed = np.zeros(netlist.n_instances, bool)
    for idx in logic.values():
        placed[idx] = True
    stray = np.flatnonzero(cells & ~placed)
    if stray.size:
        logic[OTHER] = stray
    return Partition(array, arow, acol, rows, cols, edge, MappingProxyType(logic), cell_sites,
                     style="compiler", edge_block=inst_block[edge], edge_bank=np.maximum(inst_bank[edge], 0), banks=banks)
