"""The four L-unit designs of Fig. 12 and their area, utilization and power.

- "sram+compute", "rom+compute", "brom+compute": two macros, each sized by its own binding
  layer (romalayout.place.size_macro), side by side (memory left, compute right, bottoms
  aligned). area_um2 = the SUM of the two sized macros' areas (what a floorplanner packing
  macros tightly needs); the side-by-side bounding box is reported as bbox_area_um2.
  Utilization = summed over both macros (base: footprints / areas; metal: used / available
  track length per layer). The data bus between them is one wire per bit from the memory's
  output driver to the nearest compute sink, at the mean capacitance per um of the logic
  layers.
- "fused": one region (romalayout.place.fused.size_fused) holding the B-ROM array and every
  standard cell (decoder, CGen, sense, compute) in the site rows between its device rows.

Power (romalayout.power.estimate) of the one L-unit netlist per design, from activity
measured by simulating `cycles` consecutive cycles of uniformly random addresses with
random N(0, 1) FP16 activations (the same sequence for every design); input-pin capacitance
and internal energy and leakage from the Liberty-derived tables; array devices derived from
the minimum inverter (power.device_parameters); wire capacitance per net = sum over its
route segments of length x the layer's c_pf_per_um. ASAP7 M1's value in the tech data is a
placeholder (1e-13 pF/um, from the open flow's setRC.tcl, which keeps M1 out of its
estimates); any layer below 1e-8 pF/um is given the value of the nearest layer above it
with a real one (ASAP7 M1 <- M2, the same 36 nm pitch).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from romalayout.fused.lunit_netlist import compose, memory_netlist, random_activations, stimulus, verify
from romalayout.netlist.ir import Netlist
from romalayout.place import check_legality, size_macro
from romalayout.place.fused import fused_detail, size_fused
from romalayout.place.rules import RoutingRules, Targets
from romalayout.place.sizing import SizedMacro
from romalayout.tech import Technology

DESIGNS = ("sram+compute", "rom+compute", "brom+compute", "fused")
PLACEHOLDER_PF_PER_UM = 1e-8


def layer_caps(tech: Technology) -> tuple[np.ndarray, str]:
    """c (pF/um) per metal layer with placeholders replaced (see the module docstring)."""
    c = np.array([m.c_pf_per_um for m in tech.metals], dtype=float)
    notes = []
    for i in range(len(c)):
        if c[i] < PLACEHOLDER_PF_PER_UM:
            j = next((j for j in range(i + 1, len(c)) if c[j] >= PLACEHOLDER_PF_PER_UM), None)
            if j is not None:
                notes.append("%s c %.3g pF/um is a placeholder: using %s's %.4g" % (tech.metals[i].name, c[i], tech.metals[j].name, c[j]))
                c[i] = c[j]
    return c, "; ".join(notes) or "all layers from the tech data"


def wire_caps(sm: SizedMacro, n_nets: int, net_map: np.ndarray | None = None) -> np.ndarray:
    """Per net (of the L-unit netlist) wire capacitance (pF) of a sized macro's routes."""
    c, _ = layer_caps(sm.tech)
    rt = sm.routes
    seg_c = rt.length_um * c[rt.layer]
    nets = rt.net if net_map is None else net_map[rt.net]
    return np.bincount(nets, weights=seg_c, minlength=n_nets)


@dataclass
class Result:
    name: str
    area_um2: float
    power: object  # romalayout.power.Power
    base_utilization: float
    metal_utilization: dict
    macros: list  # SizedMacro(s), left to right
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        p = self.power
        return {
            "name": self.name,
            "area_um2": round(self.area_um2, 3),
            "power_mw": round(p.total_mw, 6),
            "base_utilization": round(self.base_utilization, 6),
            "metal_utilization": {k: round(v, 6) for k, v in self.metal_utilization.items()},
            "power_breakdown_mw": {"switching": round(p.switching_mw, 6), "internal": round(p.internal_mw, 6), "leakage": round(p.leakage_mw, 6),
                                   "by_block": {k: round(v, 6) for k, v in sorted(p.by_block_mw.items())}},
            **self.extra,
        }


