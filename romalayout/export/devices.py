"""Verilog models of the transistor-level devices and of the Yosys gate cells, as pyverilog ASTs.

Devices (kind nmos, pmos, bitcell) act on *wired lines*: a net that is the drain of an
nmos/pmos or the BL/BLB of a bitcell. Every such net is declared `wand` in each module it
appears in, and each device drives it with a plain Boolean expression:
  nmos     D = ~(G & ~S)    released (1) unless the gate is on and the source is low
  pmos     D = 1            the precharge: during evaluation it holds the line high
  bitcell  BL = ~(WL & ~Q), BLB = ~(WL & Q)   Q, the stored bit, is a `reg` set from outside
The wired AND of those drivers is the simulator's rule "a line is high unless a device
pulls it down" (romalayout.sim), for every source tied to CONST0 or CONST1. (The simulator
ignores an nmos whose source is any other net; this model would let it pull down while
the source is low: generators do not build such pass devices.)

Why `wand` and not tri-state pull-downs on `tri1` nets: Yosys 0.23 parses neither `tri1`
nor `pullup`, but both Yosys and iverilog accept `wand`. iverilog resolves a `wand` across
module ports (port collapsing), so simulation is exact. Yosys resolves `wand` drivers
within a module only; a line driven from two block modules (array pull-downs plus
periphery precharge) is reported as having multiple drivers. Yosys is used on the logic
blocks (decoder, cgen, compute), which have no devices, so its `stat` is unaffected.
"""

from __future__ import annotations

import re

import pyverilog.vparser.ast as vast

from romalayout.errors import InputError
from romalayout.export.models import DFF, DFF_PINS, GATES
from romalayout.netlist.ir import CellType

DEVICE_KINDS = ("nmos", "pmos", "bitcell")
# Pins a device drives (its wired-line pins); every other pin is an input.
DRIVE_PINS = {"nmos": ("D",), "pmos": ("D",), "bitcell": ("BL", "BLB")}
_REQUIRED = {"nmos": ("D", "G", "S"), "pmos": ("D", "G", "S"), "bitcell": ("WL", "BL", "BLB")}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Wand(vast.Wire):
    """A `wand` net; pyverilog names an Ioport's net type after the class."""


def ident(name: str) -> vast.Identifier:
    return vast.Identifier(name)


def device_module_name(ctype: CellType) -> str:
    """Module name of a device type: romalayout_<type name> (nmos/pmos are Verilog keywords)."""
    name = "romalayout_" + ctype.name
    if not _IDENT.match(name):
        raise InputError("device type name %r: expected letters, digits and _ only" % ctype.name)
    return name


def _ports(ctype: CellType, drive) -> vast.Portlist:
    return vast.Portlist([vast.Ioport(vast.Output(p) if p in drive else vast.Input(p)) for p in ctype.pins])


def _assign(lhs: str, rhs) -> vast.Assign:
    return vast.Assign(vast.Lvalue(ident(lhs)), vast.Rvalue(rhs))


def device_module(ctype: CellType) -> vast.ModuleDef:
    """The behavioural model of one device type (see the module docstring)."""
    if ctype.kind not in DEVICE_KINDS:
        raise InputError("cell type %r has kind %r, expected one of %s" % (ctype.name, ctype.kind, ", ".join(DEVICE_KINDS)))
    missing = [p for p in _REQUIRED[ctype.kind] if p not in ctype.pins]
    if missing:
        raise InputError("device type %r (%s) lacks pins %s" % (ctype.name, ctype.kind, ", ".join(missing)))
    drive = DRIVE_PINS[ctype.kind]
    i = ident
    if ctype.kind == "nmos":
        items = [_assign("D", vast.Unot(vast.And(i("G"), vast.Unot(i("S")))))]
    elif ctype.kind == "pmos":
        items = [_assign("D", vast.IntConst("1'b1"))]
    else:
        items = [
            vast.Decl([vast.Reg("Q")]),
            _assign("BL", vast.Unot(vast.And(i("WL"), vast.Unot(i("Q"))))),
            _assign("BLB", vast.Unot(vast.And(i("WL"), i("Q")))),
        ]
    return vast.ModuleDef(device_module_name(ctype), None, _ports(ctype, drive), items)


def _gate_expr(gate: str):
    a, b, c, d = (ident(p) for p in "ABCD")
    s = ident("S")
    n = vast.Unot
    return {
        "$_NOT_": lambda: n(a),
        "$_AND_": lambda: vast.And(a, b),
        "$_NAND_": lambda: n(vast.And(a, b)),
        "$_OR_": lambda: vast.Or(a, b),
        "$_NOR_": lambda: n(vast.Or(a, b)),
        "$_XOR_": lambda: vast.Xor(a, b),
        "$_XNOR_": lambda: n(vast.Xor(a, b)),
        "$_ANDNOT_": lambda: vast.And(a, n(b)),
        "$_ORNOT_": lambda: vast.Or(a, n(b)),
        "$_MUX_": lambda: vast.Cond(s, b, a),
        "$_NMUX_": lambda: n(vast.Cond(s, b, a)),
        "$_AOI3_": lambda: n(vast.Or(vast.And(a, b), c)),
        "$_OAI3_": lambda: n(vast.And(vast.Or(a, b), c)),
        "$_AOI4_": lambda: n(vast.Or(vast.And(a, b), vast.And(c, d))),
        "$_OAI4_": lambda: n(vast.And(vast.Or(a, b), vast.Or(c, d))),
    }[gate]()


def gate_module(gate: str) -> vast.ModuleDef:
    """Simulation model of one Yosys internal gate cell, for iverilog (same function as
    Yosys's simcells.v). Yosys, reading with -icells, instantiates its own cell instead."""
    name = "\\" + gate
    if gate == DFF:
        ports = vast.Portlist([vast.Ioport(vast.Input(p)) for p in DFF_PINS] + [vast.Ioport(vast.Output("Q"), vast.Reg("Q"))])
        body = vast.Always(
            vast.SensList([vast.Sens(ident("C"), "posedge")]),
            vast.NonblockingSubstitution(vast.Lvalue(ident("Q")), vast.Rvalue(ident("D"))),
        )
        return vast.ModuleDef(name, None, ports, [body])
    if gate not in GATES:
        raise InputError("unknown gate %r, expected one of %s" % (gate, ", ".join(list(GATES) + [DFF])))
    ports = vast.Portlist([vast.Ioport(vast.Input(p)) for p in GATES[gate]] + [vast.Ioport(vast.Output("Y"))])
    return vast.ModuleDef(name, None, ports, [_assign("Y", _gate_expr(gate))])
