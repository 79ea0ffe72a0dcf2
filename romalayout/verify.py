"""Checks of exported designs with external tools: iverilog simulation and Yosys `stat`.

run_iverilog mirrors romalayout.sim.Simulator.run (same input and output shapes), so a
generator's test can compare the two bit for bit. A design with a `clk` input gets real
clock edges after each vector (the simulator evaluates its registers settled). yosys_cmos_transistors runs
`stat -tech cmos` of Yosys 0.23 (the version whose cost table romalayout/data/costs/
yosys_cmos.toml reproduces) on the exported logic blocks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from romalayout.errors import InputError, RomalayoutError
from romalayout.export.verilog import verilog_text
from romalayout.netlist.ir import Netlist
from romalayout.sim import as_bits

YOSYS_VERSION = "0.23"
CLOCK_PORT = "clk"  # an input port of this name is pulsed after each vector is applied


class ToolError(RomalayoutError):
    """An external tool (iverilog, vvp, yosys) is missing or failed."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolError("%s is not installed (not on PATH); install it to run this check" % name)
    return path


def _run(cmd: list[str], cwd: Path, timeout: float) -> str:
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolError("%s timed out after %d s" % (cmd[0], timeout)) from None
    if r.returncode != 0:
        raise ToolError("%s failed (exit %d):\n%s" % (" ".join(cmd), r.returncode, (r.stdout + r.stderr)[-3000:]))
    return r.stdout


def _bitcell_paths(netlist: Netlist, block_module: dict[int, str]) -> list[list[str]]:
    """Per bitcell type, the hierarchical paths of its instances in instance order (the
    simulator numbers `state` the same way)."""
    out = []
    for ti, t in enumerate(netlist.types):
        if t.kind == "bitcell":
            idx = np.flatnonzero(netlist.inst_type == ti)
            out.append(["dut.u_%s.i%d" % (block_module[int(netlist.inst_block[i])], i) for i in idx])
    return out


def _testbench(netlist: Netlist, nvec: int, state_paths: list[str], state) -> str:
    ins = [p for p in netlist.ports if p.direction == "input"]
    outs = [p for p in netlist.ports if p.direction == "output"]
    total_in = sum(p.width for p in ins)
    lines = ["`timescale 1ns/1ps", "module romalayout_tb;"]
    for p in ins:
        lines.append("  reg [%d:0] %s;" % (p.width - 1, p.name))
    for p in outs:
        lines.append("  wire [%d:0] %s;" % (p.width - 1, p.name))
    lines.append("  reg [%d:0] vec [0:%d];" % (max(total_in, 1) - 1, max(nvec, 1) - 1))
    lines.append("  integer k, f;")
    conns = ", ".join(".%s(%s)" % (p.name, p.name) for p in netlist.ports)
    lines.append("  %s dut (%s);" % (netlist.name, conns))
    lines.append("  initial begin")
    for path, bit in zip(state_paths, state):
        lines.append("    %s.Q = 1'b%d;" % (path, int(bit)))
    if total_in:
        lines.append('    $readmemb("vectors.txt", vec);')
    lines.append('    f = $fopen("out.txt", "w");')
    lines.append("    for (k = 0; k < %d; k = k + 1) begin" % nvec)
    lo = 0
    for p in ins:
        lines.append("      %s = vec[k][%d:%d];" % (p.name, lo + p.width - 1, lo))
        lo += p.width
    lines.append("      #1;")
    if any(p.name == CLOCK_PORT for p in ins):
        # Registered inputs: clock the vector in (twice, so a second register stage would
        # also settle), then sample with the clock low.
        lines.append("      %s = 1'b1; #1; %s = 1'b0; #1; %s = 1'b1; #1; %s = 1'b0; #1;" % ((CLOCK_PORT,) * 4))
    if outs:
        lines.append('      $fdisplay(f, "%s", %s);' % ("%b " * len(outs), ", ".join(p.name for p in outs)))
    lines.append("    end")
    lines.append("    $fclose(f);")
    lines.append("    $finish;")
    lines.append("  end")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def run_iverilog(netlist: Netlist, tech, inputs: dict, state=None, timeout: float = 300) -> dict[str, np.ndarray]:
    """Simulate the exported Verilog of `netlist` with iverilog/vvp.

    inputs[port] is a bool matrix (n_vectors, width) or ints (n_vectors,), as for
    romalayout.sim; returns outputs[port] as bool matrices (n_vectors, width). `state`
    holds the bitcells' bits in instance order. Raises ToolError if iverilog is missing or
    an output bit is x or z."""
    iverilog, vvp = _tool("iverilog"), _tool("vvp")
    in_ports = [p for p in netlist.ports if p.direction == "input"]
    missing = [p.name for p in in_ports if p.name not in inputs]
    if missing:
        raise InputError("iverilog inputs missing for ports: %s" % ", ".join(missing))
    mats = [as_bits(inputs[p.name], p.width, p.name) for p in in_ports]
    nvec = mats[0].shape[0] if mats else 1
    if any(m.shape[0] != nvec for m in mats):
        raise InputError("iverilog inputs: every port needs the same number of vectors (%d)" % nvec)
    block_of = {i: b for i, b in enumerate(netlist.blocks)}
    paths = [p for group in _bitcell_paths(netlist, block_of) for p in group]
    if paths:
        if state is None or len(state) != len(paths):
            raise InputError("iverilog run needs a state of %d bitcells, got %s" % (len(paths), None if state is None else len(state)))
    with tempfile.TemporaryDirectory(prefix="romalayout-iverilog-") as tmp:
        d = Path(tmp)
        (d / "design.v").write_text(verilog_text(netlist, tech, "direct"))
        (d / "tb.v").write_text(_testbench(netlist, nvec, paths, state if paths else []))
        if mats:
            # vec[k] holds the ports' bits concatenated, first port in the low bits
            allbits = np.concatenate(mats, axis=1)[:, ::-1].astype(np.uint8) + ord("0")
            (d / "vectors.txt").write_text("\n".join(r.tobytes().decode() for r in allbits) + "\n")
        _run([iverilog, "-g2005", "-o", "sim.vvp", "design.v", "tb.v"], d, timeout)
        _run([vvp, "-n", "sim.vvp"], d, timeout)
        rows = (d / "out.txt").read_text().split("\n")
    outs = [p for p in netlist.ports if p.direction == "output"]
    result = {p.name: np.zeros((nvec, p.width), dtype=bool) for p in outs}
    for k in range(nvec):
        fields = rows[k].split() if k < len(rows) else []
        if len(fields) != len(outs):
            raise ToolError("iverilog output line %d is %r, expected %d fields" % (k + 1, rows[k] if k < len(rows) else "", len(outs)))
        for p, s in zip(outs, fields):
            if len(s) != p.width or set(s) - {"0", "1"}:
                raise ToolError("iverilog: output %s is %r for vector %d (x/z or wrong width)" % (p.name, s, k))
            result[p.name][k] = np.frombuffer(s[::-1].encode(), dtype=np.uint8) == ord("1")
    return result


