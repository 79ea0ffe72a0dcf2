"""Structural Verilog of a Netlist: one module per block under the top module, plus the
leaf models, in one self-contained file that iverilog compiles and Yosys reads.

File layout (every module is a pyverilog ModuleDef rendered by its ASTCodeGenerator):
  header comment; Yosys gate models (\\$_NAND_ ...) used; device models (romalayout_nmos
  ...); one module per library cell type, built from Yosys gates (romalayout.export.models);
  one module <top>_<block> per block holding that block's instances; the top module.
Nets are named n<index>; a block module's ports are the nets it shares with other blocks or
with the top ports (output when the block drives the net, else input). Wired lines are
`wand` (see romalayout.export.devices). Instances are i<instance index>, block instances
u_<block>.

Yosys must read the file with `read_verilog -icells` so that instances of \\$_NAND_ etc. are
its internal gate cells (which `stat -tech cmos` counts). The gate modules in the file are
simulation models for iverilog, inside `ifndef YOSYS` (Yosys defines YOSYS), because Yosys
would otherwise bind the cells to them and flatten them into coarse $and/$not cells.

The blocks and top module also have a direct string writer, for large netlists: pyverilog's
code generator costs ~0.1 ms per instance. It is tested to give the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyverilog.vparser.ast as vast
from pyverilog.ast_code_generator.codegen import ASTCodeGenerator

from romalayout.costs import gate_costs, type_model
from romalayout.errors import InputError
from romalayout.export.devices import DEVICE_KINDS, DRIVE_PINS, Wand, device_module, device_module_name, gate_module, ident
from romalayout.export.models import DFF, GATES
from romalayout.fileio import atomic_write_text
from romalayout.netlist.ir import CONST0, CONST1, NO_NET, Netlist

METHODS = ("auto", "pyverilog", "direct")
DIRECT_ABOVE_INSTANCES = 2000  # "auto" uses the direct writer above this many instances
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = re.compile(r"^(n\d+|i\d+|u_.*|w\d+)$")


class _Codegen(ASTCodeGenerator):
    """pyverilog's generator plus `wand` declarations."""

    def visit_Wand(self, node):
        return "wand %s;" % node.name


def _render(module: vast.ModuleDef) -> str:
    return _Codegen().visit(module)


# -- analysis shared by both writers --------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    name: str  # block name in the netlist
    module: str  # <top>_<block>
    instances: np.ndarray  # instance indices, ascending
    inputs: tuple[int, ...]  # port nets, ascending
    outputs: tuple[int, ...]
    internal: tuple[int, ...]


@dataclass(frozen=True)
class _Plan:
    blocks: tuple[_Block, ...]
    wand: frozenset[int]
    top_nets: tuple[int, ...]  # nets the top module declares
    module_of_type: tuple[str, ...]


def _check_name(what: str, name: str) -> None:
    if not _IDENT.match(name) or _RESERVED.match(name):
        raise InputError(
            "%s %r is not usable as a Verilog name: expected letters, digits and _ (not a name "
            "of the form n<k>, i<k>, w<k> or u_..., which the exporter uses)" % (what, name)
        )


