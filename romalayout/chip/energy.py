"""Energy per action, energy per token and power (paper Table I: 33.1 W; Fig. 11).

Per-action energies (`action_energies`), each from the most direct source the repository has:
  * L-unit memory read (per word, per bit) and compute-cell operation: the layout record
    (romalayout.chip.layout): romalayout.power.estimate on the sized L-unit slice, i.e.
    Liberty internal energy and pin capacitance plus the routes' wire capacitance, with
    activity simulated over random addresses and activations; one bank of
    l_unit.rom_bank_words words is read per cycle.
  * SRAM access (per bit read or written, H-unit and vector-unit SRAM): the same record's
    SRAM macro at h_unit.sram_bank_rows rows; SRAM leakage per bit from the record's growth
    of leakage with depth.
  * FP16 MAC (H-units) and vector-lane op: NAND2 equivalents x activity x (Liberty internal
    energy of the PDK's NAND2 + 1/2 C V^2 of its fan-out's input capacitance).
  * Hop (per bit per unit-to-unit link): 1/2 C V^2 of a unit-pitch wire on router.link_metal
    (c per um from metal_rc.csv) times the toggle probability, plus the receiving flip-flop
    (Liberty: clock-pin C V^2 every transfer, internal energy per output toggle).
  * External memory (only for points that spill): external.energy_pj_per_bit.
Leakage: L-units from the layout record, SRAM per bit as above, logic from Liberty leakage
of its NAND2 equivalents.

Actions per token come from the same mapping as the performance model (perf.py): ROM words
read = stored groups x passes; LoRA and attention MACs; KV and LoRA SRAM traffic; vector
ops (one FP16 SRAM access each, an assumption); bits x hops over the links.
Energy per token = actions x energies + leakage power x the time per token; power = energy
per token x tokens per second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.chip.area import Area, chip_area, l_unit_slice
from romalayout.chip.capacity import MIB, rom_packing
from romalayout.chip.layout import LayoutData, load_layout_data
from romalayout.chip.models import ModelConfig
from romalayout.chip.perf import PerfResult, context_sum, layer_stages, head_stages
from romalayout.chip.spec import ChipSpec
from romalayout.errors import InputError
from romalayout.tech import load_technology

BLOCKS = ("l_unit", "h_unit", "vector_unit", "router", "external")


@dataclass(frozen=True)
class ActionEnergies:
    """Energy of each action (pJ) and leakage of each block (W), with their derivations."""

    rom_read_pj: float  # one L-unit memory word (a group's weights + scale + zero point)
    rom_read_pj_per_bit: float
    lunit_op_pj: float  # one compute-cell operation: a group of G weights x activations
    sram_pj_per_bit: float  # one SRAM bit read or written
    fp16_mac_pj: float
    vector_op_pj: float
    hop_pj_per_bit: float
    external_pj_per_bit: float
    leakage_w: dict
    derivation: dict

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _gate_energy_pj(tech, n_eq: float, spec: ChipSpec) -> tuple[float, str]:
    """Energy per cycle of n_eq NAND2-equivalent gates switching at the activity factor."""
    nand2 = tech.role_cell("nand2")
    cin_pf = sum(nand2.input_cap_pf.values()) / len(nand2.input_cap_pf)
    per_toggle_fj = nand2.e_int_fj + 0.5 * spec["power.gate_fanout"] * cin_pf * 1e3 * tech.vdd_v ** 2
    e = n_eq * spec["power.activity_factor"] * per_toggle_fj * 1e-3
    return e, ("%d NAND2-eq x activity %.3g x (%s e_int %.4g fJ + 1/2 x %d x %.4g fF x %.2g V^2) = %.4g pJ"
               % (n_eq, spec["power.activity_factor"], nand2.name, nand2.e_int_fj, spec["power.gate_fanout"], cin_pf * 1e3, tech.vdd_v, e))


def hop_energy_pj_per_bit(tech, spec: ChipSpec, pitch_um: float) -> tuple[float, str]:
    """One bit over one unit-to-unit link: the wire's 1/2 C V^2 per toggle and the receiving flip-flop."""
    metal = tech.metal(spec["router.link_metal"])
    if metal.c_pf_per_um is None or metal.c_pf_per_um < 1e-8:
        raise InputError("router.link_metal %s has no wire capacitance in %s's metal_rc.csv, expected a layer with one" % (metal.name, tech.name))
    p = spec["router.link_toggle_probability"]
    v2 = tech.vdd_v ** 2
    wire_pj = p * 0.5 * metal.c_pf_per_um * pitch_um * v2
    dff = tech.role_cell("dff")
    clk_pf = dff.input_cap_pf.get(tech.roles["dff"].pins["CLK"], 0.0)
    dff_pj = clk_pf * v2 + p * dff.e_int_fj * 1e-3
    return wire_pj + dff_pj, ("toggle %.2g x 1/2 x %s %.4g pF/um x %.0f um x %.2g V^2 = %.4g pJ wire + %s (CLK %.4g pF x V^2 + %.2g x e_int %.4g fJ) = %.4g pJ"
                              % (p, metal.name, metal.c_pf_per_um, pitch_um, tech.vdd_v, wire_pj, dff.name, clk_pf, p, dff.e_int_fj, dff_pj))