def _pin_xy(sm: SizedMacro, nets: np.ndarray):
    """(net, x, y) of every pin on `nets` in a sized macro (pins at instance centres)."""
    nl = sm.netlist
    npins = np.diff(nl.pin_offset)
    inst = np.repeat(np.arange(nl.n_instances), npins)
    want = np.zeros(nl.n_nets, bool)
    want[nets] = True
    pn = nl.pin_net.astype(np.int64)
    sel = (pn >= 0) & want[np.maximum(pn, 0)]
    return pn[sel], sm.placement.cx_um[inst[sel]], sm.placement.cy_um[inst[sel]]


def bus_lengths(mem: SizedMacro, comp: SizedMacro) -> np.ndarray:
    """Per data bit: Manhattan length from the memory's driver to the nearest compute sink,
    compute macro placed right of the memory macro (bottoms aligned)."""
    data = np.asarray(mem.netlist.port("data").nets, dtype=np.int64)
    cnets = np.concatenate([np.asarray(comp.netlist.port(p).nets, dtype=np.int64) for p in ("w", "s", "z")])
    dn, dx, dy = _pin_xy(mem, data)
    drv = {int(n): (x, y) for n, x, y in zip(dn, dx, dy)}
    sn, sx, sy = _pin_xy(comp, cnets)
    sx = sx + mem.floorplan.region.width_um
    out = np.zeros(data.size)
    for k, (dnet, cnet) in enumerate(zip(data, cnets)):
        x, y = drv[int(dnet)]
        sel = sn == cnet
        if sel.any():
            out[k] = float(np.min(np.abs(sx[sel] - x) + np.abs(sy[sel] - y)))
    return out


def _usage_sum(macros: list[SizedMacro]):
    area = sum(m.floorplan.region.area_um2 for m in macros)
    foot = sum(m.utilization.usage.footprint_um2 for m in macros)
    dem = sum(m.utilization.usage.demand_um for m in macros)
    cap = sum(m.utilization.usage.capacity_um for m in macros)
    layers = macros[0].utilization.layers
    metal = {n: float(d / c) if c > 0 else 0.0 for n, d, c in zip(layers, dem, cap)}
    return area, foot / area, metal


@dataclass
class Slice:
    """Everything the four designs share for one configuration."""

    tech: Technology
    depth: int
    group: int
    weight_bits: int
    bits: np.ndarray
    compute_netlist: Netlist
    targets: Targets
    rules: RoutingRules
    addr: np.ndarray
    x: np.ndarray
    frequency_mhz: float | None
    _compute_macro: SizedMacro | None = None
    # "array": bare arrays (the estimate before folding); "compiler": folded macros with their
    # periphery and ring (romalayout.gen.macro), each memory's fold chosen as `place` does.
    style: str = "array"
    max_aspect: float = 2.0
    _folds: dict = field(default_factory=dict)

    def fold(self, kind: str):
        """The compiler-style fold of memory `kind` (None in the array style)."""
        if self.style != "compiler":
            return None
        if kind not in self._folds:
            from romalayout.place.plan import choose_fold

            self._folds[kind] = choose_fold(self.tech, kind, self.bits, self.max_aspect, rules=self.rules, targets=self.targets)[0]
        return self._folds[kind]

    def ring_um(self) -> float:
        """The supply ring a compiler-style macro gets on each side (0 in the array style)."""
        return self.tech.macro.power.ring_um if self.style == "compiler" else 0.0

    def compute_macro(self) -> SizedMacro:
        if self._compute_macro is None:
            self._compute_macro = size_macro(self.compute_netlist, self.tech, self.targets, self.rules)
        return self._compute_macro

    @property
    def stimulus_text(self) -> str:
        return ("%d cycles: uniformly random addresses over %d words, activations N(0,1) in FP16 (seeded); SRAM we = 0"
                % (len(self.addr), self.depth))


def _power(sl: Slice, lunit: Netlist, caps: np.ndarray):
    from romalayout.power import estimate
    from romalayout.sim import Simulator

    inputs, state = stimulus(lunit, sl.bits, sl.addr, sl.x)
    toggles, low = Simulator(lunit).activity(inputs, state=state)
    return estimate(lunit, sl.tech, toggles, low, wire_cap_pf=caps, frequency_mhz=sl.frequency_mhz, stimulus=sl.stimulus_text)


