"""Immutable technology value types. Every physical number carries its unit in its name."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from romalayout.tech.macro import MacroRules


@dataclass(frozen=True)
class Metal:
    """A routing layer of the metal stack (from the tech LEF)."""

    name: str
    index: int  # 0 = lowest routing layer
    direction: str  # "horizontal" | "vertical" (LEF preferred direction)
    pitch_um: float  # track pitch across the routing direction
    width_um: float
    spacing_um: float
    min_area_um2: float | None
    offset_um: float | None
    gds: tuple[int, int]
    pin_gds: tuple[int, int] | None
    r_ohm_per_um: float | None
    c_pf_per_um: float | None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "index": self.index,
            "direction": self.direction,
            "pitch_um": self.pitch_um,
            "width_um": self.width_um,
            "spacing_um": self.spacing_um,
            "min_area_um2": self.min_area_um2,
            "offset_um": self.offset_um,
            "gds": list(self.gds),
            "pin_gds": list(self.pin_gds) if self.pin_gds else None,
            "r_ohm_per_um": self.r_ohm_per_um,
            "c_pf_per_um": self.c_pf_per_um,
        }


@dataclass(frozen=True)
class CutLayer:
    """A via layer between two routing layers (or a contact to the lowest one)."""

    name: str
    below: str
    above: str
    width_um: float
    spacing_um: float
    gds: tuple[int, int]
    r_ohm_per_cut: float | None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "below": self.below,
            "above": self.above,
            "width_um": self.width_um,
            "spacing_um": self.spacing_um,
            "gds": list(self.gds),
            "r_ohm_per_cut": self.r_ohm_per_cut,
        }


@dataclass(frozen=True)
class BaseLayer:
    """A front-end layer (diffusion, poly, contact, well) by its role."""

    role: str
    name: str
    gds: tuple[int, int]

    def to_json(self) -> dict:
        return {"role": self.role, "name": self.name, "gds": list(self.gds)}


@dataclass(frozen=True)
class Cell:
    """A standard cell: LEF size, CDL device counts, pins and Liberty data where present."""

    name: str
    width_um: float
    height_um: float
    transistors: int  # device lines in the CDL (one line may stand for several fingers)
    transistor_multiplicity: int  # devices counting fingers (M=/nf=) in the CDL
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    function: str
    lef_class: str
    leakage_nw: float | None
    input_cap_pf: Mapping[str, float]
    e_int_fj: float | None  # internal energy per output transition (Liberty mid point)
    # Summed gate size of the cell's transistors in the PDK's sizing unit (cells.csv
    # total_w_um for SKY130, total_nfin for ASAP7); None when the CDL gives neither.
    gate_size: float | None = None

    @property
    def area_um2(self) -> float:
        return self.width_um * self.height_um

    def to_json(self) -> dict:
        return {
            "width_um": self.width_um,
            "height_um": self.height_um,
            "area_um2": round(self.area_um2, 9),
            "transistors": self.transistors,
            "transistor_multiplicity": self.transistor_multiplicity,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "function": self.function,
            "lef_class": self.lef_class,
            "leakage_nw": self.leakage_nw,
            "input_cap_pf": dict(self.input_cap_pf),
            "e_int_fj": self.e_int_fj,
            "gate_size": self.gate_size,
        }


@dataclass(frozen=True)
class Role:
    """A generic logic function the generators use, bound to a library cell.

    `pins` maps the role's pin names (A, B, Y, ...) to the cell's; `invert` lists role
    outputs that the cell gives inverted (ASAP7's FAx1 gives SN and CON)."""

    name: str
    cell: str
    pins: Mapping[str, str]
    invert: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"cell": self.cell, "pins": dict(self.pins), "invert": list(self.invert)}


