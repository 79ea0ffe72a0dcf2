"""Floorplan, placement, routing-demand estimate, utilization and macro sizing (see README.md).

Typical use: `size_macro(netlist, tech)` -> SizedMacro (placement, routes, utilization,
binding layer; `.to_json()`), then `check_legality(sized.placement)`.
"""

from romalayout.place.placer import Placement, PlacementError, check_legality, place
from romalayout.place.rules import RoutingRules, Targets, default_rules
from romalayout.place.sizing import SizedMacro, size_macro

__all__ = ["Placement", "PlacementError", "RoutingRules", "SizedMacro", "Targets", "check_legality", "default_rules", "place", "size_macro"]
