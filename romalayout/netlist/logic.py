"""Role-level gate construction: generators ask for a `nand2`, the PDK decides which cell.

A role (inv, nand2, fa, ...) is bound to a library cell by pdk/<name>/pdk.toml. Where the
cell gives an output inverted (ASAP7's FAx1: SN, CON), `gate` adds an inverter so the
generator always sees the true function; the inverter is counted like any other cell.
"""

from __future__ import annotations

import numpy as np

from romalayout.errors import NetlistError
from romalayout.netlist.builder import NetlistBuilder
from romalayout.netlist.ir import CONST0, CONST1, CellType
from romalayout.tech import Technology

# Role pins in order: inputs then outputs.
ROLE_PINS = {
    "inv": (("A",), ("Y",)),
    "buf": (("A",), ("Y",)),
    "nand2": (("A", "B"), ("Y",)),
    "nand3": (("A", "B", "C"), ("Y",)),
    "nand4": (("A", "B", "C", "D"), ("Y",)),
    "nor2": (("A", "B"), ("Y",)),
    "nor3": (("A", "B", "C"), ("Y",)),
    "nor4": (("A", "B", "C", "D"), ("Y",)),
    "and2": (("A", "B"), ("Y",)),
    "and3": (("A", "B", "C"), ("Y",)),
    "and4": (("A", "B", "C", "D"), ("Y",)),
    "or2": (("A", "B"), ("Y",)),
    "or3": (("A", "B", "C"), ("Y",)),
    "or4": (("A", "B", "C", "D"), ("Y",)),
    "xor2": (("A", "B"), ("Y",)),
    "xnor2": (("A", "B"), ("Y",)),
    "aoi21": (("A1", "A2", "B"), ("Y",)),
    "oai21": (("A1", "A2", "B"), ("Y",)),
    "maj3": (("A", "B", "C"), ("Y",)),
    "ha": (("A", "B"), ("S", "CO")),
    "fa": (("A", "B", "CI"), ("S", "CO")),
    "dff": (("D", "CLK"), ("Q",)),
}


def cell_type(tech: Technology, cell_name: str) -> CellType:
    """The netlist CellType of a library cell: its pins (inputs, then outputs) and function."""
    c = tech.cells[cell_name]
    pins = tuple(c.inputs) + tuple(c.outputs)
    dirs = ("input",) * len(c.inputs) + ("output",) * len(c.outputs)
    return CellType(name=c.name, pins=pins, directions=dirs, kind="cell", function=c.function)


class LogicBuilder:
    """Adds role-level gates to a NetlistBuilder using one Technology's cells."""

    def __init__(self, nb: NetlistBuilder, tech: Technology):
        self.nb = nb
        self.tech = tech

    def _register(self, role: str, cell: str | None = None):
        if role not in ROLE_PINS:
            raise NetlistError("unknown logic role %r, expected one of %s" % (role, ", ".join(sorted(ROLE_PINS))))
        if role not in self.tech.roles:
            raise NetlistError("PDK %s binds no cell to role %r" % (self.tech.name, role))
        r = self.tech.roles[role]
        if cell is not None and cell != r.cell:
            # Another drive strength of the role's cell: same pins, same function.
            bound = self.tech.cells[r.cell]
            other = self.tech.cells.get(cell)
            if other is None or (other.inputs, other.outputs, other.function) != (bound.inputs, bound.outputs, bound.function):
                raise NetlistError("cell %r cannot stand for role %s (bound to %s): pins or function differ" % (cell, role, r.cell))
            r = type(r)(name=r.name, cell=cell, pins=r.pins, invert=r.invert)
        ct = cell_type(self.tech, r.cell)
        self.nb.add_type(ct)
        return r, ct

    def gates(self, role: str, block: str, cell: str | None = None, **inputs) -> dict[str, np.ndarray]:
        """Add len(inputs[...]) gates of one role at once; return role outputs as net arrays.

        Each keyword is a role input pin with an array (or scalar) of nets; scalars broadcast.
        `cell` picks another drive strength of the role's cell (same pins and function)."""
        r, ct = self._register(role, cell)
        ins, outs = ROLE_PINS[role]
        if set(inputs) != set(ins):
            raise NetlistError("role %s takes inputs %s, got %s" % (role, ", ".join(ins), ", ".join(sorted(inputs))))
        arrays = np.broadcast_arrays(*[np.atleast_1d(np.asarray(inputs[p], dtype=np.int64)) for p in ins])
        n = arrays[0].shape[0]
        out_nets = {p: self.nb.new_nets(n) for p in outs}
        by_cell_pin = {}
        for p, a in zip(ins, arrays):
            by_cell_pin[r.pins[p]] = a
        for p in outs:
            by_cell_pin[r.pins[p]] = out_nets[p]
        cols = []
        for pin in ct.pins:
            if pin not in by_cell_pin:
                raise NetlistError("role %s: cell %s pin %s is not bound in pdk.toml" % (role, ct.name, pin))
            cols.append(by_cell_pin[pin])
        self.nb.add_many(ct.name, block, np.stack(cols, axis=1))
        result = {}
        for p in outs:
            if p in r.invert:
                result[p] = self.gates("inv", block, A=out_nets[p])["Y"]
            else:
                result[p] = out_nets[p]
        return result

    def gate(self, role: str, block: str, **inputs) -> int | tuple[int, ...]:
        """One gate; returns its output net (or a tuple for several outputs, in role order)."""
        outs = self.gates(role, block, **{k: [v] for k, v in inputs.items()})
        vals = tuple(int(outs[p][0]) for p in ROLE_PINS[role][1])
        return vals[0] if len(vals) == 1 else vals

    # Short forms used by the generators.
    def inv(self, a, block):
        return self.gate("inv", block, A=a)

    def and2(self, a, b, block):
        return self.gate("and2", block, A=a, B=b)

    def or2(self, a, b, block):
        return self.gate("or2", block, A=a, B=b)

    def xor2(self, a, b, block):
        return self.gate("xor2", block, A=a, B=b)

    def reduce(self, role2: str, role3: str | None, role4: str | None, nets, block: str) -> int:
        """Balanced tree of an associative gate (e.g. or2/or3/or4) over `nets`; returns the root.

        Uses the widest available gate per level so the tree is as shallow as the library allows."""
        nets = [int(n) for n in nets]
        if not nets:
            raise NetlistError("reduce over no nets")
        widths = [(4, role4), (3, role3), (2, role2)]
        while len(nets) > 1:
            nxt = []
            i = 0
            while i < len(nets):
                rest = len(nets) - i
                for w, role in widths:
                    if role and rest >= w:
                        pins = ROLE_PINS[role][0]
                        nxt.append(self.gate(role, block, **dict(zip(pins, nets[i : i + w]))))
                        i += w
                        break
                else:
                    nxt.append(nets[i])
                    i += 1
            nets = nxt
        return nets[0]


__all__ = ["CONST0", "CONST1", "LogicBuilder", "ROLE_PINS", "cell_type"]
