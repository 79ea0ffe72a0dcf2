"""Area of the ROMA chip beside Table I (503.7 mm^2) and Fig. 11.

* L-units: from romalayout's own layout estimate (romalayout.chip.layout): one compute cell's
  memory (banks of the measured B-ROM macro) + its compute cell, per l_unit.layout_design,
  times the compute cells of the chip.
* H-unit and vector-unit SRAM: the PDK's 6T bitcell over an array efficiency.
* H-unit MACs, vector lanes, routers: NAND2 equivalents at the PDK's NAND2 area over a
  placement utilization.
Everything is ASAP7-derived and multiplied by area.asap7_to_7nm_area_scale.
Power is in romalayout.chip.energy (per-action energies).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from romalayout.chip.capacity import MIB
from romalayout.chip.layout import LayoutData, SliceAtDepth, load_layout_data
from romalayout.chip.spec import ChipSpec
from romalayout.errors import InputError
from romalayout.tech import load_technology

UM2_PER_MM2 = 1e6
PAPER_AREA_MM2 = 503.7  # Table I
PAPER_POWER_W = 33.1  # Table I


@dataclass(frozen=True)
class Block:
    """One block of Fig. 11's area: mm^2 and how it was obtained."""

    name: str
    area_mm2: float
    basis: str

    def to_json(self) -> dict:
        return {"name": self.name, "area_mm2": self.area_mm2, "basis": self.basis}


@dataclass(frozen=True)
class Area:
    blocks: tuple[Block, ...]
    l_slice: SliceAtDepth  # one compute cell's memory + compute at the chip's depth
    layout_source: str  # the record and the command that produced it
    tiles: int  # the 17 x 16 units (matrix and vector units), each with a router

    @property
    def total_mm2(self) -> float:
        return sum(b.area_mm2 for b in self.blocks)

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)

    @property
    def unit_pitch_um(self) -> float:
        """Side of one of the 17 x 16 units if the chip were tiled evenly (a hop's wire length)."""
        return math.sqrt(self.total_mm2 * UM2_PER_MM2 / self.tiles)

    def to_json(self) -> dict:
        return {"total_mm2": self.total_mm2, "paper_total_mm2": PAPER_AREA_MM2, "unit_pitch_um": self.unit_pitch_um,
                "l_unit_slice": self.l_slice.to_json(), "layout_source": self.layout_source,
                "breakdown": {b.name: b.to_json() for b in self.blocks}}


def words_per_compute_cell(spec: ChipSpec, word_bits: int) -> float:
    """ROM words (one group + its scale and zero point) each compute cell's memory holds."""
    cells = spec.matrix_units * spec["l_unit.compute_cells"]
    return spec["l_unit.rom_capacity_mib"] * MIB * 8 / cells / word_bits


def _check_record(spec: ChipSpec, layout: LayoutData) -> None:
    if layout.record.get("pdk") != spec["area.pdk"]:
        raise InputError("layout data %s is for PDK %r, the chip spec's area.pdk is %r" % (layout.path, layout.record.get("pdk"), spec["area.pdk"]))
    if layout.group != spec["l_unit.group_size_weights"] or layout.record["weight_bits"] != spec["l_unit.pass_weight_bits"]:
        raise InputError("layout data %s measured groups of %d x UInt%d, the chip spec has %d x UInt%d; rerun %s"
                         % (layout.path, layout.group, layout.record["weight_bits"], spec["l_unit.group_size_weights"],
                            spec["l_unit.pass_weight_bits"], layout.record["command"]))


def l_unit_slice(spec: ChipSpec, layout: LayoutData | None = None) -> SliceAtDepth:
    """One compute cell's memory + compute (l_unit.layout_design) at the chip's words per cell."""
    layout = layout or load_layout_data()
    _check_record(spec, layout)
    return layout.at_depth(spec["l_unit.layout_design"], words_per_compute_cell(spec, layout.word_bits), spec["l_unit.rom_bank_words"])


def chip_area(spec: ChipSpec, layout: LayoutData | None = None) -> Area:
    """Area (mm^2) of L-units, H-unit SRAM and MACs, vector units and routers."""
    layout = layout or load_layout_data()
    tech = load_technology(spec["area.pdk"])
    scale = spec["area.asap7_to_7nm_area_scale"]
    units = spec.matrix_units
    cells = units * spec["l_unit.compute_cells"]
    sl = l_unit_slice(spec, layout)
    nand2 = tech.role_cell("nand2").area_um2 / spec["area.logic_utilization"]

    def sram_mm2(mib: float) -> float:
        return mib * MIB * 8 * tech.sram6t_um2 / spec["area.sram_array_efficiency"] * scale / UM2_PER_MM2

    def logic_mm2(n_eq: float) -> float:
        return n_eq * nand2 * scale / UM2_PER_MM2

    lanes = spec["array.vector_units"] * spec["vector_unit.fp16_lanes"]
    routers = units + spec["array.vector_units"]
    blocks = (
        Block("l_unit", cells * sl.area_um2 * scale / UM2_PER_MM2,
              "%d compute cells x %.0f um^2 (%s at %.0f words: %s) from the layout record, x %.3g"
              % (cells, sl.area_um2, sl.design, sl.words,
                 "%d banks of %d words, memory %.0f + compute %.0f um^2" % (sl.banks, spec["l_unit.rom_bank_words"], sl.memory_um2, sl.compute_um2)
                 if sl.memory_um2 is not None else "one array, on the line through the measured depths", scale)),
        Block("h_unit_sram", sram_mm2(spec["h_unit.sram_mib"]), "%g MiB of %s 6T (%.5f um^2) / array efficiency %.2f"
              % (spec["h_unit.sram_mib"], tech.name, tech.sram6t_um2, spec["area.sram_array_efficiency"])),
        Block("h_unit_compute", logic_mm2(units * spec["h_unit.fp16_macs_per_cycle"] * spec["area.h_unit_mac_gate_equivalents"]),
              "%d FP16 MACs x %d NAND2-eq (%s NAND2 area / utilization)" % (units * spec["h_unit.fp16_macs_per_cycle"],
                                                                           spec["area.h_unit_mac_gate_equivalents"], tech.name)),
        Block("vector_unit", sram_mm2(spec["vector_unit.sram_mib"]) + logic_mm2(lanes * spec["area.vector_lane_gate_equivalents"]),
              "%g MiB SRAM + %d FP16 lanes x %d NAND2-eq" % (spec["vector_unit.sram_mib"], lanes, spec["area.vector_lane_gate_equivalents"])),
        Block("router", logic_mm2(routers * spec["area.router_gate_equivalents"]),
              "%d routers x %d NAND2-eq" % (routers, spec["area.router_gate_equivalents"])),
    )
    return Area(blocks, sl, "%s (written by `%s`, commit %s)" % (layout.path, layout.record["command"], layout.record.get("git_commit", "?")), routers)


def area_report_text(spec: ChipSpec) -> str:
    """The area blocks beside Table I (what `romalayout chip area` prints)."""
    a = chip_area(spec)
    lines = ["%-16s %10s  %s" % ("block", "mm^2", "basis")]
    lines += ["%-16s %10.1f  %s" % (b.name, b.area_mm2, b.basis) for b in a.blocks]
    lines.append("%-16s %10.1f  (paper Table I: %.1f mm^2)" % ("total", a.total_mm2, PAPER_AREA_MM2))
    lines.append("layout record: " + a.layout_source)
    return "\n".join(lines)