def yosys_cmos_transistors(netlist: Netlist, tech, blocks=None, timeout: float = 600) -> int:
    """Transistors that Yosys `stat -tech cmos` reports for the exported Verilog.

    Pinned to Yosys 0.23 (git sha1 7ce5011c24b, Debian 0.23-6), whose kernel/cost.h our
    yosys-cmos table copies. `blocks`: block names to count (each block module flattened on
    its own: `hierarchy -top <top>_<block>; flatten; stat -tech cmos -json`), or None for the
    whole design. Raises ToolError if yosys is missing or reports cells it cannot cost
    (an "N+" estimate: devices are behavioural models, not gate cells)."""
    yosys = _tool("yosys")
    if blocks is None:
        tops = [netlist.name]
    else:
        unknown = [b for b in blocks if b not in netlist.blocks]
        if unknown:
            raise InputError("blocks %s are not in netlist %r (blocks: %s)" % (unknown, netlist.name, ", ".join(netlist.blocks)))
        present = {netlist.blocks[int(b)] for b in np.unique(netlist.inst_block)}
        tops = ["%s_%s" % (netlist.name, b) for b in blocks if b in present]
    if not tops:
        return 0
    with tempfile.TemporaryDirectory(prefix="romalayout-yosys-") as tmp:
        d = Path(tmp)
        (d / "design.v").write_text(verilog_text(netlist, tech, "direct"))
        script = ["read_verilog -icells design.v", "design -save full"]
        for k, top in enumerate(tops):
            script += ["design -load full", "hierarchy -top %s" % top, "flatten", "tee -q -o stat%d.json stat -tech cmos -json" % k]
        _run([yosys, "-q", "-p", "; ".join(script)], d, timeout)
        total = 0
        for k, top in enumerate(tops):
            data = json.loads((d / ("stat%d.json" % k)).read_text())
            est = str(data["design"]["estimated_num_transistors"])
            if est.endswith("+"):
                cells = data["design"].get("num_cells_by_type", {})
                raise ToolError("yosys cannot cost every cell of %s (estimate %r; cells %s)" % (top, est, cells))
            total += int(est)
    return total


def ngspice_parse(path: Path | str, timeout: float = 120) -> str:
    """Run `ngspice -b` on a SPICE file (no analysis is run: it only parses and builds the
    circuit) and return its output; raise ToolError when ngspice reports an error (exit
    status 1 alone is normal: it means "no simulations run")."""
    ngspice = _tool("ngspice")
    path = Path(path)
    try:
        r = subprocess.run([ngspice, "-b", path.name], cwd=path.parent, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolError("ngspice timed out after %d s on %s" % (timeout, path)) from None
    text = r.stdout + r.stderr
    bad = [ln for ln in text.splitlines() if "error" in ln.lower() or "can't find" in ln.lower()]
    if bad or r.returncode not in (0, 1) or "Circuit:" not in text:
        raise ToolError("ngspice could not parse %s (exit %d):\n%s" % (path, r.returncode, "\n".join(bad) or text[-2000:]))
    return text
