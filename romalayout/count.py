"""Counts of a netlist: transistors by block under a cost table, instances, nets, pins,
fanout, and the array's horizontal and vertical interconnect lines.

Cost tables are data. "pdk": a library cell costs its CDL device lines (`transistors`
in cells.csv; `transistors_with_fingers` adds the finger-expanded count), a device
(nmos/pmos) costs 1, a 6T bitcell 6. "yosys-cmos": the cost Yosys `stat -tech cmos`
gives the cell's gate model (romalayout.costs), devices and bitcells as above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from romalayout.costs import transistor_costs
from romalayout.errors import InputError
from romalayout.gen.macro import PERIPHERY_BLOCKS
from romalayout.netlist.ir import CONST1, Netlist

BLOCKS = ("array", "decoder", "cgen", "periphery", "compute")
COSTS = ("pdk", "yosys-cmos")


def type_costs(netlist: Netlist, tech, cost: str = "pdk", fingers: bool = False) -> np.ndarray:
    """Transistors per instance of each type index under cost table `cost`; with
    `fingers`, library cells count their finger-expanded devices (pdk table only)."""
    if cost not in COSTS:
        raise InputError("cost must be one of %s, got %r" % (", ".join(COSTS), cost))
    out = transistor_costs(tech, netlist, cost)
    if fingers:
        for i, t in enumerate(netlist.types):
            if t.kind == "cell":
                out[i] = tech.cells[t.name].transistor_multiplicity
    return out


@dataclass(frozen=True)
class Counts:
    """Statistics of one generated design; `to_json()` is the counts.json schema."""

    kind: str
    depth: int
    width: int
    pdk: str
    cost: str
    transistors: dict
    transistors_with_fingers: int | None
    instances: int
    instances_by_block: dict
    instances_by_type: dict
    nets: int
    pins: int
    fanout_histogram: dict
    lines: dict
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = {
            "kind": self.kind,
            "depth": self.depth,
            "width": self.width,
            "pdk": self.pdk,
            "cost": self.cost,
            "transistor_unit": "CDL device lines per cell; 1 per array/periphery device; 6 per bitcell"
            if self.cost == "pdk"
            else "Yosys 0.23 stat -tech cmos cost of each cell's gate model; 1 per device; 6 per bitcell",
            "transistors": self.transistors,
            "transistors_with_fingers": self.transistors_with_fingers,
            "instances": self.instances,
            "instances_by_block": self.instances_by_block,
            "instances_by_type": self.instances_by_type,
            "nets": self.nets,
            "pins": self.pins,
            "fanout_histogram": self.fanout_histogram,
            "lines": self.lines,
        }
        d.update(self.extra)
        return d


def count(netlist: Netlist, tech, cost: str = "pdk") -> Counts:
    """Count `netlist` under cost table `cost` ("pdk" or "yosys-cmos")."""
    per_type = type_costs(netlist, tech, cost)
    per_inst = per_type[netlist.inst_type]
    by_block = np.bincount(netlist.inst_block, weights=per_inst, minlength=len(netlist.blocks)).astype(np.int64)
    transistors = {b: 0 for b in BLOCKS}
    for i, name in enumerate(netlist.blocks):
        transistors[name] = int(by_block[i])
    if netlist.attributes.get("style") == "compiler":
        # The periphery's blocks are listed on their own; "periphery" is their sum.
        transistors["periphery"] = sum(transistors.get(b, 0) for b in PERIPHERY_BLOCKS)
    transistors["total"] = int(per_inst.sum())
    fingers = None
    if cost == "pdk":
        fingers = int(type_costs(netlist, tech, cost, fingers=True)[netlist.inst_type].sum())
    inst_by_block = {name: int(c) for name, c in zip(netlist.blocks, np.bincount(netlist.inst_block, minlength=len(netlist.blocks)))}
    type_counts = np.bincount(netlist.inst_type, minlength=len(netlist.types))
    inst_by_type = {t.name: int(c) for t, c in sorted(zip(netlist.types, type_counts), key=lambda x: x[0].name) if c}

    nets, pins, fanout = _connectivity(netlist)
    attrs = netlist.attributes
    extra = {}
    if attrs.get("kind") == "brom":
        blocks = attrs["depth"] // 4
        cgen_per_block = transistors["cgen"] // blocks if blocks else 0
        fold = attrs.get("fold", {"words_per_row": 1, "banks": 1})
        n = int(fold["words_per_row"])
        extra["num_cgen"] = {
            "cells_per_block": attrs["num_cgen_cells"] / n,
            "transistors_per_block": int(cgen_per_block),
            "sharing": "one CGen per block row, shared by its %d block%s side by side and all %d columns; 11 or2 cells reuse "
                       "each other's outputs%s" % (n, "" if n == 1 else "s", attrs["width"] * n,
                                                   "; with their sized candidate-line drivers" if attrs.get("style") == "compiler" else ""),
        }
        extra["paper_formula"] = {
            "expression": "D/4 * (W + NUM_CGEN)",
            "value": int(blocks * (attrs["width"] + cgen_per_block)),
            "array_plus_cgen": transistors["array"] + transistors["cgen"],
        }
    elif attrs.get("kind") == "rom":
        extra["paper_formula"] = {"expression": "D * W", "value": int(attrs["depth"] * attrs["width"]), "array": transistors["array"]}
    lines = {"horizontal": int(attrs.get("horizontal_lines", 0)), "vertical": int(attrs.get("vertical_lines", 0))}
    if "candidates_per_block" in attrs:
        lines["candidates_per_block"] = int(attrs["candidates_per_block"])
        lines["routed_candidates_per_block"] = int(attrs["array_lines_per_row"])
    return Counts(
        kind=str(attrs.get("kind", netlist.name)),
        depth=int(attrs.get("depth", 0)),
        width=int(attrs.get("width", 0)),
        pdk=tech.name,
        cost=cost,
        transistors=transistors,
        transistors_with_fingers=fingers,
        instances=netlist.n_instances,
        instances_by_block=inst_by_block,
        instances_by_type=inst_by_type,
        nets=nets,
        pins=pins,
        fanout_histogram=fanout,
        lines=lines,
        extra=extra,
    )


def _connectivity(netlist: Netlist) -> tuple[int, int, dict]:
    """(nets in use excluding the constants, connected pins, {sinks per net: nets})."""
    pn = netlist.pin_net
    connected = pn[pn >= 0]
    used = np.zeros(netlist.n_nets, dtype=bool)
    used[connected] = True
    for p in netlist.ports:
        used[list(p.nets)] = True
    used[: CONST1 + 1] = False
    # A sink is an input pin (a gate of a device counts as an input).
    is_input = np.concatenate([[d == "input" for d in t.directions] for t in netlist.types] or [[]]).astype(bool)
    sink = is_input[netlist.pin_type_slots()] & (pn > CONST1)
    sinks = np.bincount(pn[sink], minlength=netlist.n_nets)
    for p in netlist.ports:
        if p.direction == "output":
            sinks[[n for n in p.nets if n > CONST1]] += 1
    hist_vals, hist_counts = np.unique(sinks[used], return_counts=True)
    return int(used.sum()), int(connected.size), {str(int(v)): int(c) for v, c in zip(hist_vals, hist_counts)}