def _plan(netlist: Netlist) -> _Plan:
    n = netlist
    _check_name("netlist name", n.name)
    for p in n.ports:
        _check_name("port name", p.name)
    for b in n.blocks:
        _check_name("block name", b)
    module_of_type = []
    max_pins = max([len(t.pins) for t in n.types] or [1])
    drive = np.zeros((max(len(n.types), 1), max_pins), dtype=bool)
    wand = np.zeros_like(drive)
    for ti, t in enumerate(n.types):
        if t.kind == "cell":
            if not _IDENT.match(t.name):
                raise InputError("cell type name %r: expected letters, digits and _ only" % t.name)
            module_of_type.append(t.name)
            for k, d in enumerate(t.directions):
                drive[ti, k] = d != "input"
        else:
            module_of_type.append(device_module_name(t))
            for k, p in enumerate(t.pins):
                drive[ti, k] = wand[ti, k] = p in DRIVE_PINS[t.kind]
    counts = np.diff(n.pin_offset)
    pin_inst = np.repeat(np.arange(n.n_instances), counts)
    pin_pos = np.arange(n.n_pins) - n.pin_offset[pin_inst]
    pin_type = n.inst_type[pin_inst]
    pin_block = n.inst_block[pin_inst].astype(np.int64)
    net = n.pin_net.astype(np.int64)
    real = net > CONST1
    is_drive = drive[pin_type, pin_pos] & real
    wand_nets = frozenset(np.unique(net[wand[pin_type, pin_pos] & real]).tolist())
    nb = max(len(n.blocks), 1)
    pairs = np.unique(net[real] * nb + pin_block[real])
    pair_net, pair_block = pairs // nb, pairs % nb
    uniq, nblocks = np.unique(pair_net, return_counts=True)
    shared = set(uniq[nblocks > 1].tolist())
    top_port_nets = {x for p in n.ports for x in p.nets if x > CONST1}
    exported = shared | top_port_nets
    blocks = []
    for bi, bname in enumerate(n.blocks):
        insts = np.flatnonzero(n.inst_block == bi)
        if insts.size == 0:
            continue
        nets_b = pair_net[pair_block == bi].tolist()
        driven_b = set(np.unique(net[is_drive & (pin_block == bi)]).tolist())
        ports = [x for x in nets_b if x in exported]
        blocks.append(
            _Block(
                bname,
                "%s_%s" % (n.name, bname),
                insts,
                tuple(x for x in ports if x not in driven_b),
                tuple(x for x in ports if x in driven_b),
                tuple(x for x in nets_b if x not in exported),
            )
        )
    declared = sorted(set().union(*[set(b.inputs) | set(b.outputs) for b in blocks]) | top_port_nets)
    return _Plan(tuple(blocks), wand_nets, tuple(declared), tuple(module_of_type))


# -- models (small: always pyverilog) -------------------------------------------------------


def _models(netlist: Netlist) -> tuple[list[vast.ModuleDef], list[vast.ModuleDef]]:
    """(Yosys gate models, device and cell models) for the types the netlist uses."""
    costs = gate_costs()
    used = [ti for ti in range(len(netlist.types)) if np.any(netlist.inst_type == ti)]
    cell_models = []
    device_types = []
    for ti in used:
        t = netlist.types[ti]
        if t.kind == "cell":
            cell_models.append((t, type_model(t, costs)))
        elif t.kind in DEVICE_KINDS:
            device_types.append(t)
        else:
            raise InputError("cell type %r has kind %r, which the Verilog export cannot model" % (t.name, t.kind))
    gates_used = sorted({g for _, m in cell_models for g, _, _ in m.gates})
    gate_mods = [gate_module(g) for g in gates_used]
    mods = [device_module(t) for t in sorted(device_types, key=lambda t: t.name)]
    for t, m in sorted(cell_models, key=lambda x: x[0].name):
        ports = vast.Portlist([vast.Ioport(vast.Input(p) if d == "input" else vast.Output(p)) for p, d in zip(t.pins, t.directions)])
        items = [vast.Decl([vast.Wire(w)]) for w in m.wires]
        for k, (g, ins, out) in enumerate(m.gates):
            pins = (GATES[g] + ("Y",)) if g != DFF else ("C", "D", "Q")
            args = [vast.PortArg(p, _signal(s)) for p, s in zip(pins, ins + (out,))]
            items.append(vast.InstanceList("\\" + g, (), [vast.Instance("\\" + g, "g%d" % k, args, ())]))
        for out, s in m.assigns:
            items.append(vast.Assign(vast.Lvalue(ident(out)), vast.Rvalue(_signal(s))))
        mods.append(vast.ModuleDef(t.name, None, ports, items))
    return gate_mods, mods


def _signal(s: str):
    return vast.IntConst(s) if s.startswith("1'b") else ident(s)


# -- blocks and top: pyverilog AST ----------------------------------------------------------


def _net_expr(x: int):
    if x == NO_NET:
        return None
    if x == CONST0:
        return vast.IntConst("1'b0")
    if x == CONST1:
        return vast.IntConst("1'b1")
    return ident("n%d" % x)


