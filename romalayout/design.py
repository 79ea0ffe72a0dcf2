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
STYLES = ("compiler", "array")


@dataclass(frozen=True)
class Design:
    """A generated design: its netlist and, for memories, the contents it holds. A
    compiler-style memory also keeps the fold search that chose its fold."""

    kind: str
    netlist: Netlist
    contents: np.ndarray | None
    fold_plans: tuple = ()
    max_aspect: float | None = None

    def with_plans(self, plans, max_aspect: float) -> "Design":
        return Design(self.kind, self.netlist, self.contents, tuple(plans), max_aspect)

    def fold_report(self) -> dict:
        """{"style", "fold", "fold_search"} for counts.json and utilization.json."""
        attrs = self.netlist.attributes
        out = {"style": attrs.get("style", "array"), "fold": dict(attrs.get("fold", {"words_per_row": 1, "banks": 1}))}
        if self.fold_plans:
            out["fold_search"] = {"max_aspect": self.max_aspect, "planned": [p.to_json() for p in self.fold_plans]}
        return out


def build(tech, kind: str, depth: int | None, width: int | None, seed: int = 0, contents_path=None,
          program: str = "via", group: int = 128, weight_bits: int = 2, style: str = "array",
          fold=None) -> Design:
    """Generate design `kind` ("rom", "brom", "sram", "compute") for `tech`.

    style "array" (this function's default) is the bare array with a decoder and a sense
    stage, unfolded; "compiler" (the command line's default) is the folded macro with its
    periphery (romalayout.gen.macro) under `fold` (a romalayout.gen.fold.Fold; required
    here: romalayout.place.plan.choose_fold picks one)."""
    if kind not in KINDS:
        raise InputError("design kind must be one of %s, got %r" % (", ".join(KINDS), kind))
    if style not in STYLES:
        raise InputError("style must be one of %s, got %r" % (", ".join(STYLES), style))
    if kind == "compute":
        from romalayout.gen import compute

        return Design(kind, compute.generate(tech, group=group, weight_bits=weight_bits), None)
    bits = memory_contents(kind, depth, width, seed, contents_path)
    if style == "compiler":
        from romalayout.gen import macro

        if fold is None:
            raise InputError("a compiler-style %s needs a fold" % kind)
        return Design(kind, macro.generate(tech, kind, bits, fold, program), bits)
    if kind == "rom":
        from romalayout.gen import rom

        return Design(kind, rom.generate(tech, bits, program), bits)
    if kind == "brom":
        from romalayout.gen import brom

        return Design(kind, brom.generate(tech, bits, program), bits)
    from romalayout.gen import sram

    return Design(kind, sram.generate(tech, depth, width), bits)


def memory_contents(kind: str, depth: int | None, width: int | None, seed: int = 0, contents_path=None) -> np.ndarray:
    """The bits (depth x width) a memory design holds: from `contents_path`, else seeded random."""
    if depth is None or width is None:
        raise InputError("%s needs --depth and --width" % kind)
    if contents_path is not None:
        return read_contents(contents_path, depth, width)
    return random_contents(depth, width, seed)


def read_inputs(design: Design) -> tuple[dict, np.ndarray | None]:
    """Simulation inputs that read every address once (a held clock for registered macros;
    SRAM writes off), and the SRAM bitcells' state in instance order."""
    depth, width = design.contents.shape
    ports = {p.name for p in design.netlist.ports}
    inputs = {"addr": np.arange(depth)}
    if "clk" in ports:
        inputs["clk"] = np.zeros(depth, dtype=np.int64)
    state = None
    if design.kind == "sram":
        inputs.update({"din": np.zeros((depth, width), dtype=bool), "we": np.zeros(depth, dtype=np.int64)})
        state = bitcell_state(design.netlist, design.contents)
    return inputs, state


def bitcell_state(netlist: Netlist, contents: np.ndarray) -> np.ndarray:
    """The SRAM bitcells' bits in instance order: a folded macro records which word and bit
    each cell holds (bitcell_word / bitcell_bit); the unfolded array is row-major."""
    attrs = netlist.attributes
    if "bitcell_word" in attrs:
        return contents[np.asarray(attrs["bitcell_word"]), np.asarray(attrs["bitcell_bit"])]
    return contents.ravel()


def readback(design: Design, batch_vectors: int = 4096) -> dict:
    """Read every address with the simulator and compare with the contents.

    Returns {"addresses", "mismatched_bits", "method"}; the SRAM is read with its
    bitcells holding the contents."""
    from romalayout.sim import Simulator

    if design.contents is None:
        raise InputError("design %s has no contents to read back" % design.kind)
    inputs, state = read_inputs(design)
    depth = design.contents.shape[0]
    data = Simulator(design.netlist).run(inputs, state=state, batch_vectors=batch_vectors)["data"]
    return {"addresses": int(depth), "mismatched_bits": int((data != design.contents).sum()), "method": "romalayout.sim"}
