"""Leaf models of library cells as Yosys internal gate cells ($_NAND_, $_AOI3_, ...).

A cell's `function` ("Y=!(A&B)", "COUT=...; SUM=...") is turned into truth tables, and each
output into the cheapest *formula* (a tree; leaves are the cell's inputs and 0/1) over the
gates of GATES under a cost table (the Yosys `stat -tech cmos` one), found by a uniform-cost
enumeration of truth tables for cells of up to four inputs. Wider cells, or a search that
would exceed its work budget, use Shannon expansion with $_MUX_ down to such cofactors.
Shared subformulas between outputs are emitted once (structural hashing). A buffer output
(the function is one of the inputs) is two $_NOT_s, which is what a buffer cell is.

The result is deterministic: the enumeration order is fixed and ties keep the first found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.errors import InputError
from romalayout.netlist.function import parse_function, sequential_output

# Pins of each gate, inputs then the output Y (Yosys simcells.v names and order).
GATES: dict[str, tuple[str, ...]] = {
    "$_NOT_": ("A",),
    "$_AND_": ("A", "B"),
    "$_NAND_": ("A", "B"),
    "$_OR_": ("A", "B"),
    "$_NOR_": ("A", "B"),
    "$_XOR_": ("A", "B"),
    "$_XNOR_": ("A", "B"),
    "$_ANDNOT_": ("A", "B"),
    "$_ORNOT_": ("A", "B"),
    "$_MUX_": ("A", "B", "S"),
    "$_NMUX_": ("A", "B", "S"),
    "$_AOI3_": ("A", "B", "C"),
    "$_OAI3_": ("A", "B", "C"),
    "$_AOI4_": ("A", "B", "C", "D"),
    "$_OAI4_": ("A", "B", "C", "D"),
}
# The one sequential gate the models use (a positive-edge D flip-flop), output Q.
DFF = "$_DFF_P_"
DFF_PINS = ("C", "D")
# Gates whose first two inputs commute (the search skips the mirrored half).
_COMMUTES = {"$_AND_", "$_NAND_", "$_OR_", "$_NOR_", "$_XOR_", "$_XNOR_", "$_AOI3_", "$_OAI3_"}
MAX_EXACT_INPUTS = 4
_WORK_LIMIT = 4_000_000  # truth-table combinations per search before falling back to Shannon


def gate_eval(gate: str, a, b=None, c=None, d=None):
    """The gate's output for inputs given as ints or numpy arrays of truth-table bits
    (bitwise; the caller masks the result to the table width)."""
    if gate == "$_NOT_":
        return ~a
    if gate == "$_AND_":
        return a & b
    if gate == "$_NAND_":
        return ~(a & b)
    if gate == "$_OR_":
        return a | b
    if gate == "$_NOR_":
        return ~(a | b)
    if gate == "$_XOR_":
        return a ^ b
    if gate == "$_XNOR_":
        return ~(a ^ b)
    if gate == "$_ANDNOT_":
        return a & ~b
    if gate == "$_ORNOT_":
        return a | ~b
    if gate == "$_MUX_":  # Y = S ? B : A
        return (a & ~c) | (b & c)
    if gate == "$_NMUX_":
        return ~((a & ~c) | (b & c))
    if gate == "$_AOI3_":
        return ~((a & b) | c)
    if gate == "$_OAI3_":
        return ~((a | b) & c)
    if gate == "$_AOI4_":
        return ~((a & b) | (c & d))
    if gate == "$_OAI4_":
        return ~((a | b) & (c | d))
    raise InputError("unknown gate %r, expected one of %s" % (gate, ", ".join(GATES)))


def var_masks(n: int) -> tuple[int, list[int]]:
    """(all-ones mask, truth table of each input) for n inputs; row r has input i = bit i of r."""
    rows = 1 << n
    full = (1 << rows) - 1
    masks = [sum(1 << r for r in range(rows) if (r >> i) & 1) for i in range(n)]
    return full, masks


def truth_tables(function: str, inputs: tuple[str, ...], cell: str = "?") -> dict[str, int]:
    """Truth table (an int, bit r = value on input row r) of each output of a `function`
    string in the PDK tables' syntax. Operator precedence is the simulator's: ! & ^ |."""
    full, masks = var_masks(len(inputs))
    env = dict(zip(inputs, masks))
    env.update(_ZERO=0, _ONES=full)
    out = {}
    for name, expr in parse_function(function, cell, tuple(inputs)).items():
        out[name] = eval(expr, {"__builtins__": {}}, env) & full
    return out


# -- search ------------------------------------------------------------------------------


def _compositions(total: int, parts: int, levels: dict[int, np.ndarray]):
    """Ways to split `total` cost over `parts` children, each a cost level that has tables."""
    if parts == 1:
        if total in levels:
            yield (total,)
        return
    for first in sorted(levels):
        if first > total:
            break
        for rest in _compositions(total - first, parts - 1, levels):
            yield (first,) + rest


def exact_formula(target: int, n: int, costs: dict[str, int], work_limit: int = _WORK_LIMIT):
    """Cheapest formula for truth table `target` of n <= 4 inputs, or None past the budget.

    Uniform-cost search over truth tables: level c holds the tables whose cheapest formula
    costs c; a gate of cost g combines children whose levels sum to c - g."""
    full, masks = var_masks(n)
    size = full + 1
    how: dict[int, tuple] = {}
    found = np.zeros(size, dtype=bool)
    leaves = [(0, ("const", 0)), (full, ("const", 1))] + [(m, ("in", i)) for i, m in enumerate(masks)]
    for tt, f in leaves:
        if not found[tt]:
            found[tt] = True
            how[tt] = f
    levels = {0: np.array(sorted({tt for tt, _ in leaves}), dtype=np.int64)}
    gates = sorted((g for g in GATES if g in costs), key=lambda g: (costs[g], g))
    step = min(costs[g] for g in gates)
    work = 0
    c = 0
    while target not in how:
        c += step
        if c > 64 * step:
            return None
        new_tts, new_how = [], []
        for g in gates:
            k = len(GATES[g])
            for parts in _compositions(c - costs[g], k, levels):
                if g in _COMMUTES and parts[0] > parts[1]:
                    continue
                arrays = [levels[p] for p in parts]
                work += int(np.prod([a.size for a in arrays]))
                if work > work_limit:
                    return None
                grids = np.meshgrid(*arrays, indexing="ij")
                res = gate_eval(g, *grids) & full
                flat = res.ravel()
                fresh = ~found[flat]
                if not fresh.any():
                    continue
                idx = np.flatnonzero(fresh)
                uniq, first = np.unique(flat[idx], return_index=True)
                pos = idx[first]
                found[uniq] = True
                for tt, p in zip(uniq.tolist(), pos.tolist()):
                    kids = tuple(int(gr.ravel()[p]) for gr in grids)
                    new_how.append((tt, (g,) + kids))
                new_tts.append(uniq)
        if new_tts:
            levels[c] = np.sort(np.concatenate(new_tts))
            for tt, h in new_how:
                how[tt] = h
    return _expand(target, how)


def _expand(tt: int, how: dict[int, tuple]):
    h = how[tt]
    if h[0] in ("const", "in"):
        return h
    return (h[0],) + tuple(_expand(k, how) for k in h[1:])


def formula(target: int, n: int, costs: dict[str, int]):
    """Formula for a truth table of n inputs: exact for small cells, Shannon above."""
    full, masks = var_masks(n)
    if n <= MAX_EXACT_INPUTS:
        f = exact_formula(target, n, costs)
        if f is not None:
            return f
    # Shannon expansion on the last input: f = x ? f1 : f0, cofactors over inputs 0..n-2.
    x = n - 1
    half = 1 << (n - 1)
    lo_rows = [r for r in range(1 << n) if not (r >> x) & 1]
    f0 = sum(((target >> r) & 1) << k for k, r in enumerate(lo_rows))
    f1 = sum(((target >> (r + half)) & 1) << k for k, r in enumerate(lo_rows))
    a, b = formula(f0, n - 1, costs), formula(f1, n - 1, costs)
    if f0 == f1:
        return a
    return ("$_MUX_", a, b, ("in", x))


def formula_cost(f, costs: dict[str, int]) -> int:
    if f[0] in ("const", "in"):
        return 0
    return costs[f[0]] + sum(formula_cost(k, costs) for k in f[1:])


# -- the model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LeafModel:
    """A cell as a netlist of Yosys gates: gates[k] = (gate type, input signals, output
    signal); signals are the cell's pin names, internal wires w0, w1, ... or 1'b0/1'b1.
    `assigns` are (output pin, signal) pairs for outputs that are no gate's output."""

    cell: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    wires: tuple[str, ...]
    gates: tuple[tuple[str, tuple[str, ...], str], ...]
    assigns: tuple[tuple[str, str], ...]

    def cost(self, costs) -> int:
        """Sum of the gates' costs under a gate -> cost table."""
        try:
            return sum(int(costs[g]) for g, _, _ in self.gates)
        except KeyError as e:
            raise InputError("cost table has no entry for gate %s" % e.args[0]) from None

    def gate_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for g, _, _ in self.gates:
            out[g] = out.get(g, 0) + 1
        return out

    @property
    def sequential(self) -> bool:
        return any(g == DFF for g, _, _ in self.gates)

    def evaluate(self, values: dict[str, int], full: int) -> dict[str, int]:
        """Evaluate a combinational model on truth-table ints; returns every output."""
        if self.sequential:
            raise InputError("cell %s is sequential; its model has no truth table" % self.cell)
        env = dict(values)
        env["1'b0"], env["1'b1"] = 0, full
        for g, ins, out in self.gates:
            env[out] = gate_eval(g, *(env[s] for s in ins)) & full
        for out, s in self.assigns:
            env[out] = env[s]
        return {o: env[o] for o in self.outputs}


