"""Macro sizing: the smallest floorplan whose every region meets the utilization targets.

Start from the tightest floorplan: array pitches from the device and its line tracks (at the
array metal target), logic regions at the base target. Place, estimate routes, measure each
region; where a layer exceeds its target, grow that region by the overshoot (an array's row
pitch for a horizontal layer, its column pitch for a vertical one; a logic region's area by
lowering its density) and repeat. A region's binding constraint is "base" when the base
target set its size, else the layer that forced it to grow. The macro's binding layer is
that of its largest region. Growth that cannot help (lines that only cross a region scale
with it) stops after max_iter rounds with targets_met = False, reported, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

import math

import numpy as np

from romalayout.netlist.ir import Netlist
from romalayout.place.compiler import breakdown_um2
from romalayout.place.floorplan import Floorplan, FloorplanSpec, describe_grid, make_floorplan
from romalayout.place.partition import Partition, partition
from romalayout.place.layers import assign_layers
from romalayout.place.placer import Placement, place
from romalayout.place.plan import aspect_ratio
from romalayout.place.vias import count_vias
from romalayout.place.route import Routes, estimate_routes
from romalayout.place.rules import RoutingRules, Targets, default_rules
from romalayout.place.utilization import Blockage, RectUsage, Utilization, blockages, rect_usage, utilization
from romalayout.tech import Technology

TOL = 1e-6


@dataclass(frozen=True, eq=False)
class SizedMacro:
    """Everything sizing produced; to_json() is the utilization report."""

    netlist: Netlist
    tech: Technology
    rules: RoutingRules
    spec: FloorplanSpec
    partition: Partition
    floorplan: Floorplan
    placement: Placement
    routes: Routes
    blockage: Blockage
    utilization: Utilization
    regions: dict  # name -> (RectUsage, binding, target_met)
    binding_layer: str
    targets_met: bool
    iterations: int

    def to_json(self) -> dict:
        fp, u, tech = self.floorplan, self.utilization, self.tech
        usable = {m.name for m in tech.metals[: tech.metal(self.rules.max_layer).index + 1]}

        def r6(d):
            return {k: round(v, 6) for k, v in d.items()}

        regions = {}
        for name, (ru, bind, met) in sorted(self.regions.items()):
            regions[name] = {
                "area_um2": round(ru.area_um2, 6),
                "base_utilization": round(ru.base_utilization, 6),
                "metal_utilization": r6(dict(zip(u.layers, ru.metal_utilization.tolist()))),
                "binding": bind,
                "targets_met": met,
            }
        out = {
            "design": self.netlist.name,
            "kind": self.netlist.attributes.get("kind", ""),
            "pdk": tech.name,
            "area_um2": round(fp.region.area_um2, 6),
            "width_um": round(fp.region.width_um, 6),
            "height_um": round(fp.region.height_um, 6),
            "aspect_ratio": round(aspect_ratio(fp.region.width_um, fp.region.height_um), 6),
            "breakdown_um2": {k: round(v, 6) for k, v in breakdown_um2(fp, self.partition).items()},
            "style": self.partition.style,
            "leaf_cells": tech.leaf_cells,
            "fold": dict(self.netlist.attributes.get("fold", {"words_per_row": 1, "banks": 1})),
            "base_utilization": round(u.base_utilization, 6),
            "metal_utilization": r6(u.metal_utilization()),
            "wirelength_um": {k: round(v, 3) for k, v in u.wirelength_um().items()},
            "binding_layer": self.binding_layer,
            "targets_met": self.targets_met,
            "targets": self.spec.targets.to_json(),
            "routing_layers": [n for n in u.layers if n in usable],
            "max_layer": self.rules.max_layer,
            "blocked_layers": {"inside_cells": self.rules.blocked_layer, "rail_track_per_row": self.rules.rail_layer},
            "route_method": self.routes.method,
            "hpwl_um": round(self.routes.hpwl_um, 3),
            "vias": count_vias(tech, self.netlist, self.routes),
            "instances": self.netlist.n_instances,
            "regions": regions,
            "iterations": self.iterations,
            "bins": {"nx": u.grid.nx, "ny": u.grid.ny, "bin_um": round(u.grid.bin_um, 6)},
        }
        if fp.grid is not None:
            g = fp.grid
            out["array"] = {
                "rows": g.rows,
                "cols": g.cols,
                "row_pitch_um": round(g.row_pitch_um, 6),
                "col_pitch_um": round(g.col_pitch_um, 6),
                "device_um": [g.cell_w_um, g.cell_h_um],
                "row_lines": {"layers": list(g.row_slots.layers)},
                "col_lines": {"layers": list(g.col_slots.layers)},
                "stub_layer": g.stub_layer,
                "derivation": describe_grid(tech, g),
                "tap_columns": {"every_cols": g.tap_every, "count": g.n_taps, "width_um": g.tap_w_um},
            }
        if fp.style == "compiler":
            out["power_grid"] = tech.macro.power.to_json()
            if "drivers" in self.netlist.attributes:
                out["drivers"] = self.netlist.attributes["drivers"]
        return out


def _worst(ru: RectUsage, layers_ok: np.ndarray, target: float) -> tuple[int, float]:
    """(layer index, utilization / target) of the most over-used usable layer."""
    ratio = np.where(layers_ok, ru.metal_utilization / target, 0.0)
    k = int(np.argmax(ratio))
    return k, float(ratio[k])


def evaluate(netlist: Netlist, tech: Technology, part: Partition, rules: RoutingRules, spec: FloorplanSpec):
    """Floorplan, placement, routes (layers assigned) and blockages for one spec."""
    fp = make_floorplan(netlist, tech, part, rules, spec)
    pl = place(netlist, tech, part, fp, pack_density=spec.targets.base)
    bl = blockages(netlist, tech, part, pl, rules)
    rt = assign_layers(tech, estimate_routes(netlist, tech, part, pl), fp.regions(), pl, bl, rules)
    return fp, pl, rt, bl


def size_macro(netlist: Netlist, tech: Technology, targets: Targets | None = None, rules: RoutingRules | None = None, max_iter: int = 10,
               max_aspect: float | None = None) -> SizedMacro:
    """Size, place and route-estimate `netlist`; see the module docstring. max_aspect: a
    compiler floorplan's bound on its aspect ratio where the strips' shape can keep it."""
    targets = targets or Targets()
    rules = rules or default_rules(tech)
    part = partition(netlist, tech)
    spec = FloorplanSpec(targets=targets, max_aspect=max_aspect)
    usable = np.array([m.index <= tech.metal(rules.max_layer).index for m in tech.metals])
    bindings: dict[str, str] = {}
    brackets: dict[str, list] = {}
    last_over: dict[str, float] = {}
    frozen: set[str] = set()
    for it in range(1, max_iter + 1):
        fp, pl, rt, bl = evaluate(netlist, tech, part, rules, spec)
        regions = {}
        density = dict(spec.density)
        changes = {}
        for name, rect in sorted(fp.regions().items()):
            ru = rect_usage(tech, rect, pl, rt, bl)
            if name == "array":
                k, over = _worst(ru, usable, targets.array_metal)
                base_over = ru.base_utilization / targets.array_base
                g = fp.grid
                bind = bindings.get(name) or (g.row_binding if g.row_binding != "base" else g.col_binding)
                met = over <= 1 + TOL and base_over <= 1 + TOL
                if not met:
                    # Lines are per row (column): stretching the pitch always lowers their share.
                    if base_over > over:
                        changes.update(row_stretch=spec.row_stretch * base_over, row_stretch_layer="base")
                        bind = "base"
                    elif tech.metals[k].direction == "horizontal":
                        changes.update(row_stretch=spec.row_stretch * over, row_stretch_layer=tech.metals[k].name)
                        bind = tech.metals[k].name
                    else:
                        changes.update(col_stretch=spec.col_stretch * over, col_stretch_layer=tech.metals[k].name)
                        bind = tech.metals[k].name
                    bindings[name] = bind
                regions[name] = (ru, bind, met)
                continue
            k, over = _worst(ru, usable, targets.metal)
            bind = bindings.get(name, "base")
            met = over <= 1 + TOL
            d = spec.region_density(name)
            br = brackets.setdefault(name, [None, None])  # [densest feasible, sparsest infeasible]
            prev = last_over.get(name)
            last_over[name] = over
            if name in frozen:
                pass
            elif not met and prev is not None and over > 0.99 * prev and br[0] is None:
                # Growing did not help (the overflow is from lines that only cross the region
                # and grow with it): go back to the base target and stop growing this region.
                density[name] = targets.base
                frozen.add(name)
                changes["_"] = True
            elif not met:
                br[1] = d
                # Wire length in a region of placed cells grows like sqrt(area), so the share
                # of tracks used falls like 1/sqrt(area): first try area x overshoot^2.
                density[name] = math.sqrt(br[0] * d) if br[0] is not None else d / over**2
                bind = bindings[name] = tech.metals[k].name
                changes["_"] = True
            elif br[1] is not None:
                br[0] = d
                if br[1] / d > 1.05:  # bisect (geometrically) towards the smallest feasible area
                    density[name] = math.sqrt(br[1] * d)
                    changes["_"] = True
            regions[name] = (ru, bind, met)
        changed = bool(changes)
        changes.pop("_", None)
        if not changed or it == max_iter:
            break
        if it == max_iter - 1:  # the last round: settle on the best feasible size found
            density.update({n: br[0] for n, br in brackets.items() if br[0] is not None})
        spec = replace(spec, density=MappingProxyType(density), **changes)
    u = utilization(tech, pl, rt, bl)
    largest = max(regions, key=lambda n: (regions[n][0].area_um2, n))
    return SizedMacro(
        netlist, tech, rules, spec, part, fp, pl, rt, bl, u, regions,
        binding_layer=regions[largest][1],
        targets_met=all(met for _, _, met in regions.values()),
        iterations=it,
    )
