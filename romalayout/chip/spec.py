"""The chip's parameters, read from roma_spec.toml: every value has a unit and a source."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from romalayout.errors import InputError

SPEC_PATH = Path(__file__).with_name("roma_spec.toml")


@dataclass(frozen=True)
class Param:
    """One named parameter: `section.name`, its value, unit and where it came from."""

    name: str
    value: float | int | str
    unit: str
    source: str

    def to_json(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit, "source": self.source}


@dataclass(frozen=True)
class ChipSpec:
    """All parameters by dotted name ("l_unit.compute_cells"). Read-only."""

    params: Mapping[str, Param]

    def __getitem__(self, name: str):
        try:
            return self.params[name].value
        except KeyError:
            raise InputError("unknown chip parameter %r, expected one of: %s" % (name, ", ".join(sorted(self.params)))) from None

    def replace(self, **overrides) -> "ChipSpec":
        """A copy with some values changed; keys use '__' for the dot ("l_unit__compute_cells")."""
        params = dict(self.params)
        for key, value in overrides.items():
            name = key.replace("__", ".")
            if name not in params:
                raise InputError("unknown chip parameter %r" % name)
            old = params[name]
            params[name] = Param(name, value, old.unit, "override of: " + old.source)
        return ChipSpec(MappingProxyType(params))

    # Derived quantities used everywhere (kept here so every module agrees).
    @property
    def clock_hz(self) -> float:
        return self["clock.frequency_mhz"] * 1e6

    @property
    def matrix_units(self) -> int:
        return self["array.matrix_unit_rows"] * self["array.columns"]

    @property
    def link_bytes_per_cycle(self) -> float:
        return self["router.link_bits_per_cycle"] / 8

    def to_json(self) -> dict:
        return {name: p.to_json() for name, p in sorted(self.params.items())}


def load_spec(path: Path | str | None = None) -> ChipSpec:
    """Parse a spec TOML (default: the shipped roma_spec.toml); every entry needs value/unit/source."""
    path = Path(path) if path is not None else SPEC_PATH
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError("cannot read chip spec %s: %s" % (path, e)) from None
    params = {}
    for section, entries in data.items():
        for key, entry in entries.items():
            name = "%s.%s" % (section, key)
            if not isinstance(entry, dict) or set(entry) != {"value", "unit", "source"}:
                raise InputError("%s: parameter %s must be {value, unit, source}, got %r" % (path, name, entry))
            params[name] = Param(name, entry["value"], entry["unit"], entry["source"])
    return ChipSpec(MappingProxyType(params))