@dataclass(frozen=True)
class RomBitcell:
    """One-transistor NOR ROM cell derived from the PDK's rules (see pdk/README.md)."""

    width_um: float  # along the word line (x)
    height_um: float  # along the bit line (y)
    bitline_layer: str
    gate_pitch_terms_um: Mapping[str, float]
    diffusion_pitch_terms_um: Mapping[str, float]
    derivation: str
    source: str

    @property
    def area_um2(self) -> float:
        return self.width_um * self.height_um

    def to_json(self) -> dict:
        return {
            "width_um": self.width_um,
            "height_um": self.height_um,
            "area_um2": round(self.area_um2, 9),
            "bitline_layer": self.bitline_layer,
            "gate_pitch_terms_um": dict(self.gate_pitch_terms_um),
            "diffusion_pitch_terms_um": dict(self.diffusion_pitch_terms_um),
            "derivation": self.derivation,
            "source": self.source,
        }


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Technology:
    """Everything romalayout knows about one PDK. Immutable once loaded."""

    name: str
    library: str
    description: str
    root: str  # the pdk/<name> directory it was loaded from
    dbu_per_um: int  # GDS database units per micron
    site_name: str
    site_width_um: float
    site_height_um: float
    vdd_v: float
    frequency_default_mhz: float
    metals: tuple[Metal, ...]
    cuts: tuple[CutLayer, ...]
    base_layers: Mapping[str, BaseLayer]
    layers: Mapping[tuple[str, str], tuple[int, int]]  # (layer name, purpose) -> (gds layer, datatype)
    cell_boundary_gds: tuple[int, int]
    cells: Mapping[str, Cell]
    roles: Mapping[str, Role]
    sram6t_um2: float
    sram6t_cell: str
    rom_bitcell: RomBitcell
    sources: Mapping[str, str] = field(default_factory=dict)
    # SPICE export conventions (pdk.toml [spice]): CDL path, model names, supplies.
    spice: Mapping[str, object] = field(default_factory=dict)
    # Memory-macro facts (pdk.toml [macro]): driver cells, taps, power ring and straps.
    macro: MacroRules | None = None
    # Which array leaf cells the macros use: "derived" (the ROM cell from the design rules,
    # the 6T cell of bitcells.csv) or another set of pdk/<name>/leaf_cells.toml
    # (romalayout.tech.leaf.with_leaf_cells), whose SRAM pitch then overrides the 6T cell's.
    leaf_cells: str = "derived"
    sram6t_pitch_um: tuple[float, float] | None = None

    def __post_init__(self):
        for name in ("base_layers", "layers", "cells", "roles", "sources", "spice"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def metal(self, name: str) -> Metal:
        """The routing layer called `name`."""
        for m in self.metals:
            if m.name == name:
                return m
        from romalayout.errors import TechnologyError

        raise TechnologyError(
            "%s has no metal layer %r; expected one of %s" % (self.name, name, ", ".join(m.name for m in self.metals))
        )

    def role_cell(self, role: str) -> Cell:
        """The library cell bound to a generic role such as 'nand2'."""
        return self.cells[self.roles[role].cell]

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "library": self.library,
            "description": self.description,
            "dbu_per_um": self.dbu_per_um,
            "site": {"name": self.site_name, "width_um": self.site_width_um, "height_um": self.site_height_um},
            "vdd_v": self.vdd_v,
            "metals": [m.to_json() for m in self.metals],
            "vias": [c.to_json() for c in self.cuts],
            "base_layers": {k: v.to_json() for k, v in sorted(self.base_layers.items())},
            "cells": {k: self.cells[k].to_json() for k in sorted(self.cells)},
            "roles": {k: self.roles[k].to_json() for k in sorted(self.roles)},
            "bitcells": {
                "sram6t_um2": self.sram6t_um2,
                "sram6t_cell": self.sram6t_cell,
                "rom_um2": round(self.rom_bitcell.area_um2, 9),
                "rom": self.rom_bitcell.to_json(),
            },
            "macro": self.macro.to_json() if self.macro else None,
        }