def _decl(x: int, plan: _Plan) -> vast.Decl:
    name = "n%d" % x
    return vast.Decl([Wand(name) if x in plan.wand else vast.Wire(name)])


def _block_ast(netlist: Netlist, plan: _Plan, b: _Block) -> vast.ModuleDef:
    ports = [vast.Ioport(vast.Input("n%d" % x)) for x in b.inputs]
    ports += [vast.Ioport(vast.Output("n%d" % x), Wand("n%d" % x) if x in plan.wand else None) for x in b.outputs]
    items = [_decl(x, plan) for x in b.internal]
    for i in b.instances.tolist():
        t = netlist.types[int(netlist.inst_type[i])]
        nets = netlist.pin_net[netlist.pin_offset[i] : netlist.pin_offset[i + 1]].tolist()
        outs = [d != "input" for d in t.directions] if t.kind == "cell" else [p in DRIVE_PINS[t.kind] for p in t.pins]
        # a constant on an output pin would be an illegal port expression: leave it open
        args = [vast.PortArg(p, None if (o and x <= CONST1) else _net_expr(x)) for p, x, o in zip(t.pins, nets, outs)]
        mod = plan.module_of_type[int(netlist.inst_type[i])]
        items.append(vast.InstanceList(mod, (), [vast.Instance(mod, "i%d" % i, args, ())]))
    return vast.ModuleDef(b.module, None, vast.Portlist(ports), items)


def _port_width(p):
    return vast.Width(vast.IntConst(str(p.width - 1)), vast.IntConst("0")) if p.width > 1 else None


def _port_bit(p, k: int):
    return vast.Pointer(ident(p.name), vast.IntConst(str(k))) if p.width > 1 else ident(p.name)


def _top_ast(netlist: Netlist, plan: _Plan) -> vast.ModuleDef:
    ports = []
    for p in netlist.ports:
        cls = vast.Input if p.direction == "input" else vast.Output
        ports.append(vast.Ioport(cls(p.name, width=_port_width(p))))
    items = [_decl(x, plan) for x in plan.top_nets]
    for p in netlist.ports:
        for k, x in enumerate(p.nets):
            if p.direction == "input" and x > CONST1:
                items.append(vast.Assign(vast.Lvalue(ident("n%d" % x)), vast.Rvalue(_port_bit(p, k))))
            elif p.direction == "output":
                items.append(vast.Assign(vast.Lvalue(_port_bit(p, k)), vast.Rvalue(_net_expr(x))))
    for b in plan.blocks:
        args = [vast.PortArg("n%d" % x, ident("n%d" % x)) for x in b.inputs + b.outputs]
        items.append(vast.InstanceList(b.module, (), [vast.Instance(b.module, "u_%s" % b.name, args, ())]))
    return vast.ModuleDef(netlist.name, None, vast.Portlist(ports), items)


# -- blocks and top: direct strings (the same text as _render of the ASTs above) ----------


def _direct_module(name: str, ports: list[str], items: list[str]) -> str:
    body = "".join(items)
    return "\nmodule %s\n(\n%s\n);\n\n%s\nendmodule\n" % (name, ",\n".join("  " + p for p in ports), body)


def _direct_instance(mod: str, inst: str, args: list[str]) -> str:
    return "\n  %s\n  %s\n  (\n%s\n  );\n\n" % (mod, inst, ",\n".join("    " + a for a in args))


