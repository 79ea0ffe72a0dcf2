"""The L-unit from romalayout's own layout estimator: area and per-action energies.

One function, `estimate_slices`, runs the estimator (romalayout.fused.designs: the memory
and compute macros sized by romalayout.place.size_macro, the fused cell by size_fused,
power by romalayout.power.estimate from simulated activity, Liberty energies and the
routes' wire capacitance) for the four L-unit designs of Fig. 12 at a few depths.
`flows/chip_area_from_layout.py` stores its result as data (DATA_PATH, with the command,
the estimator and the commit that produced it), so the chip model never reruns layouts and a
rerun of the flow after the estimator changes refreshes every number that depends on it.

`LayoutData` turns the stored points into what the chip model needs, at the chip's depth:
  * area of one compute cell's memory + compute (or of one fused cell);
  * energy of one memory read (pJ per word, per bit) and of one compute-cell operation;
  * leakage.
A compute cell's memory holds `words` groups; it is built from banks of `bank_words` words
(a measured depth; spec l_unit.rom_bank_words) with one bank read per cycle: area = full
banks x the bank's area + the rest by the straight line through the measured depths; read
energy = one bank's. The fused cell (one array with the compute inside) follows the straight
line. Leakage is linear in the words (the devices scale with them).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from romalayout.errors import InputError

DATA_RESOURCE = "data/chip/lunit_layout_asap7.json"
COMMAND = "python3 flows/chip_area_from_layout.py"  # + " --style array" for the bare-array estimate
DESIGNS = ("sram+compute", "rom+compute", "brom+compute", "fused")
# Blocks of romalayout.power's by-block breakdown that belong to the compute cell; the rest
# (array, decoder, cgen, periphery) is the memory. "inputs" are the nets driven by primary
# inputs: the 128 x 16 activation bits dominate them (the address is a dozen bits).
COMPUTE_BLOCKS = ("compute", "inputs")


def data_path() -> Path:
    return Path(str(resources.files("romalayout").joinpath(DATA_RESOURCE)))


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def estimate_slices(pdk: str = "asap7", depths=(512, 1024), group: int = 128, weight_bits: int = 2, seed: int = 0,
                    cycles: int = 256, designs=DESIGNS, style: str = "compiler", max_aspect: float = 2.0) -> dict:
    """Size and simulate one L-unit slice per design and depth with the layout estimator.

    `style` and `max_aspect` are romalayout fused's --style (compiler: folded macros with
    periphery and supply ring; array: the bare array-bound estimate) and --max-aspect.

    Returns the JSON-ready record the chip model reads (see DATA_RESOURCE). Every netlist's
    function is checked against lunit.group_dot_exact by the estimator; a failure raises."""
    from romalayout.fused.designs import evaluate, make_slice
    from romalayout.tech import load_technology

    if len(depths) < 2 or len(set(depths)) != len(depths):
        raise InputError("need at least two different depths to fit the memory's growth, got %r" % (depths,))
    commit = _git_commit()  # before the slow part, so edits made meanwhile do not mark it dirty
    tech = load_technology(pdk)
    out = {d: [] for d in designs}
    stimulus = ""
    for depth in sorted(depths):
        sl = make_slice(tech, depth, group, weight_bits, seed, cycles, style=style, max_aspect=max_aspect)
        stimulus = sl.stimulus_text
        for r in evaluate(sl, names=designs, seed=seed):
            if not r.extra["function"]["ok"]:
                raise InputError("layout estimator: %s at depth %d fails its functional check (a bug)" % (r.name, depth))
            macros = r.extra["macros"]
            p = r.power
            out[r.name].append({
                "depth": depth,
                "area_um2": round(r.area_um2, 3),
                "memory_um2": round(macros["memory"]["area_um2"], 3) if "memory" in macros else None,
                "compute_um2": round(macros["compute"]["area_um2"], 3) if "compute" in macros else None,
                "power_mw": round(p.total_mw, 6),
                "leakage_mw": round(p.leakage_mw, 6),
                "by_block_mw": {k: round(v, 6) for k, v in sorted(p.by_block_mw.items())},
                "targets_met": bool(r.extra["targets_met"]),
            })
    return {
        "command": COMMAND,
        "estimator": "romalayout.fused.designs.evaluate: memory/compute macros by romalayout.place.size_macro, the fused "
                     "cell by romalayout.place.fused.size_fused, power by romalayout.power.estimate",
        "git_commit": commit,
        "pdk": tech.name, "vdd_v": tech.vdd_v, "frequency_mhz": tech.frequency_default_mhz,
        "group": group, "weight_bits": weight_bits, "word_bits": group * weight_bits + 18, "seed": seed, "cycles": cycles,
        "style": style, "max_aspect": max_aspect,
        "stimulus": stimulus + "; one memory read and one compute-cell operation per cycle",
        "designs": out,
    }


@dataclass(frozen=True)
class SliceAtDepth:
    """One compute cell's memory and compute (or one fused cell) at the chip's depth."""

    design: str
    words: float
    banks: int
    area_um2: float
    memory_um2: float | None
    compute_um2: float | None
    read_pj: float  # one memory word read
    read_pj_per_bit: float
    compute_op_pj: float  # one group operation of the compute cell (G multiply-accumulates)
    leakage_mw: float

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LayoutData:
    """The stored estimator record and what follows from it."""

    record: dict
    path: str

    @property
    def word_bits(self) -> int:
        return int(self.record["word_bits"])

    @property
    def group(self) -> int:
        return int(self.record["group"])

    def points(self, design: str) -> list[dict]:
        try:
            pts = sorted(self.record["designs"][design], key=lambda p: p["depth"])
        except KeyError:
            raise InputError("layout data %s has no design %r, expected one of: %s" % (self.path, design, ", ".join(self.record["designs"]))) from None
        if len(pts) < 2:
            raise InputError("layout data %s: design %s needs two depths, has %d" % (self.path, design, len(pts)))
        return pts

    def _energy_pj(self, p: dict, blocks) -> float:
        """Energy per cycle (pJ) of some blocks at the record's clock (mW / MHz = nJ, x 1e3 = pJ).

        The blocks' power includes their leakage, under 0.1% of it at these depths."""
        mw = sum(v for k, v in p["by_block_mw"].items() if blocks(k))
        return mw / self.record["frequency_mhz"] * 1e3

    def read_energy_pj(self, p: dict) -> float:
        return self._energy_pj(p, lambda k: k not in COMPUTE_BLOCKS)

    def compute_energy_pj(self, p: dict) -> float:
        return self._energy_pj(p, lambda k: k in COMPUTE_BLOCKS)

    def at_depth(self, design: str, words: float, bank_words: int | None = None) -> SliceAtDepth:
        """The design holding `words` words per compute cell.

        Separate memory + compute: the memory is built from banks of `bank_words` words (a
        measured depth; default the largest), one bank read per cycle. The fused cell has a
        single array with the compute in it, so it cannot be banked that way: its area and
        energies follow the straight line through the measured depths."""
        pts = self.points(design)
        lo, hi = pts[0], pts[-1]
        line = lambda value, d: value(lo) + (value(hi) - value(lo)) / (hi["depth"] - lo["depth"]) * (d - lo["depth"])
        words = float(words)
        leak = line(lambda p: p["leakage_mw"], words)
        if pts[0]["memory_um2"] is None:  # fused
            read = line(self.read_energy_pj, words)
            return SliceAtDepth(design, words, 1, line(lambda p: p["area_um2"], words), None, None, read,
                                read / self.word_bits, line(self.compute_energy_pj, words), leak)
        bank = int(bank_words or hi["depth"])
        at = next((p for p in pts if p["depth"] == bank), None)
        if at is None:
            raise InputError("l_unit.rom_bank_words = %d: the layout data (%s) measured depths %s only; rerun %s with that depth"
                             % (bank, self.path, [p["depth"] for p in pts], COMMAND))
        full, rest = divmod(words, bank)
        memory = full * at["memory_um2"] + (line(lambda p: p["memory_um2"], rest) if rest > 0 else 0.0)
        read = self.read_energy_pj(at)
        return SliceAtDepth(design, words, int(full) + (1 if rest > 0 else 0), memory + at["compute_um2"], memory, at["compute_um2"],
                            read, read / self.word_bits, self.compute_energy_pj(at), leak)


def load_layout_data(path: Path | str | None = None) -> LayoutData:
    """Read the stored estimator record (default: the one shipped in romalayout/data/chip/)."""
    p = Path(path) if path is not None else data_path()
    shown = str(p) if path is not None else "romalayout/" + DATA_RESOURCE
    try:
        rec = json.loads(p.read_text())
    except (OSError, ValueError) as e:
        raise InputError("cannot read layout data %s: %s (regenerate it with %s)" % (shown, e, COMMAND)) from None
    if not isinstance(rec, dict):
        raise InputError("layout data %s: expected a JSON object written by %s" % (shown, COMMAND))
    for key in ("command", "designs", "word_bits", "group", "weight_bits", "frequency_mhz", "vdd_v", "pdk"):
        if key not in rec:
            raise InputError("layout data %s lacks %r, expected the record written by %s" % (shown, key, COMMAND))
    return LayoutData(rec, shown)
