"""Power of a netlist: dynamic power from switched capacitance, cells' internal energy,
and leakage. Activity is measured by simulating a stimulus (romalayout.sim.activity),
not assumed.

Per net, C = sum of its sinks' input capacitance (Liberty) + array device capacitance +
wire capacitance (from a placement's route estimate, when given). A driven net costs
1/2 C V^2 per toggle. A precharged line (bit line) costs C V^2 in every cycle that ends
with it low, since the precharge recharges it: the ROM is modelled as precharged dynamic
logic, the usual ROM read, although the netlist ties the load pmos on for a static read.
A cell adds its Liberty internal energy (e_int_fj, per output transition) per output
toggle. Leakage: cells from Liberty; devices and bitcells derived from the PDK's
minimum inverter (see `device_parameters`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.netlist.ir import CONST1, NO_NET, Netlist


@dataclass(frozen=True)
class DeviceParameters:
    """Capacitance and leakage of one array device, derived from the role `inv` cell."""

    gate_cap_pf: float
    drain_cap_pf: float
    leakage_nw: float
    derivation: str


def device_parameters(tech) -> DeviceParameters:
    """A minimum array transistor: gate cap = half the minimum inverter's input cap (its
    input is one nmos and one pmos gate); drain cap taken equal to the gate cap (a
    minimum drain junction with its contact; an assumption); leakage = half the inverter's
    (one of its two transistors is off in either state)."""
    inv = tech.role_cell("inv")
    cin = sum(inv.input_cap_pf.values()) / max(1, len(inv.input_cap_pf))
    leak = inv.leakage_nw or 0.0
    return DeviceParameters(
        gate_cap_pf=cin / 2,
        drain_cap_pf=cin / 2,
        leakage_nw=leak / 2,
        derivation="from %s: input cap %.4g pF / 2 per gate (and per drain), leakage %.4g nW / 2 per device; a 6T bitcell leaks 3 inverters' worth" % (inv.name, cin, leak),
    )


@dataclass(frozen=True)
class Power:
    """Power of one design at one frequency; `to_json()` for reports."""

    frequency_mhz: float
    vdd_v: float
    switching_mw: float
    internal_mw: float
    leakage_mw: float
    by_block_mw: dict
    stimulus: str
    device: DeviceParameters

    @property
    def total_mw(self) -> float:
        return self.switching_mw + self.internal_mw + self.leakage_mw

    def to_json(self) -> dict:
        return {
            "frequency_mhz": self.frequency_mhz,
            "vdd_v": self.vdd_v,
            "total_mw": self.total_mw,
            "switching_mw": self.switching_mw,
            "internal_mw": self.internal_mw,
            "leakage_mw": self.leakage_mw,
            "by_block_mw": self.by_block_mw,
            "stimulus": self.stimulus,
            "device_derivation": self.device.derivation,
        }


def _pin_tables(netlist: Netlist, tech, dev: DeviceParameters):
    """Per pin: capacitance it loads its net with, and whether it drives the net."""
    caps, drives = [], []
    for t in netlist.types:
        if t.kind == "cell":
            c = tech.cells[t.name]
            caps.append([c.input_cap_pf.get(p, 0.0) if d == "input" else 0.0 for p, d in zip(t.pins, t.directions)])
            drives.append([d == "output" for d in t.directions])
        elif t.kind in ("nmos", "pmos"):
            caps.append([dev.drain_cap_pf if p == "D" else dev.gate_cap_pf if p == "G" else 0.0 for p in t.pins])
            drives.append([p == "D" for p in t.pins])
        else:  # bitcell: two access gates on WL, one access drain on each bit line
            caps.append([2 * dev.gate_cap_pf if p == "WL" else dev.drain_cap_pf for p in t.pins])
            drives.append([p != "WL" for p in t.pins])
    return caps, drives


def estimate(netlist: Netlist, tech, toggles: np.ndarray, low_fraction: np.ndarray, wire_cap_pf: np.ndarray | None = None,
             frequency_mhz: float | None = None, stimulus: str = "") -> Power:
    """Power from measured per-net activity (see romalayout.sim.Simulator.activity)."""
    f_hz = (frequency_mhz or tech.frequency_default_mhz) * 1e6
    v = tech.vdd_v
    dev = device_parameters(tech)
    caps, drives = _pin_tables(netlist, tech, dev)
    offs = np.concatenate([[0], np.cumsum([len(c) for c in caps])])
    cap_flat = np.array([x for c in caps for x in c] or [0.0])
    drv_flat = np.array([x for d in drives for x in d] or [False])
    counts = np.diff(netlist.pin_offset)
    pin_type = np.repeat(netlist.inst_type, counts).astype(np.int64)
    pin_in_type = np.arange(netlist.n_pins) - np.repeat(netlist.pin_offset[:-1], counts)
    key = offs[pin_type] + pin_in_type
    pn = netlist.pin_net.astype(np.int64)
    ok = pn > CONST1
    net_cap = np.bincount(pn[ok], weights=cap_flat[key][ok], minlength=netlist.n_nets)
    if wire_cap_pf is not None:
        net_cap = net_cap + np.asarray(wire_cap_pf, dtype=float)
    # Which block pays for a net: its driver's; a line pulled down by devices is a precharged line.
    pin_block = np.repeat(netlist.inst_block, counts)
    driver_block = np.full(netlist.n_nets, -1, dtype=np.int64)
    drv = ok & drv_flat[key]
    driver_block[pn[drv]] = pin_block[drv]
    precharged = np.zeros(netlist.n_nets, dtype=bool)
    kinds = np.array([t.kind for t in netlist.types])
    dev_pin = drv & (kinds[pin_type] != "cell")
    precharged[pn[dev_pin]] = True
    # Bit lines are driven by several blocks' devices; charge them to the array's block when present.
    if "array" in netlist.blocks:
        arr = netlist.blocks.index("array")
        on_array = dev_pin & (pin_block == arr)
        driver_block[pn[on_array]] = arr
    e_net = np.where(precharged, low_fraction * net_cap * v * v, 0.5 * toggles * net_cap * v * v)  # pJ per cycle
    e_net[: CONST1 + 1] = 0.0
    # Internal energy: each cell output toggle costs the cell's e_int.
    e_int = np.array([(tech.cells[t.name].e_int_fj or 0.0) if t.kind == "cell" else 0.0 for t in netlist.types])
    out_pin = ok & drv_flat[key] & (kinds[pin_type] == "cell")
    int_energy_fj = toggles[pn[out_pin]] * e_int[pin_type[out_pin]]
    int_block = pin_block[out_pin]
    # Leakage per instance.
    leak_type = np.array([
        (tech.cells[t.name].leakage_nw or 0.0) if t.kind == "cell" else dev.leakage_nw * (6 if t.kind == "bitcell" else 1)
        for t in netlist.types
    ])
    leak_inst_nw = leak_type[netlist.inst_type]
    nb = len(netlist.blocks)
    by_block = {}
    sw_block = np.bincount(np.where(driver_block >= 0, driver_block, nb), weights=e_net, minlength=nb + 1)
    in_block = np.bincount(int_block, weights=int_energy_fj, minlength=nb) if int_block.size else np.zeros(nb)
    lk_block = np.bincount(netlist.inst_block, weights=leak_inst_nw, minlength=nb)
    for i, name in enumerate(list(netlist.blocks) + ["inputs"]):
        mw = sw_block[i] * 1e-12 * f_hz * 1e3
        if i < nb:
            mw += in_block[i] * 1e-15 * f_hz * 1e3 + lk_block[i] * 1e-6
        by_block[name] = float(mw)
    return Power(
        frequency_mhz=f_hz / 1e6,
        vdd_v=v,
        switching_mw=float(e_net.sum() * 1e-12 * f_hz * 1e3),
        internal_mw=float(int_energy_fj.sum() * 1e-15 * f_hz * 1e3),
        leakage_mw=float(leak_inst_nw.sum() * 1e-6),
        by_block_mw=by_block,
        stimulus=stimulus,
        device=dev,
    )


__all__ = ["DeviceParameters", "Power", "device_parameters", "estimate", "NO_NET"]