def _direct_block(netlist: Netlist, plan: _Plan, b: _Block, names: list[str]) -> str:
    ports = ["input n%d" % x for x in b.inputs]
    ports += [("output wand n%d" if x in plan.wand else "output n%d") % x for x in b.outputs]
    items = [("  wand n%d;\n" if x in plan.wand else "  wire n%d;\n") % x for x in b.internal]
    fmts = []
    for ti, t in enumerate(netlist.types):
        outs = [d != "input" for d in t.directions] if t.kind == "cell" else [p in DRIVE_PINS[t.kind] for p in t.pins]
        args = ",\n".join("    .%s(%%s)" % p for p in t.pins)
        fmts.append(("\n  %s\n  i%%d\n  (\n%s\n  );\n\n" % (plan.module_of_type[ti], args), outs))
    inst_type = netlist.inst_type
    offs = netlist.pin_offset
    pin_net = netlist.pin_net
    for i in b.instances.tolist():
        fmt, outs = fmts[inst_type[i]]
        nets = pin_net[offs[i] : offs[i + 1]].tolist()
        vals = tuple("" if (o and x <= CONST1) else names[x] for x, o in zip(nets, outs))
        items.append(fmt % ((i,) + vals))
    return _direct_module(b.module, ports, items)


def _direct_top(netlist: Netlist, plan: _Plan, names: list[str]) -> str:
    ports = []
    for p in netlist.ports:
        w = "[%d:0] " % (p.width - 1) if p.width > 1 else ""
        ports.append("%s %s%s" % (p.direction, w, p.name))
    items = [("  wand n%d;\n" if x in plan.wand else "  wire n%d;\n") % x for x in plan.top_nets]

    def bit(p, k):
        return "%s[%d]" % (p.name, k) if p.width > 1 else p.name

    for p in netlist.ports:
        for k, x in enumerate(p.nets):
            if p.direction == "input" and x > CONST1:
                items.append("  assign n%d = %s;\n" % (x, bit(p, k)))
            elif p.direction == "output":
                items.append("  assign %s = %s;\n" % (bit(p, k), names[x]))
    for b in plan.blocks:
        items.append(_direct_instance(b.module, "u_%s" % b.name, [".n%d(n%d)" % (x, x) for x in b.inputs + b.outputs]))
    return _direct_module(netlist.name, ports, items)


# -- public -----------------------------------------------------------------------------------


def _header(netlist: Netlist, tech) -> str:
    pdk = getattr(tech, "name", None) or "unknown"
    return (
        "// Structural Verilog of netlist %s (PDK %s), written by romalayout.\n"
        "// Yosys: read_verilog -icells <file>  (the \\$_*_ instances are Yosys gate cells).\n"
        "// Wired lines are wand nets; see romalayout/export/devices.py.\n" % (netlist.name, pdk)
    )


def verilog_text(netlist: Netlist, tech=None, method: str = "pyverilog") -> str:
    """The Verilog text; method "pyverilog" (AST and code generator) or "direct" (strings)."""
    if method not in ("pyverilog", "direct"):
        raise InputError("Verilog writer method %r, expected pyverilog or direct" % method)
    plan = _plan(netlist)
    gate_mods, mods = _models(netlist)
    parts = [_header(netlist, tech)]
    if gate_mods:
        # Yosys (which defines YOSYS) must see its own internal cells, not these models.
        parts += ["`ifndef YOSYS\n"] + [_render(m) for m in gate_mods] + ["`endif\n"]
    parts += [_render(m) for m in mods]
    if method == "pyverilog":
        parts += [_render(_block_ast(netlist, plan, b)) for b in plan.blocks]
        parts.append(_render(_top_ast(netlist, plan)))
    else:
        names = ["1'b0", "1'b1"] + ["n%d" % x for x in range(2, netlist.n_nets)] + [""]  # [-1] = NO_NET
        parts += [_direct_block(netlist, plan, b, names) for b in plan.blocks]
        parts.append(_direct_top(netlist, plan, names))
    return "".join(parts)


def write_verilog(netlist: Netlist, path: Path | str, tech=None, method: str = "auto") -> str:
    """Write the Verilog of `netlist` to `path` atomically; return the method used.

    "auto" takes the direct writer above DIRECT_ABOVE_INSTANCES instances, pyverilog below."""
    if method not in METHODS:
        raise InputError("Verilog writer method %r, expected one of %s" % (method, ", ".join(METHODS)))
    if method == "auto":
        method = "direct" if netlist.n_instances > DIRECT_ABOVE_INSTANCES else "pyverilog"
    atomic_write_text(path, verilog_text(netlist, tech, method))
    return method