def _check_function(sl: Slice, lunit: Netlist, seed: int) -> dict:
    n = min(8, sl.depth)
    addr = np.unique(np.r_[0, sl.depth - 1, np.random.default_rng(seed + 7).integers(0, sl.depth, n - 2)])
    return verify(lunit, sl.bits, sl.group, sl.weight_bits, addr, random_activations(addr.size, sl.group, seed + 11))


def separate(sl: Slice, kind: str, with_power: bool = True, seed: int = 0) -> Result:
    """memory + compute as two sized macros side by side."""
    mem_nl = memory_netlist(sl.tech, kind, sl.bits, sl.fold(kind))
    lunit, cmap = compose(mem_nl, sl.compute_netlist, "lunit_" + kind)
    mem = size_macro(mem_nl, sl.tech, sl.targets, sl.rules, max_aspect=sl.max_aspect if sl.style == "compiler" else None)
    comp = sl.compute_macro()
    area, base, metal = _usage_sum([mem, comp])
    bus = bus_lengths(mem, comp)
    fp_m, fp_c = mem.floorplan.region, comp.floorplan.region
    extra = {
        "layout": "two macros side by side (memory left, compute right); area = sum of the two sized macros",
        "bbox_area_um2": round((fp_m.width_um + fp_c.width_um) * max(fp_m.height_um, fp_c.height_um), 3),
        "macros": {"memory": _macro_json(mem), "compute": _macro_json(comp)},
        "bus_wire_um": round(float(bus.sum()), 3),
        "targets_met": bool(mem.targets_met and comp.targets_met),
    }
    power = None
    if with_power:
        c, _ = layer_caps(sl.tech)
        logic = [sl.tech.metal(n).index for n in sl.rules.logic_horizontal + sl.rules.logic_vertical]
        caps = wire_caps(mem, lunit.n_nets) + wire_caps(comp, lunit.n_nets, cmap)
        data = np.asarray(mem_nl.port("data").nets, dtype=np.int64)
        caps[data] += bus * float(np.mean(c[logic]))
        power = _power(sl, lunit, caps)
        extra["function"] = _check_function(sl, lunit, seed)
    return Result(kind + "+compute", area, power, base, metal, [mem, comp], extra)


def fused(sl: Slice, with_power: bool = True, seed: int = 0) -> Result:
    """B-ROM and compute in one fused region."""
    mem_nl = memory_netlist(sl.tech, "brom", sl.bits, sl.fold("brom"))
    lunit, _ = compose(mem_nl, sl.compute_netlist, "lunit_fused")
    sm = size_fused(lunit, sl.tech, sl.targets, sl.rules)
    u = sm.utilization
    legal = check_legality(sm.placement)
    # A compiler-style fused cell is a macro too: its supply ring is added around the region.
    r, g = sm.floorplan.region, sl.ring_um()
    area = (r.width_um + 2 * g) * (r.height_um + 2 * g)
    extra = {
        "layout": "one fused region: B-ROM devices in bands, all standard cells in the site rows between them"
                  + (", in a supply ring of %.4g um per side" % g if g else ""),
        "bbox_area_um2": round(area, 3),
        "macros": {"fused": _macro_json(sm)},
        "fused": fused_detail(sm),
        "legality": legal.to_json(),
        "targets_met": bool(sm.targets_met),
    }
    power = None
    if with_power:
        power = _power(sl, lunit, wire_caps(sm, lunit.n_nets))
        extra["function"] = _check_function(sl, lunit, seed)
    return Result("fused", area, power, u.base_utilization * r.area_um2 / area, u.metal_utilization(), [sm], extra)


def _macro_json(sm: SizedMacro) -> dict:
    j = sm.to_json()
    return {k: j[k] for k in ("area_um2", "width_um", "height_um", "base_utilization", "metal_utilization", "binding_layer", "targets_met", "instances")}


