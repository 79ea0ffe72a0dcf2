"""The chip's parameters, read from roma_spec.toml: every value has a unit and a source.

`load_spec(FILE)` reads another spec (the CLI's --spec FILE) and `ChipSpec.with_settings`
applies `section.name=value` overrides (--set); both are checked the same way.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from romalayout.errors import InputError

SPEC_PATH = Path(__file__).with_name("roma_spec.toml")

# Counts the models divide by or build arrays from: positive integers.
_POSITIVE_INTEGERS = (
    "array.matrix_unit_rows", "array.columns", "array.vector_units", "l_unit.group_size_weights", "l_unit.pass_weight_bits",
    "l_unit.compute_cells", "l_unit.rom_word_bits", "capacity.kv_page_tokens", "external.query_tile_tokens",
    "l_unit.rom_bank_words", "h_unit.sram_bank_rows",
)
# Rates and sizes the models divide by: positive numbers.
_POSITIVE = (
    "clock.frequency_mhz", "l_unit.rom_capacity_mib", "h_unit.fp16_macs_per_cycle", "h_unit.sram_read_bytes_per_cycle",
    "vector_unit.fp16_lanes", "router.link_bits_per_cycle", "datatypes.activation_bytes", "datatypes.partial_sum_bytes",
    "h_unit.kv_bytes_per_element", "h_unit.lora_weight_bytes",
)


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
        return _checked(ChipSpec(MappingProxyType(params)), "override")

    def with_settings(self, settings) -> "ChipSpec":
        """A copy with `section.name=value` settings applied (the CLI's --set).

        The value is parsed as the type of the value it replaces (integer or number,
        true/false, text), so a typo cannot turn a count into a string."""
        params = dict(self.params)
        for item in settings:
            name, sep, text = item.partition("=")
            name = name.strip()
            if not sep or not name:
                raise InputError("--set %r: expected section.name=value" % item)
            if name not in params:
                raise InputError("--set %s: unknown chip parameter, expected one of: %s" % (name, ", ".join(sorted(params))))
            old = params[name]
            params[name] = Param(name, _parse_like(old.value, text.strip(), name), old.unit, "--set override of: " + old.source)
        return _checked(ChipSpec(MappingProxyType(params)), "--set")

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


def _parse_like(old, text: str, name: str):
    """`text` as a value of the type of `old` (a number written as an integer may take a fraction)."""
    if isinstance(old, bool):
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise InputError("--set %s=%s: expected true or false" % (name, text))
    if isinstance(old, (int, float)):
        try:
            return int(text)
        except ValueError:
            pass
        try:
            v = float(text)
        except ValueError:
            v = float("nan")
        if v != v or v in (float("inf"), float("-inf")):
            raise InputError("--set %s=%s: expected a finite number" % (name, text))
        return v
    return text


def _checked(spec: ChipSpec, where: str) -> ChipSpec:
    """Refuse values no model can run with (a zero clock, a fractional array size, ...)."""
    for name, p in spec.params.items():
        v = p.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            continue
        if name in _POSITIVE_INTEGERS and (not float(v).is_integer() or v < 1):
            raise InputError("%s: chip parameter %s must be a positive integer, got %r" % (where, name, v))
        if name in _POSITIVE and not v > 0:
            raise InputError("%s: chip parameter %s must be > 0, got %r" % (where, name, v))
        if not v >= 0:
            raise InputError("%s: chip parameter %s must be >= 0, got %r" % (where, name, v))
    rows = spec.params.get("array.matrix_unit_rows")
    if rows is not None and rows.value % 2:
        raise InputError("%s: chip parameter array.matrix_unit_rows must be even (two halves), got %r" % (where, rows.value))
    return spec


def load_spec(path: Path | str | None = None) -> ChipSpec:
    """Parse a spec TOML (default: the shipped roma_spec.toml); every entry needs value/unit/source.

    A replacement spec (--spec FILE) must define every parameter the shipped one does, so
    no model silently falls back to a value the user did not see."""
    default = path is None
    path = Path(path) if path is not None else SPEC_PATH
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError("cannot read chip spec %s: %s" % (path, e)) from None
    params = {}
    for section, entries in data.items():
        if not isinstance(entries, dict):
            raise InputError("%s: %s must be a [section] of parameters, got %r" % (path, section, entries))
        for key, entry in entries.items():
            name = "%s.%s" % (section, key)
            if not isinstance(entry, dict) or set(entry) != {"value", "unit", "source"}:
                raise InputError("%s: parameter %s must be {value, unit, source}, got %r" % (path, name, entry))
            params[name] = Param(name, entry["value"], entry["unit"], entry["source"])
    if not default:
        shipped = load_spec()
        missing = sorted(set(shipped.params) - set(params))
        if missing:
            raise InputError("%s: chip spec lacks parameter %s (and %d more), expected every parameter of %s"
                             % (path, missing[0], len(missing) - 1, SPEC_PATH.name))
        for name, p in params.items():
            old = shipped.params.get(name)
            if old is not None and isinstance(old.value, (int, float)) != isinstance(p.value, (int, float)):
                raise InputError("%s: chip parameter %s must be a %s, got %r" % (path, name, type(old.value).__name__, p.value))
    return _checked(ChipSpec(MappingProxyType(params)), str(path))
