"""Alternative array leaf cells (pdk/<name>/leaf_cells.toml): the macro model with another
compiler's measured cells, to compare the rest of the macro (periphery, ring, channels)
with that compiler block by block. Only the array pitches change."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from romalayout.errors import InputError, TechnologyError
from romalayout.tech.model import Technology

DERIVED = "derived"


def available_leaf_cells(tech: Technology) -> tuple[str, ...]:
    """"derived" and the sets of the PDK's leaf_cells.toml."""
    path = Path(tech.root) / "leaf_cells.toml"
    if not path.is_file():
        return (DERIVED,)
    with open(path, "rb") as f:
        return (DERIVED,) + tuple(sorted(tomllib.load(f)))


def _pair(spec: dict, path: Path, name: str, field: str) -> tuple[float, float]:
    v = spec.get(field)
    if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and x > 0 for x in v)):
        raise TechnologyError("%s: [%s].%s is %r, expected [width_um, height_um]" % (path, name, field, v))
    return float(v[0]), float(v[1])


def with_leaf_cells(tech: Technology, name: str) -> Technology:
    """`tech` with the array leaf cells called `name` ("derived": `tech` itself)."""
    if name == DERIVED:
        return tech
    choices = available_leaf_cells(tech)
    if name not in choices:
        raise InputError("leaf cells %r are not defined for PDK %s, expected one of %s" % (name, tech.name, ", ".join(choices)))
    path = Path(tech.root) / "leaf_cells.toml"
    with open(path, "rb") as f:
        spec = tomllib.load(f)[name]
    rom_w, rom_h = _pair(spec, path, name, "rom_bitcell_um")
    rom = replace(tech.rom_bitcell, width_um=rom_w, height_um=rom_h,
                  derivation="%s leaf cells: %g x %g um (%s)" % (name, rom_w, rom_h, spec.get("source", path.name)))
    return replace(tech, rom_bitcell=rom, leaf_cells=name, sram6t_pitch_um=_pair(spec, path, name, "sram_pitch_um"))