def control(sl: Slice) -> dict:
    """Placement-neutral baseline. The compute macro of the separate designs is sized by
    romalayout.place.size_macro, whose "core" block spreads cells evenly over its area, while
    the fused region packs them near their nets: in SKY130 that alone changes the compute's
    area by ~2x. So the compute is also sized in the fused flow with a 4-word B-ROM
    (size_fused of a depth-4 slice); B-ROM macro + that area is the baseline the fused cell
    must beat when both use the same placer. Returns areas and that saving."""
    small = make_slice(sl.tech, 4, sl.group, sl.weight_bits, cycles=2, targets=sl.targets, rules=sl.rules)
    small._compute_macro = sl._compute_macro
    ctrl = fused(small, with_power=False)
    return {"compute_fused_flow_area_um2": round(ctrl.area_um2, 3), "binding": ctrl.macros[0].binding_layer,
            "what": "compute cell sized by size_fused with a 4-word B-ROM (same placer mode as the fused cell)"}


def make_slice(tech: Technology, depth: int, group: int, weight_bits: int, seed: int = 0, cycles: int = 256,
               targets: Targets | None = None, rules: RoutingRules | None = None, frequency_mhz: float | None = None,
               style: str = "array", max_aspect: float = 2.0) -> Slice:
    from romalayout.fused.lunit_netlist import check_config, random_groups
    from romalayout.gen import compute
    from romalayout.place.rules import default_rules

    check_config(depth, group, weight_bits)
    bits = random_groups(depth, group, weight_bits, seed)[0]
    rng = np.random.default_rng(seed + 1)
    addr = rng.integers(0, depth, cycles)
    x = random_activations(cycles, group, seed + 2)
    return Slice(tech, depth, group, weight_bits, bits, compute.generate(tech, group, weight_bits), targets or Targets(),
                 rules or default_rules(tech), addr, x, frequency_mhz, style=style, max_aspect=max_aspect)


def layer_sets(horizontal: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The candidate-line layer sets the fused search tries: every run of the macro's
    horizontal layers from the bottom (leaving the upper ones to the logic) or from the top
    (leaving the lower ones), all of them first."""
    n = len(horizontal)
    sets = [horizontal] + [horizontal[:k] for k in range(1, n)] + [horizontal[k:] for k in range(1, n)]
    return list(dict.fromkeys(sets))


def search_fused(sl: Slice) -> tuple[Slice, list[dict]]:
    """Search the fused cell's configuration (issue 14): which horizontal layers carry the
    B-ROM's candidate lines (layer_sets) and, in the compiler style, the region's shape
    through the B-ROM's fold (the chosen words per row and twice as many: a wider, shorter
    array). Each is sized for area (no power); returns the slice of the least area among those
    meeting their targets (else of the least area) and every configuration tried."""
    from dataclasses import replace

    from romalayout.gen.fold import Fold, check
    from romalayout.errors import InputError

    folds = [sl.fold("brom")]
    if folds[0] is not None:
        wider = Fold(folds[0].words_per_row * 2, folds[0].banks)
        try:
            check("brom", sl.depth, int(sl.bits.shape[1]), wider)
            folds.append(wider)
        except InputError:
            pass
    rows, slices = [], []
    for fold in folds:
        for layers in layer_sets(sl.rules.horizontal):
            s2 = replace(sl, rules=replace(sl.rules, horizontal=layers), _folds={**sl._folds, "brom": fold} if fold else dict(sl._folds))
            r = fused(s2, with_power=False)
            sm = r.macros[0]
            rows.append({"row_layers": list(layers), "words_per_row": fold.words_per_row if fold else 1,
                         "banks": fold.banks if fold else 1, "area_um2": round(r.area_um2, 3),
                         "binding": sm.binding_layer, "targets_met": bool(sm.targets_met)})
            slices.append(s2)
    ok = [k for k, r in enumerate(rows) if r["targets_met"]] or list(range(len(rows)))
    best = min(ok, key=lambda k: (rows[k]["area_um2"], k))
    rows[best]["chosen"] = True
    return slices[best], rows


def evaluate(sl: Slice, names=DESIGNS, with_power: bool = True, seed: int = 0, search: bool = False) -> list[Result]:
    """The designs `names` of slice `sl`; with `search`, the fused cell in the best
    configuration of search_fused (recorded as extra["search"])."""
    out = []
    for name in names:
        if name == "fused":
            if search:
                best, tried = search_fused(sl)
                r = fused(best, with_power, seed)
                r.extra["search"] = tried
                out.append(r)
            else:
                out.append(fused(sl, with_power, seed))
        else:
            out.append(separate(sl, name.split("+")[0], with_power, seed))
    return out
