"""Transistor cost tables: the PDK's (device lines per cell in its CDL) and Yosys's.

"yosys-cmos" is identical to Yosys 0.23 `stat -tech cmos` (romalayout/data/costs/
yosys_cmos.toml, values cited there): a library cell costs the sum of the gates of its leaf
model (romalayout.export.models), so `stat -tech cmos` on our exported Verilog gives the
same number. "pdk" is `Cell.transistors` (device lines in the PDK's CDL; a multi-finger
device line counts once, as layout counts it).

Devices outside the cell library cost the same under both tables (from the TOML's
[devices]): an nmos or pmos device is one transistor, a 6T bitcell six.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Mapping

import numpy as np

from romalayout.errors import InputError
from romalayout.export.models import LeafModel, leaf_model
from romalayout.netlist.ir import CellType, Netlist
from romalayout.tech import Technology

COST_TABLES = ("pdk", "yosys-cmos")


def load_yosys_cmos() -> dict:
    """The Yosys cost table as {"gates": {gate: cost}, "devices": {kind: cost}, ...}."""
    text = resources.files("romalayout").joinpath("data/costs/yosys_cmos.toml").read_text()
    return tomllib.loads(text)


def gate_costs() -> dict[str, int]:
    """Yosys internal gate cell -> transistors under `stat -tech cmos` (Yosys 0.23)."""
    return dict(load_yosys_cmos()["gates"])


def device_costs() -> dict[str, int]:
    """Device kind (nmos, pmos, bitcell) -> transistors, under both tables."""
    return dict(load_yosys_cmos()["devices"])


def type_model(ctype: CellType, costs: Mapping[str, int] | None = None) -> LeafModel:
    """Leaf model (Yosys gates) of a netlist cell type of kind "cell"."""
    if ctype.kind != "cell":
        raise InputError("cell type %r is a %s device, not a library cell; it has no gate model" % (ctype.name, ctype.kind))
    ins = tuple(p for p, d in zip(ctype.pins, ctype.directions) if d == "input")
    outs = tuple(p for p, d in zip(ctype.pins, ctype.directions) if d != "input")
    return leaf_model(ctype.name, ins, outs, ctype.function, dict(costs if costs is not None else gate_costs()))


def _check_table(table: str) -> None:
    if table not in COST_TABLES:
        raise InputError("cost table %r, expected one of %s" % (table, ", ".join(COST_TABLES)))


def cell_cost(tech: Technology, cell_name: str, table: str) -> int:
    """Transistors of one library cell of `tech` under cost table "pdk" or "yosys-cmos"."""
    _check_table(table)
    if cell_name not in tech.cells:
        raise InputError("cell %r is not in PDK %s" % (cell_name, tech.name))
    c = tech.cells[cell_name]
    if table == "pdk":
        return int(c.transistors)
    costs = gate_costs()
    return leaf_model(c.name, c.inputs, c.outputs, c.function, costs).cost(costs)


def transistor_costs(tech: Technology, netlist: Netlist, cost: str = "pdk") -> np.ndarray:
    """Cost per instance of each type of `netlist` (indexed like netlist.types), int64.

    Library cells: cell_cost under `cost` ("pdk" looks the cell up in `tech`; "yosys-cmos"
    uses the type's own function). nmos/pmos devices 1, bitcells 6, under both tables."""
    _check_table(cost)
    gates, devices = gate_costs(), device_costs()
    out = np.zeros(len(netlist.types), dtype=np.int64)
    for i, t in enumerate(netlist.types):
        if t.kind != "cell":
            out[i] = devices[t.kind]
        elif cost == "pdk":
            out[i] = cell_cost(tech, t.name, "pdk")
        else:
            out[i] = type_model(t, gates).cost(gates)
    return out
