"""Sized driver chains for a memory's long lines (word lines, candidate lines, column selects).

A line's load is the gates on it plus its wire:
  C_load = n_gates * C_gate + length * c_wire
  C_gate = C_in(smallest driver inverter) / gate size(smallest inverter) * array gate size
with C_in from the Liberty pin capacitance (liberty.csv), gate sizes from the CDL
(cells.csv total_w_um / total_nfin) and c_wire from the tech LEF (metal_rc.csv). The chain
follows logical effort: N stages for a path effort F = C_load / C_in(first stage), with N
the smallest even count whose stage effort F^(1/N) is at most the PDK's stage_fanout
(pdk.toml [macro]); stage k's ideal input capacitance is C_in(first) * F^(k/N), and each
stage is the library inverter nearest to it in log scale. Even N keeps the line's polarity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from romalayout.errors import TechnologyError
from romalayout.netlist.logic import LogicBuilder
from romalayout.tech import Technology


def macro_rules(tech: Technology):
    """The PDK's [macro] rules, or a TechnologyError naming the missing table."""
    if tech.macro is None:
        raise TechnologyError("PDK %s has no [macro] table in pdk.toml; compiler-style macros need it" % tech.name)
    return tech.macro


def _input_cap_pf(tech: Technology, cell: str) -> float:
    caps = tech.cells[cell].input_cap_pf
    return float(max(caps.values()))


def gate_cap_pf(tech: Technology, gate_size: float | None = None) -> float:
    """Capacitance of a gate of `gate_size` (default: one array transistor), in pF."""
    rules = macro_rules(tech)
    first = rules.driver_cells[0]
    per_unit = _input_cap_pf(tech, first) / tech.cells[first].gate_size
    return per_unit * (rules.array_gate_size if gate_size is None else gate_size)


def wire_cap_pf(tech: Technology, layer: str, length_um: float) -> float:
    """Wire capacitance of `length_um` of `layer` (tech LEF values in metal_rc.csv)."""
    c = tech.metal(layer).c_pf_per_um
    if c is None:
        raise TechnologyError("PDK %s gives no wire capacitance for %s (metal_rc.csv)" % (tech.name, layer))
    return c * length_um


@dataclass(frozen=True)
class Chain:
    """A sized inverter chain and the load it was sized for."""

    cells: tuple[str, ...]
    load_pf: float
    stage_effort: float

    def to_json(self) -> dict:
        return {"cells": list(self.cells), "load_pf": round(self.load_pf, 6), "stage_effort": round(self.stage_effort, 3)}


def size_chain(tech: Technology, load_pf: float) -> Chain:
    """The even-length inverter chain that drives `load_pf` (see the module docstring)."""
    rules = macro_rules(tech)
    cells = rules.driver_cells
    caps = np.array([_input_cap_pf(tech, c) for c in cells])
    c1 = caps[0]
    effort = max(load_pf / c1, 1.0)
    n = 2
    while effort ** (1.0 / n) > rules.stage_fanout:
        n += 2
    chosen = []
    for k in range(n):
        ideal = c1 * effort ** (k / n)
        chosen.append(cells[int(np.argmin(np.abs(np.log(caps / ideal))))])
    return Chain(tuple(chosen), float(load_pf), float(effort ** (1.0 / n)))


def drive(lb: LogicBuilder, lines: np.ndarray, chain: Chain, block: str) -> np.ndarray:
    """Put `chain` on every line of `lines`; returns the driven nets."""
    out = np.asarray(lines, dtype=np.int64)
    for cell in chain.cells:
        out = lb.gates("inv", block, cell=cell, A=out)["Y"]
    return out


def drive_lines(lb: LogicBuilder, lines: np.ndarray, n_gates: np.ndarray, length_um: float, layer: str, block: str,
                gate_size: float | None = None) -> tuple[np.ndarray, Chain | None]:
    """Drive each line of `lines` with the chain sized for its own load (n_gates[k] gates over
    `length_um`); a line with no gates gets no driver (nothing reads it). Returns the driven
    nets and the chain of the most loaded line (None when no line has a gate)."""
    lines = np.asarray(lines, dtype=np.int64)
    n_gates = np.asarray(n_gates, dtype=np.int64)
    out = lines.copy()
    worst = None
    for n in np.unique(n_gates):
        if n <= 0:
            continue
        sel = n_gates == n
        chain = line_chain(lb.tech, int(n), length_um, layer, gate_size)
        out[sel] = drive(lb, lines[sel], chain, block)
        worst = chain
    return out, worst


def line_chain(tech: Technology, n_gates: int, length_um: float, layer: str, gate_size: float | None = None) -> Chain:
    """The driver of a line with `n_gates` gates over `length_um` of `layer`."""
    if n_gates < 0 or length_um < 0 or not math.isfinite(length_um):
        raise ValueError("line load needs n_gates >= 0 and a finite length >= 0")
    return size_chain(tech, n_gates * gate_cap_pf(tech, gate_size) + wire_cap_pf(tech, layer, length_um))
