"""Placement and routing-estimate rules: utilization targets and which metal layers a macro uses.

Defaults (all overridable; see romalayout/place/README.md for the reasoning):
- Standard-cell regions: base (placement density) <= 0.70 and every metal layer <= 0.80 of its
  tracks. A detailed placer needs whitespace to legalize and a router needs spare tracks to
  detour; 0.6-0.7 density is the usual starting point of open flows (OpenROAD/OpenLane).
- Tiled arrays: base and metal up to 1.00. An array is built by abutting DRC-clean bitcells
  whose lines sit on fixed tracks, as a memory compiler does, so every track can carry a line.
- The top routing layer is reserved for the chip's power grid; a macro routes below it.
- Standard cells block the lowest routing layer inside their outline (SKY130 li1, ASAP7 M1:
  both libraries draw their internal wiring and pins there) and lose one track per cell row on
  the next layer to the power rail (SKY130 met1 rails; ASAP7 M2 follow-pins in the open flow).
"""

from __future__ import annotations

from dataclasses import dataclass

from romalayout.errors import InputError
from romalayout.tech import Technology


@dataclass(frozen=True)
class Targets:
    """Utilization ceilings that macro sizing must respect (fractions, 0 < t <= 1)."""

    base: float = 0.70  # standard-cell regions: cell area / region area
    metal: float = 0.80  # standard-cell regions: used / available track length, per layer
    array_base: float = 1.00  # tiled array: device footprint / array area
    array_metal: float = 1.00  # tiled array lines: used / available track length

    def __post_init__(self):
        for name in ("base", "metal", "array_base", "array_metal"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not 0.0 < v <= 1.0:
                raise InputError("target %s must be in (0, 1], got %r" % (name, v))

    def to_json(self) -> dict:
        return {"base": self.base, "metal": self.metal, "array_base": self.array_base, "array_metal": self.array_metal}


@dataclass(frozen=True)
class RoutingRules:
    """Which layers carry what. Layer lists are bottom to top, by name."""

    max_layer: str  # highest routing layer the macro may use
    blocked_layer: str  # fully blocked inside standard cells
    rail_layer: str  # loses one track per standard-cell row (power rail)
    horizontal: tuple[str, ...]  # horizontal layers available to the macro
    vertical: tuple[str, ...]
    logic_horizontal: tuple[str, ...]  # the same, without the cell-blocked layer: logic nets
    logic_vertical: tuple[str, ...]


def default_rules(tech: Technology, max_layer: str | None = None) -> RoutingRules:
    """The rules above for `tech`; `max_layer` overrides the highest usable routing layer."""
    names = [m.name for m in tech.metals]
    if max_layer is None:
        max_layer = names[-2] if len(names) > 2 else names[-1]
    if max_layer not in names:
        raise InputError("max layer %r is not a routing layer of %s, expected one of %s" % (max_layer, tech.name, ", ".join(names)))
    top = names.index(max_layer)
    if top < 2:
        raise InputError("max layer must leave at least three routing layers, got %r" % max_layer)
    usable = tech.metals[: top + 1]
    blocked = usable[0].name
    horiz = tuple(m.name for m in usable if m.direction == "horizontal")
    vert = tuple(m.name for m in usable if m.direction == "vertical")
    return RoutingRules(
        max_layer=max_layer,
        blocked_layer=blocked,
        rail_layer=usable[1].name,
        horizontal=horiz,
        vertical=vert,
        logic_horizontal=tuple(n for n in horiz if n != blocked),
        logic_vertical=tuple(n for n in vert if n != blocked),
    )
