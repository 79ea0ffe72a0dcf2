"""Via count of a routing estimate, per cut layer.

A via stack joins two metals through every cut between them. The estimate needs one
  - where a pin branch meets its net's trunk on another layer (branch layer <-> trunk layer);
  - at every pin of a routed net, from the pin's layer (the lowest routing layer: standard
    cells' pins and the array devices' contacts are there) up to the layer the pin attaches
    to: its branch's layer, or the trunk's when the pin lies on the trunk (no branch).
Constant nets are not routed (romalayout.place.route), so they get none. The count is what
a router would drop on the estimated tree; the GDS writer's own count is compared with it
by flows/estimate_vs_layout.py.
"""

from __future__ import annotations

import numpy as np

from romalayout.netlist.ir import CONST1, Netlist
from romalayout.place.route import Routes
from romalayout.tech import Technology


def _stack_counts(n_metals: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cuts per cut index (cut k joins metals k and k+1) of stacks from layer a to b."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = hi > lo
    diff = np.bincount(lo[keep], minlength=n_metals + 1) - np.bincount(hi[keep], minlength=n_metals + 1)
    return np.cumsum(diff)[: n_metals - 1]


def count_vias(tech: Technology, netlist: Netlist, routes: Routes) -> dict[str, int]:
    """{cut layer name: vias} of the routing estimate (see the module docstring)."""
    n = len(tech.metals)
    net, layer = routes.net.astype(np.int64), routes.layer.astype(np.int64)
    trunk = routes.is_trunk
    trunk_layer = np.full(netlist.n_nets, -1, dtype=np.int64)
    trunk_layer[net[trunk]] = layer[trunk]
    branch = ~trunk
    counts = np.zeros(n - 1, dtype=np.int64)
    # Branch to trunk.
    bt = branch & (trunk_layer[net] >= 0)
    counts += _stack_counts(n, layer[bt], trunk_layer[net[bt]])
    # Pin to its branch or, without one, to the trunk.
    pn = netlist.pin_net.astype(np.int64)
    per_net = np.bincount(pn[pn > CONST1], minlength=netlist.n_nets)
    routed_pin = (pn > CONST1) & (per_net[np.maximum(pn, 0)] >= 2)
    attach = np.where(routed_pin, trunk_layer[np.maximum(pn, 0)], -1)
    has_branch = branch & (routes.pin >= 0)
    attach[routes.pin[has_branch]] = layer[has_branch]
    ok = attach >= 0
    counts += _stack_counts(n, np.zeros(int(ok.sum()), np.int64), attach[ok])
    names = [c.name for c in tech.cuts]
    return {names[k]: int(c) for k, c in enumerate(counts) if k < len(names)}
