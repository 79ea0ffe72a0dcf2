"""Memory-macro facts of a PDK (pdk.toml [macro]): driver cells, array gate size, well taps,
power ring and straps. Each value names its source in pdk.toml; loading checks them against
the cell and layer tables so a typo fails at load time, not in a generator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from romalayout.errors import TechnologyError


@dataclass(frozen=True)
class PowerGrid:
    """A macro's supply ring and straps.

    The ring is a VDD and a VSS rail on each side (ring_layers: the horizontal layer for the
    top and bottom sides, the vertical one for the left and right), each rail_width_um wide,
    rail_spacing_um apart and from the core. Straps are VDD/VSS pairs on strap_layer every
    strap_pitch_um across the core."""

    ring_layers: tuple[str, str]  # (horizontal, vertical)
    rail_width_um: float
    rail_spacing_um: float
    strap_layer: str
    strap_width_um: float
    strap_pitch_um: float
    source: str

    @property
    def ring_um(self) -> float:
        """Width the ring adds on each side of the core: spacing, rail, spacing, rail."""
        return 2 * (self.rail_width_um + self.rail_spacing_um)

    @property
    def strap_fraction(self) -> float:
        """Share of the strap layer's area the strap pairs take."""
        return min(1.0, 2 * (self.strap_width_um + self.rail_spacing_um) / self.strap_pitch_um)

    def to_json(self) -> dict:
        return {
            "ring_layers": list(self.ring_layers), "rail_width_um": self.rail_width_um,
            "rail_spacing_um": self.rail_spacing_um, "ring_um_per_side": round(self.ring_um, 6),
            "strap_layer": self.strap_layer, "strap_width_um": self.strap_width_um,
            "strap_pitch_um": self.strap_pitch_um, "source": self.source,
        }


@dataclass(frozen=True)
class MacroRules:
    """What the macro generators and floorplan need beyond the cell and layer tables."""

    driver_cells: tuple[str, ...]  # inverters, smallest first, for sized driver chains
    gate_size_unit: str  # "um" (gate width) or "fin"
    array_gate_size: float  # one array transistor's gate, in gate_size_unit
    stage_fanout: float  # target effort per stage of a driver chain
    tap_cell: str
    tap_distance_um: float  # every point of the array within this distance of a tap column
    power: PowerGrid
    sources: str

    def to_json(self) -> dict:
        return {
            "driver_cells": list(self.driver_cells), "gate_size_unit": self.gate_size_unit,
            "array_gate_size": self.array_gate_size, "stage_fanout": self.stage_fanout,
            "tap_cell": self.tap_cell, "tap_distance_um": self.tap_distance_um,
            "power": self.power.to_json(), "sources": self.sources,
        }


def _num(spec: dict, path: Path, field: str) -> float:
    v = spec.get(field)
    if not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0:
        raise TechnologyError("%s: field macro.%s is %r, expected a positive number" % (path, field, v))
    return float(v)


def load_macro_rules(meta: dict, path: Path, cells: dict, metal_names: set[str]) -> MacroRules | None:
    """MacroRules from pdk.toml's [macro] table, checked against the cells and metals; None
    when the PDK has no [macro] table (compiler-style macros then refuse it by name)."""
    if "macro" not in meta:
        return None
    spec = meta["macro"]
    if not isinstance(spec, dict):
        raise TechnologyError("%s: field macro is %r, expected a table" % (path, spec))
    drivers = spec.get("driver_cells")
    if not isinstance(drivers, list) or not drivers:
        raise TechnologyError("%s: field macro.driver_cells is %r, expected a list of inverter cells" % (path, drivers))
    for c in drivers:
        if c not in cells or cells[c].function.replace(" ", "") not in ("Y=!A",):
            raise TechnologyError("%s: macro.driver_cells holds %r, expected an inverter of cells.csv (function Y=!A)" % (path, c))
        if cells[c].gate_size is None or not cells[c].input_cap_pf:
            raise TechnologyError("%s: driver cell %s has no gate size or Liberty input capacitance" % (path, c))
    unit = spec.get("gate_size_unit")
    if unit not in ("um", "fin"):
        raise TechnologyError("%s: field macro.gate_size_unit is %r, expected \"um\" or \"fin\"" % (path, unit))
    tap = spec.get("tap_cell")
    if tap not in cells:
        raise TechnologyError("%s: field macro.tap_cell is %r, expected a cell of cells.csv" % (path, tap))
    pg = spec.get("power")
    if not isinstance(pg, dict):
        raise TechnologyError("%s: missing table [macro.power]" % path)
    layers = pg.get("ring_layers")
    if not isinstance(layers, list) or len(layers) != 2 or any(n not in metal_names for n in layers):
        raise TechnologyError("%s: field macro.power.ring_layers is %r, expected [horizontal, vertical] routing layers" % (path, layers))
    if pg.get("strap_layer") not in metal_names:
        raise TechnologyError("%s: field macro.power.strap_layer is %r, expected a routing layer" % (path, pg.get("strap_layer")))
    power = PowerGrid(
        ring_layers=(layers[0], layers[1]),
        rail_width_um=_num(pg, path, "rail_width_um"),
        rail_spacing_um=_num(pg, path, "rail_spacing_um"),
        strap_layer=pg["strap_layer"],
        strap_width_um=_num(pg, path, "strap_width_um"),
        strap_pitch_um=_num(pg, path, "strap_pitch_um"),
        source=str(pg.get("source", "")),
    )
    return MacroRules(
        driver_cells=tuple(sorted(drivers, key=lambda c: cells[c].gate_size)),
        gate_size_unit=unit,
        array_gate_size=_num(spec, path, "array_gate_size"),
        stage_fanout=_num(spec, path, "stage_fanout"),
        tap_cell=tap,
        tap_distance_um=_num(spec, path, "tap_distance_um"),
        power=power,
        sources=str(spec.get("source", "")),
    )
