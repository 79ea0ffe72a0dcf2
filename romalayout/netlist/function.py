"""Parser of the Boolean `function` strings of the PDK tables ("Y=!(A&B)", "CO=...; S=...").

Both the simulator (numpy words) and the leaf-model search (truth-table integers) evaluate
them; they share this parser so that the two can never disagree on syntax or precedence.
Operators: ! (not), & (and), ^ (xor), | (or), parentheses, constants 0 and 1; precedence as
in Python's ~ & ^ |, which is the order the tables are written for.
"""

from __future__ import annotations

import re

from romalayout.errors import InputError

_SEQUENTIAL = re.compile(r"^sequential\[[^\]]*\]\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*IQ\s*$")
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|[01]|[!&|^()])")


def parse_function(function: str, cell: str = "?", inputs: tuple[str, ...] | None = None) -> dict[str, str]:
    """{output: Python expression text} over the pin names and the names _ZERO / _ONES.

    Refuses sequential cells and, when `inputs` is given, any name that is not an input."""
    if function.startswith("sequential"):
        raise InputError("cell %s is sequential (%r); only combinational cells can be evaluated" % (cell, function))
    out = {}
    for part in function.split(";"):
        part = part.strip()
        if not part:
            continue
        lhs, eq, rhs = part.partition("=")
        toks, pos = [], 0
        while pos < len(rhs) and not rhs[pos:].isspace():
            m = _TOKEN.match(rhs, pos)
            if not m:
                raise InputError("cell %s: cannot parse function %r at %r" % (cell, function, rhs[pos:]))
            t = m.group(1)
            if inputs is not None and t[0].isalpha() and t not in inputs:
                raise InputError("cell %s: function %r uses %r, expected one of its inputs %s" % (cell, function, t, inputs))
            toks.append({"!": "~", "0": "_ZERO", "1": "_ONES"}.get(t, t))
            pos = m.end()
        if not eq or not toks:
            raise InputError("cell %s: function part %r is not OUTPUT=EXPRESSION" % (cell, part))
        out[lhs.strip()] = " ".join(toks)
    if not out:
        raise InputError("cell %s has no function (%r)" % (cell, function))
    return out


def sequential_output(function: str, cell: str = "?") -> tuple[str, bool]:
    """(output pin, inverted) of a storage cell whose function is "sequential[...] OUT=IQ":
    the output gives the stored bit, inverted when its name says so (QN, Q_N; ASAP7's
    DFFHQNx1). InputError for any other function."""
    m = _SEQUENTIAL.match(function)
    if not m:
        raise InputError("cell %s: function %r is not a storage cell with one output =IQ" % (cell, function))
    out = m.group(1)
    return out, bool(re.search(r"(_N|N)$", out))


def settled_function(function: str, inputs: tuple[str, ...], cell: str = "?") -> dict[str, str]:
    """The steady state of a D flip-flop or D latch with its inputs held over a clock cycle:
    the output is the D input (inverted for an inverted output). {output: expression}."""
    out, inverted = sequential_output(function, cell)
    if "D" not in inputs:
        raise InputError("cell %s: storage cell without a D input (inputs %s)" % (cell, " ".join(inputs)))
    return {out: "~ D" if inverted else "D"}