def _sram_point(layout: LayoutData, rows: int) -> dict:
    pts = layout.points("sram+compute")
    at = next((p for p in pts if p["depth"] == rows), None)
    if at is None:
        raise InputError("h_unit.sram_bank_rows = %d: the layout data (%s) measured SRAM depths %s only; rerun %s with that depth"
                         % (rows, layout.path, [p["depth"] for p in pts], layout.record["command"]))
    return at


def action_energies(spec: ChipSpec, layout: LayoutData | None = None, area: Area | None = None) -> ActionEnergies:
    """The energy of every action and the leakage of every block."""
    layout = layout or load_layout_data()
    area = area or chip_area(spec, layout)
    tech = load_technology(spec["area.pdk"])
    k = spec["power.asap7_to_7nm_energy_scale"]
    sl = l_unit_slice(spec, layout)
    units = spec.matrix_units
    cells = units * spec["l_unit.compute_cells"]
    rows = spec["h_unit.sram_bank_rows"]
    sram_at = _sram_point(layout, rows)
    sram_bit = layout.read_energy_pj(sram_at) / layout.word_bits
    lo, hi = layout.points("sram+compute")[0], layout.points("sram+compute")[-1]
    sram_leak_w_per_bit = (hi["leakage_mw"] - lo["leakage_mw"]) / ((hi["depth"] - lo["depth"]) * layout.word_bits) * 1e-3
    mac_pj, mac_txt = _gate_energy_pj(tech, spec["area.h_unit_mac_gate_equivalents"], spec)
    vop_pj, vop_txt = _gate_energy_pj(tech, spec["area.vector_lane_gate_equivalents"], spec)
    hop_pj, hop_txt = hop_energy_pj_per_bit(tech, spec, area.unit_pitch_um)
    leak_nand2_w = (tech.role_cell("nand2").leakage_nw or 0.0) * 1e-9
    lanes = spec["array.vector_units"] * spec["vector_unit.fp16_lanes"]
    routers = units + spec["array.vector_units"]
    leakage = {
        "l_unit": cells * sl.leakage_mw * 1e-3 * k,
        "h_unit": (spec["h_unit.sram_mib"] * MIB * 8 * sram_leak_w_per_bit + units * spec["h_unit.fp16_macs_per_cycle"]
                   * spec["area.h_unit_mac_gate_equivalents"] * leak_nand2_w) * k,
        "vector_unit": (spec["vector_unit.sram_mib"] * MIB * 8 * sram_leak_w_per_bit + lanes * spec["area.vector_lane_gate_equivalents"] * leak_nand2_w) * k,
        "router": routers * spec["area.router_gate_equivalents"] * leak_nand2_w * k,
        "external": 0.0,
    }
    src = "layout record %s (`%s`)" % (layout.path, layout.record["command"])
    derivation = {
        "rom_read": "%s at %.0f words per compute cell, one %d-word bank read: %.4g pJ per %d-bit word (%.4g pJ/bit); %s"
                    % (sl.design, sl.words, spec["l_unit.rom_bank_words"], sl.read_pj, layout.word_bits, sl.read_pj_per_bit, src),
        "lunit_op": "compute cell + its activation inputs, %.4g pJ per %d-weight group; %s" % (sl.compute_op_pj, layout.group, src),
        "sram": "sram+compute at %d rows: %.4g pJ per %d-bit read = %.4g pJ/bit; leakage %.4g nW/bit (growth with depth); %s"
                % (rows, layout.read_energy_pj(sram_at), layout.word_bits, sram_bit, sram_leak_w_per_bit * 1e9, src),
        "fp16_mac": mac_txt, "vector_op": vop_txt, "hop": hop_txt + " (unit pitch from the area model)",
        "external": "assumption external.energy_pj_per_bit", "scale": "x power.asap7_to_7nm_energy_scale = %g" % k,
    }
    return ActionEnergies(sl.read_pj * k, sl.read_pj_per_bit * k, sl.compute_op_pj * k, sram_bit * k, mac_pj * k, vop_pj * k,
                          hop_pj * k, spec["external.energy_pj_per_bit"], leakage, derivation)