def _dff_model(cell: str, inputs, outputs, function: str) -> LeafModel:
    """A D flip-flop cell ("sequential[...] Q=IQ"): one $_DFF_P_ on the clock pin, plus a
    $_NOT_ when the output pin is named as an inverted one (QN, Q_N), the PDK's convention
    (ASAP7's DFFHQNx1, whose role binding also marks QN inverted)."""
    try:
        out, inverted = sequential_output(function, cell)
    except InputError:
        out, inverted = None, False
    clk = [p for p in inputs if "CLK" in p.upper()]
    if out is None or "D" not in inputs or len(clk) != 1 or len(inputs) != 2 or tuple(outputs) != (out,):
        raise InputError(
            "cell %s: sequential function %r is not a plain D flip-flop (inputs D and CLK, one output =IQ); "
            "no leaf model" % (cell, function)
        )
    if inverted:
        gates = ((DFF, (clk[0], "D"), "w0"), ("$_NOT_", ("w0",), out))
        return LeafModel(cell, tuple(inputs), tuple(outputs), ("w0",), gates, ())
    return LeafModel(cell, tuple(inputs), tuple(outputs), (), ((DFF, (clk[0], "D"), out),), ())


def leaf_model(cell: str, inputs, outputs, function: str, costs: dict[str, int]) -> LeafModel:
    """The Yosys-gate model of one library cell (see the module docstring); a sequential
    cell must be a plain D flip-flop."""
    inputs, outputs = tuple(inputs), tuple(outputs)
    if function.startswith("sequential"):
        return _dff_model(cell, inputs, outputs, function)
    tables = truth_tables(function, inputs, cell)
    missing = [o for o in outputs if o not in tables]
    if missing:
        raise InputError("cell %s: function %r gives no value for outputs %s" % (cell, function, missing))
    gates: list[tuple[str, tuple[str, ...], str]] = []
    node_of: dict[tuple, str] = {}  # structural hashing: (gate, input signals) -> signal
    wires: list[str] = []

    def emit(f, want: str | None) -> str:
        if f[0] == "const":
            return "1'b%d" % f[1]
        if f[0] == "in":
            return inputs[f[1]]
        ins = tuple(emit(k, None) for k in f[1:])
        key = (f[0], ins)
        if key in node_of:
            return node_of[key]
        name = want if want is not None else "w%d" % len(wires)
        if want is None:
            wires.append(name)
        gates.append((f[0], ins, name))
        node_of[key] = name
        return name

    assigns = []
    full, masks = var_masks(len(inputs))
    for o in outputs:
        f = formula(tables[o], len(inputs), costs)
        if f[0] == "in":  # a buffer: two inverters, as the cell is built
            f = ("$_NOT_", ("$_NOT_", f))
        sig = emit(f, o)
        if sig != o:
            assigns.append((o, sig))
    return LeafModel(cell, inputs, outputs, tuple(wires), tuple(gates), tuple(assigns))
