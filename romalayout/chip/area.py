"""Area and power roll-up of the ROMA chip beside Table I (503.7 mm^2, 33.1 W) and Fig. 11.

Bit cells come from the repository's ASAP7 data (romalayout.tech); logic from ASAP7 standard
cell areas, leakage and internal energies (Liberty); everything else from roma_spec.toml.
The L-unit area can be overridden (`l_unit_area_mm2`) with the fused-cell layout estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

from romalayout.chip.capacity import MIB
from romalayout.chip.models import get_model
from romalayout.chip.perf import head_stages, layer_stages
from romalayout.chip.spec import ChipSpec
from romalayout.tech import load_technology

UM2_PER_MM2 = 1e6


@dataclass(frozen=True)
class Block:
    """One block of Fig. 11: area and power, with how they were obtained."""

    name: str
    area_mm2: float
    power_w: float
    basis: str

    def to_json(self) -> dict:
        return {"name": self.name, "area_mm2": self.area_mm2, "power_w": self.power_w, "basis": self.basis}


@dataclass(frozen=True)
class AreaPower:
    blocks: tuple[Block, ...]
    workload: str
    utilization: dict

    @property
    def total_mm2(self) -> float:
        return sum(b.area_mm2 for b in self.blocks)

    @property
    def power_w(self) -> float:
        return sum(b.power_w for b in self.blocks)

    def to_json(self) -> dict:
        return {"total_mm2": self.total_mm2, "power_w": self.power_w,
                "paper_total_mm2": 503.7, "paper_power_w": 33.1, "workload": self.workload,
                "utilization": self.utilization,
                "breakdown": {b.name: b.to_json() for b in self.blocks}}


def decode_utilization(spec: ChipSpec) -> dict:
    """Busy fraction of each resource in the power workload (from the performance model)."""
    model = get_model(spec["workload.power_model"])
    stages = layer_stages(model, spec, spec["workload.power_rank"], 1, spec["workload.power_kv_tokens"])
    total = model.layers * sum(float(s.cycles) for s in stages) + sum(float(s.cycles) for s in head_stages(model, spec))
    busy = lambda f: (model.layers * sum(float(getattr(s, f)) for s in stages) + sum(float(getattr(s, f)) for s in head_stages(model, spec))) / total
    return {"l_unit": busy("l_cycles"), "h_unit": busy("h_cycles"), "vector_unit": busy("v_cycles"), "link": busy("link_cycles")}


def area_power(spec: ChipSpec, l_unit_area_mm2: float | None = None, pdk: str | None = None) -> AreaPower:
    """Roll up area (mm^2) and power (W) of L-units, H-units, vector units and routers."""
    tech = load_technology(pdk or spec["area.sram_bitcell_source"])
    f = spec.clock_hz
    act = spec["power.activity_factor"]
    util = decode_utilization(spec)
    units = spec.matrix_units
    cell = lambda role: tech.role_cell(role)
    area_um2 = lambda role: cell(role).width_um * cell(role).height_um
    logic_util = spec["area.logic_utilization"]

    def logic(counts: dict, n: float):
        """(area mm^2, leakage W, switching energy J per cycle at activity 1) of n copies."""
        a = sum(area_um2(r) * c for r, c in counts.items()) / logic_util * n / UM2_PER_MM2
        leak = sum(cell(r).leakage_nw * c for r, c in counts.items()) * n * 1e-9
        e = sum(cell(r).e_int_fj * c for r, c in counts.items()) * n * 1e-15
        return a, leak, e

    def nand2_eq(n_eq: float):
        return logic({"nand2": n_eq}, 1)

    # L-units: B-ROM + compute cells + one alignment unit each
    rom_bits = spec["l_unit.rom_capacity_mib"] * MIB * 8
    rom_um2_per_bit = tech.sram6t_um2 * spec["area.rom_to_sram_bitcell_ratio"] / spec["area.rom_array_efficiency"] * spec["area.brom_area_factor"]
    cells = units * spec["l_unit.compute_cells"]
    cc = {"fa": spec["compute_cell.full_adders"], "and2": spec["compute_cell.and_gates"], "dff": spec["compute_cell.flip_flops"]}
    cc_a, cc_leak, cc_e = logic(cc, cells)
    al_a, al_leak, al_e = nand2_eq(units * spec["l_unit.group_size_weights"] * spec["compute_cell.alignment_nand2_eq_per_lane"])
    rom_a = rom_bits * rom_um2_per_bit / UM2_PER_MM2
    word_bits = spec["l_unit.rom_word_bits"] + spec["l_unit.scale_bits"] + spec["l_unit.zero_point_bits"]
    rom_p = cells * word_bits * spec["power.rom_read_energy_pj_per_bit"] * 1e-12 * f * util["l_unit"]
    l_area = l_unit_area_mm2 if l_unit_area_mm2 is not None else rom_a + cc_a + al_a
    l_basis = ("override l_unit_area_mm2" if l_unit_area_mm2 is not None else
               "B-ROM %.4g um^2/bit (ASAP7 6T x ROM/SRAM ratio / array efficiency x B-ROM factor) = %.1f mm^2; "
               "compute cells %.1f mm^2; alignment %.1f mm^2" % (rom_um2_per_bit, rom_a, cc_a, al_a))
    l_power = rom_p + (cc_e + al_e) * act * f * util["l_unit"] + cc_leak + al_leak

    def sram(mib: float, read_bytes_per_cycle_total: float, busy: float):
        bits = mib * MIB * 8
        a = bits * tech.sram6t_um2 / spec["area.sram_array_efficiency"] / UM2_PER_MM2
        p = read_bytes_per_cycle_total * 8 * spec["power.sram_read_energy_pj_per_bit"] * 1e-12 * f * busy + bits * spec["power.sram_leakage_nw_per_bit"] * 1e-9
        return a, p

    h_sram_a, h_sram_p = sram(spec["h_unit.sram_mib"], units * spec["h_unit.sram_read_bytes_per_cycle"], util["h_unit"])
    h_a, h_leak, h_e = nand2_eq(units * spec["h_unit.fp16_macs_per_cycle"] * spec["area.h_unit_mac_gate_equivalents"])
    lanes = spec["array.vector_units"] * spec["vector_unit.fp16_lanes"]
    v_sram_a, v_sram_p = sram(spec["vector_unit.sram_mib"], lanes * 2 * spec["datatypes.activation_bytes"], util["vector_unit"])
    v_a, v_leak, v_e = nand2_eq(lanes * spec["area.vector_lane_gate_equivalents"])
    routers = units + spec["array.vector_units"]
    r_a, r_leak, r_e = nand2_eq(routers * spec["area.router_gate_equivalents"])
    link_p = routers * 4 * spec["router.link_bits_per_cycle"] * spec["power.link_energy_pj_per_bit_hop"] * 1e-12 * f * util["link"]
    blocks = (
        Block("l_unit", l_area, l_power, l_basis),
        Block("h_unit_sram", h_sram_a, h_sram_p, "288 MiB of ASAP7 6T / array efficiency"),
        Block("h_unit_compute", h_a, h_e * act * f * util["h_unit"] + h_leak, "FP16 MACs in NAND2 equivalents (ASAP7 NAND2 area)"),
        Block("vector_unit", v_a + v_sram_a, v_e * act * f * util["vector_unit"] + v_leak + v_sram_p, "16 MiB SRAM + FP16 lanes"),
        Block("router", r_a, r_e * act * f * util["link"] + r_leak + link_p, "272 routers in NAND2 equivalents + link wire energy"),
    )
    workload = "%s rank %d decode at %d cached tokens" % (spec["workload.power_model"], spec["workload.power_rank"], spec["workload.power_kv_tokens"])
    return AreaPower(blocks, workload, util)