@dataclass(frozen=True)
class Actions:
    """Counts of each action for some tokens of one sequence."""

    rom_reads: float
    lunit_ops: float
    h_sram_bits: float
    macs: float
    vector_ops: float
    vector_sram_bits: float
    bit_hops: float

    def scaled(self, f: float) -> "Actions":
        return Actions(*(v * f for v in self.__dict__.values()))

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _linear_bit_hops(in_f: int, out_f: int, spec: ChipSpec) -> float:
    """One token through one matrix: the input slices up the columns (to row c // 2, both
    halves: (rows_half + 1) / 2 hops on average) and along the rows (cols - 1 links), and the
    FP32 partial sums down the columns (rows_half links per column and half)."""
    rows_half, cols = spec["array.matrix_unit_rows"] // 2, spec["array.columns"]
    act, psum = 8 * spec["datatypes.activation_bytes"], 8 * spec["datatypes.partial_sum_bytes"]
    return in_f * act * 2 * ((rows_half + 1) / 2 + cols - 1) + out_f * psum * rows_half


def actions(model: ModelConfig, spec: ChipSpec, rank: int, tokens: int, prefix: int) -> Actions:
    """Actions of `tokens` new tokens of one sequence after `prefix` cached ones, the lm_head
    run for the last of them only (a prefill; one decode token is tokens=1)."""
    passes = -(-model.base_bits // spec["l_unit.pass_weight_bits"])
    rom = rom_packing(model, spec)
    lm_groups = next(p.groups for p in rom.parts if p.name.startswith("lm_head"))
    layer_groups = sum(p.groups for p in rom.parts) - lm_groups
    reads = passes * (tokens * layer_groups + lm_groups)
    ctx = float(context_sum(model, tokens, prefix))
    hd, layers = model.head_dim, model.layers
    kv_b = 8 * spec["h_unit.kv_bytes_per_element"]
    lora_macs = tokens * model.lora_params(rank)
    attn_macs = layers * 2 * model.q_heads * hd * ctx
    h_bits = (lora_macs * spec["h_unit.lora_weight_bytes"] * 8  # every LoRA weight once per token
              + layers * 2 * model.kv_heads * hd * ctx * kv_b  # K and V of the context, once per KV head
              + tokens * model.kv_elements_per_token() * kv_b)  # the new tokens' K and V written
    lanes = spec["array.vector_units"] * spec["vector_unit.fp16_lanes"]
    v_ops = lanes * (layers * sum(float(np.asarray(st.v_cycles).sum()) for st in layer_stages(model, spec, rank, tokens, prefix))
                     + sum(float(st.v_cycles) for st in head_stages(model, spec)))
    L = {l.name: l for l in model.linears()}
    qd = model.q_heads * hd
    per_layer = (_linear_bit_hops(model.hidden, L["q"].out_features + L["k"].out_features + L["v"].out_features, spec)
                 + _linear_bit_hops(qd, model.hidden, spec) + _linear_bit_hops(model.hidden, 2 * model.ffn, spec)
                 + _linear_bit_hops(model.ffn, model.hidden, spec))
    per_layer *= tokens
    # attention: q out to the KV heads' units and the outputs back like a matrix; the scores to
    # the vector units and back, (rows_half + 1) / 2 hops each way on average
    rows_half = spec["array.matrix_unit_rows"] // 2
    per_layer += tokens * _linear_bit_hops(qd, qd, spec) + model.q_heads * ctx * 8 * spec["datatypes.activation_bytes"] * (rows_half + 1)
    bit_hops = layers * per_layer + _linear_bit_hops(model.hidden, model.vocab, spec)
    return Actions(reads, reads, h_bits, lora_macs + attn_macs, v_ops, v_ops * 8 * spec["datatypes.activation_bytes"], bit_hops)


@dataclass(frozen=True)
class Energy:
    """Energy of some tokens over a time, by block and by action."""

    tokens: float
    seconds: float
    by_block_uj: dict
    by_action_uj: dict

    @property
    def total_uj(self) -> float:
        return sum(self.by_block_uj.values())

    @property
    def per_token_uj(self) -> float:
        return self.total_uj / self.tokens

    @property
    def power_w(self) -> float:
        return self.total_uj * 1e-6 / self.seconds

    def to_json(self) -> dict:
        return {"energy_per_token_uj": self.per_token_uj, "power_w": self.power_w, "tokens": self.tokens, "seconds": self.seconds,
                "per_token_by_block_uj": {k: v / self.tokens for k, v in self.by_block_uj.items()},
                "per_token_by_action_uj": {k: v / self.tokens for k, v in self.by_action_uj.items()},
                "power_by_block_w": {k: v * 1e-6 / self.seconds for k, v in self.by_block_uj.items()}}


def energy(a: Actions, e: ActionEnergies, tokens: float, seconds: float, external_bytes: float = 0.0) -> Energy:
    """Energy of actions `a` done for `tokens` tokens in `seconds` (leakage over that time)."""
    pj = {
        "rom_read": a.rom_reads * e.rom_read_pj,
        "lunit_compute": a.lunit_ops * e.lunit_op_pj,
        "h_sram": a.h_sram_bits * e.sram_pj_per_bit,
        "h_mac": a.macs * e.fp16_mac_pj,
        "vector_op": a.vector_ops * e.vector_op_pj,
        "vector_sram": a.vector_sram_bits * e.sram_pj_per_bit,
        "link": a.bit_hops * e.hop_pj_per_bit,
        "external": external_bytes * 8 * e.external_pj_per_bit,
    }
    leak_pj = {b: w * seconds * 1e12 for b, w in e.leakage_w.items()}
    by_block = {
        "l_unit": pj["rom_read"] + pj["lunit_compute"] + leak_pj["l_unit"],
        "h_unit": pj["h_sram"] + pj["h_mac"] + leak_pj["h_unit"],
        "vector_unit": pj["vector_op"] + pj["vector_sram"] + leak_pj["vector_unit"],
        "router": pj["link"] + leak_pj["router"],
        "external": pj["external"],
    }
    by_action = dict(pj, leakage=sum(leak_pj.values()))
    return Energy(tokens, seconds, {k: v * 1e-6 for k, v in by_block.items()}, {k: v * 1e-6 for k, v in by_action.items()})


@dataclass(frozen=True)
class PointEnergy:
    """Decode (per generated token) and prefill (per prompt token) energy of a perf point."""

    decode: Energy
    prefill: Energy

    def to_json(self) -> dict:
        return {"decode": self.decode.to_json(), "prefill": self.prefill.to_json()}


def point_energy(model: ModelConfig, spec: ChipSpec, r: PerfResult, e: ActionEnergies | None = None) -> PointEnergy:
    """Energies of a PerfResult: one decode step of the batch, and the batch's prefill."""
    e = e or action_energies(spec)
    dec = actions(model, spec, r.rank, 1, r.kv_tokens).scaled(r.batch)
    pre = actions(model, spec, r.rank, r.prompt_tokens, 0).scaled(r.batch)
    return PointEnergy(energy(dec, e, r.batch, r.decode_step_ms * 1e-3, r.decode_external_bytes_per_step),
                       energy(pre, e, r.batch * r.prompt_tokens, r.ttft_ms * 1e-3, r.prefill_external_bytes))
