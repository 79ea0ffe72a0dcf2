"""Choosing a memory's fold, as a compiler does: the fold of least area whose aspect ratio
(long side / short side) is at most a bound.

Each candidate fold (romalayout.gen.fold.candidates, optionally pinned to a words-per-row
or bank count) is planned: its periphery netlist is generated without the array devices,
and the compiler floorplan is drawn at the starting targets (array pitches from the cell
and its line tracks, every strip at the base density). That is the macro before sizing
grows a congested region, a lower bound of the sized area that keeps the search cheap
(a 16 Mbit memory plans its folds in seconds). A fold whose array alone is more than
PRUNE_ASPECT x max_aspect out of square is not planned: no periphery can square it.

Banks (1 to 8) are tiles side by side, each with its own
decoder strips beside its array and its column periphery under it (place/compiler.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.errors import InputError
from romalayout.gen.fold import Fold, candidates, check
from romalayout.place.floorplan import FloorplanSpec, make_floorplan, nominal_pitches_um
from romalayout.place.partition import partition
from romalayout.place.rules import RoutingRules, Targets, default_rules
from romalayout.tech import Technology

PRUNE_ASPECT = 64.0


@dataclass(frozen=True)
class FoldPlan:
    """A fold and the planned macro's size."""

    fold: Fold
    width_um: float
    height_um: float

    @property
    def area_um2(self) -> float:
        return self.width_um * self.height_um

    @property
    def aspect_ratio(self) -> float:
        return max(self.width_um, self.height_um) / min(self.width_um, self.height_um)

    def to_json(self) -> dict:
        return {**self.fold.to_json(), "width_um": round(self.width_um, 3), "height_um": round(self.height_um, 3),
                "area_um2": round(self.area_um2, 3), "aspect_ratio": round(self.aspect_ratio, 4)}


def aspect_ratio(width_um: float, height_um: float) -> float:
    """Long side over short side."""
    return max(width_um, height_um) / min(width_um, height_um)


def plan_fold(tech: Technology, kind: str, contents: np.ndarray, fold: Fold, program: str = "via",
              targets: Targets | None = None, rules: RoutingRules | None = None, max_aspect: float | None = None) -> FoldPlan:
    """The planned macro of `kind` holding `contents` under `fold` (see the module docstring)."""
    from romalayout.gen import macro

    netlist = macro.generate(tech, kind, contents, fold, program, with_array=False)
    rules = rules or default_rules(tech)
    fp = make_floorplan(netlist, tech, partition(netlist, tech), rules, FloorplanSpec(targets=targets or Targets(), max_aspect=max_aspect))
    return FoldPlan(fold, fp.region.width_um, fp.region.height_um)


def _array_aspect(tech: Technology, kind: str, depth: int, width: int, fold: Fold) -> float:
    amap = check(kind, depth, width, fold)
    lines = 15 if kind == "brom" else 1
    rp, cp = nominal_pitches_um(tech, kind == "sram", lines, 2 if kind == "sram" else 1)
    return aspect_ratio(amap.cols * fold.banks * cp, amap.rows * rp)


def choose_fold(tech: Technology, kind: str, contents: np.ndarray, max_aspect: float = 2.0,
                words_per_row: int | None = None, banks: int | None = None, program: str = "via",
                targets: Targets | None = None, rules: RoutingRules | None = None) -> tuple[Fold, list[FoldPlan]]:
    """(chosen fold, every plan made): the least planned area with aspect <= max_aspect,
    else the fold nearest to square. words_per_row / banks pin that part of the fold."""
    if not max_aspect >= 1.0:
        raise InputError("max aspect must be a number >= 1, got %r" % max_aspect)
    depth, width = contents.shape
    if words_per_row is not None and banks is not None:
        fold = Fold(words_per_row, banks)
        check(kind, depth, width, fold)
        return fold, [plan_fold(tech, kind, contents, fold, program, targets, rules, max_aspect)]
    folds = [f for f in candidates(kind, depth, width, max_banks=banks or 8)
             if (words_per_row is None or f.words_per_row == words_per_row) and (banks is None or f.banks == banks)]
    if not folds:
        pinned = ", ".join("%s %d" % (k, v) for k, v in (("words per row", words_per_row), ("banks", banks)) if v is not None)
        raise InputError("no fold with %s holds a %s of %d x %d" % (pinned or "any setting", kind, depth, width))
    near = [f for f in folds if _array_aspect(tech, kind, depth, width, f) <= PRUNE_ASPECT * max_aspect]
    plans = [plan_fold(tech, kind, contents, f, program, targets, rules, max_aspect) for f in (near or folds)]
    ok = [p for p in plans if p.aspect_ratio <= max_aspect + 1e-9]
    best = min(ok, key=lambda p: (p.area_um2, p.fold.banks, p.fold.words_per_row)) if ok else \
        min(plans, key=lambda p: (p.aspect_ratio, p.area_um2))
    return best.fold, plans
