"""One place that turns user-level design parameters into a netlist: the CLI commands
(gen, place, gds, fused) share it so that `--depth 1024 --seed 3` means the same design
everywhere."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.contents import random_contents, read_contents
from romalayout.errors import InputError
from romalayout.netlist.ir import Netlist

KINDS = ("rom", "brom", "sram", "compute")


@dataclass(frozen=True)
class Design:
    """A generated design: its netlist and, for memories, the contents it holds."""

    kind: str
    netlist: Netlist
    contents: np.ndarray | None


def build(tech, kind: str, depth: int | None, width: int | None, seed: int = 0, contents_path=None,
          program: str = "via", group: int = 128, weight_bits: int = 2) -> Design:
    """Generate design `kind` ("rom", "brom", "sram", "compute") for `tech`."""
    if kind not in KINDS:
        raise InputError("design kind must be one of %s, got %r" % (", ".join(KINDS), kind))
    if kind == "compute":
        from romalayout.gen import compute

        return Design(kind, compute.generate(tech, group=group, weight_bits=weight_bits), None)
    if depth is None or width is None:
        raise InputError("%s needs --depth and --width" % kind)
    if contents_path is not None:
        bits = read_contents(contents_path, depth, width)
    else:
        bits = random_contents(depth, width, seed)
    if kind == "rom":
        from romalayout.gen import rom

        return Design(kind, rom.generate(tech, bits, program), bits)
    if kind == "brom":
        from romalayout.gen import brom

        return Design(kind, brom.generate(tech, bits, program), bits)
    from romalayout.gen import sram

    return Design(kind, sram.generate(tech, depth, width), bits)


def readback(design: Design, batch_vectors: int = 4096) -> dict:
    """Read every address with the simulator and compare with the contents.

    Returns {"addresses", "mismatched_bits", "method"}; the SRAM is read with its
    bitcells holding the contents."""
    from romalayout.sim import Simulator

    if design.contents is None:
        raise InputError("design %s has no contents to read back" % design.kind)
    depth, width = design.contents.shape
    inputs = {"addr": np.arange(depth)}
    state = None
    if design.kind == "sram":
        inputs.update({"din": np.zeros((depth, width), dtype=bool), "we": np.zeros(depth, dtype=np.int64)})
        state = design.contents.ravel()
    data = Simulator(design.netlist).run(inputs, state=state, batch_vectors=batch_vectors)["data"]
    return {"addresses": int(depth), "mismatched_bits": int((data != design.contents).sum()), "method": "romalayout.sim"}
