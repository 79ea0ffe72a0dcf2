"""Routing-demand estimate: every net becomes axis-parallel segments on named metal layers.

Method: a single-trunk rectilinear Steiner tree per net (one trunk through the net's median,
one perpendicular branch from each pin to it; of the horizontal and the vertical trunk the
shorter tree is kept). It is exact for the straight lines of an array, optimal (= the
half-perimeter) for nets of up to three pins, an overestimate for large spread-out nets, and
fully vectorized (sorting by net), so 10^6 pins cost about a second. Pins sit at the centre of their
instance (the libraries' pin shapes are not read).

Array lines (a net on a gate / word-line pin of an array device is a row line; on any other
array pin, a column line) run straight on the track their slot gives them (see floorplan.py):
the trunk is fixed, not at the median. A device gate reaches its row line's track by a
vertical stub on the grid's stub layer (the gate poly itself for a ROM word line: zero
length). A bit-line contact lies under its column line, so it adds no wire.

Every other segment is left with layer -1 here; layers.assign_layers puts it on a layer of
its direction (long segments high, short ones low, each layer filled to the same fraction of
what the array lines leave free). Constant nets (0 and 1) are tie-offs/power, not routed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.netlist.ir import Netlist
from romalayout.place.partition import Partition, is_row_pin
from romalayout.place.placer import Placement
from romalayout.tech import Technology

METHOD = "single-trunk rectilinear Steiner tree (trunk through the median pin; straight tracks for array lines)"


@dataclass(frozen=True, eq=False)
class Routes:
    """Segments (x0 <= x1, y0 <= y1; either x0 == x1 or y0 == y1) with a metal index each."""

    x0_um: np.ndarray
    y0_um: np.ndarray
    x1_um: np.ndarray
    y1_um: np.ndarray
    layer: np.ndarray  # index into tech.metals; -1 until layers.assign_layers has run
    hpwl_um: float  # sum of net half-perimeters, for comparison with the tree lengths
    method: str = METHOD
    net: np.ndarray | None = None  # net index per segment (wire capacitance per net, vias, GDS)
    is_trunk: np.ndarray | None = None  # True for a net's trunk, False for a pin branch
    pin: np.ndarray | None = None  # netlist pin index of a branch's pin end; -1 for a trunk

    def per_net_length_um(self, n_nets: int) -> np.ndarray:
        """Total routed length of each net (all layers)."""
        return np.bincount(self.net, weights=self.length_um, minlength=n_nets)

    @property
    def horizontal(self) -> np.ndarray:
        return self.y0_um == self.y1_um

    def subset(self, mask: np.ndarray) -> "Routes":
        def cut(a):
            return None if a is None else a[mask]

        return Routes(self.x0_um[mask], self.y0_um[mask], self.x1_um[mask], self.y1_um[mask], self.layer[mask], self.hpwl_um, self.method,
                      cut(self.net), cut(self.is_trunk), cut(self.pin))

    @property
    def length_um(self) -> np.ndarray:
        return (self.x1_um - self.x0_um) + (self.y1_um - self.y0_um)


def _pins(netlist: Netlist):
    """(instance, net, is-row-pin, pin index) per pin, without unconnected and constant pins."""
    inst = netlist.pin_instances()
    flags = np.array([is_row_pin(t, p) for t in netlist.types for p in t.pins] or [False])
    net = netlist.pin_net.astype(np.int64)
    keep = net > 1
    inst, net = inst[keep], net[keep]
    flag = flags[netlist.pin_type_slots()[keep]]
    return inst, net, flag, np.flatnonzero(keep)


def _medians(net: np.ndarray, v: np.ndarray, n_nets: int) -> np.ndarray:
    """Lower median of v per net (NaN for nets without pins)."""
    out = np.full(n_nets, np.nan)
    if net.size == 0:
        return out
    o = np.lexsort((v, net))
    ns = net[o]
    starts = np.flatnonzero(np.r_[True, ns[1:] != ns[:-1]])
    counts = np.diff(np.r_[starts, ns.size])
    out[ns[starts]] = v[o][starts + (counts - 1) // 2]
    return out


def _line_slots(net, key, flag_sel, n_nets):
    """Nets selected by flag_sel, their (lowest) row/column and their rank within it."""
    pos = np.full(n_nets, np.iinfo(np.int64).max)
    np.minimum.at(pos, net[flag_sel], key[flag_sel])
    nets = np.flatnonzero(pos != np.iinfo(np.int64).max)
    where = pos[nets]
    o = np.lexsort((nets, where))
    nets, where = nets[o], where[o]
    rank = np.arange(nets.size) - np.searchsorted(where, where, side="left")
    return nets, where, rank


def estimate_routes(netlist: Netlist, tech: Technology, part: Partition, pl: Placement) -> Routes:
    """Segments for every net of `netlist` placed as `pl` (see the module docstring)."""
    n_nets = netlist.n_nets
    inst, net, flag, pin_index = _pins(netlist)
    px, py = pl.cx_um[inst], pl.cy_um[inst]
    arow = np.full(netlist.n_instances, -1, dtype=np.int64)
    acol = np.full(netlist.n_instances, -1, dtype=np.int64)
    arow[part.array] = part.array_row
    acol[part.array] = part.array_col
    in_arr = arow[inst] >= 0

    # Net extents (for trunk spans and the half-perimeter figure).
    big = np.inf
    xmin, ymin = np.full(n_nets, big), np.full(n_nets, big)
    xmax, ymax = np.full(n_nets, -big), np.full(n_nets, -big)
    np.minimum.at(xmin, net, px)
    np.maximum.at(xmax, net, px)
    np.minimum.at(ymin, net, py)
    np.maximum.at(ymax, net, py)
    npin = np.bincount(net, minlength=n_nets)
    routed = npin >= 2
    hpwl = float(((xmax - xmin) + (ymax - ymin))[routed].sum())

    trunk_h = np.zeros(n_nets, bool)  # True: horizontal trunk at trunk_pos (y); else vertical at x
    trunk_pos = np.zeros(n_nets)
    trunk_layer = np.full(n_nets, -1, dtype=np.int16)
    kind = np.zeros(n_nets, np.int8)  # 0 logic, 1 row line, 2 column line
    g = pl.floorplan.grid
    if g is not None and part.array.size:
        rnets, rrow, rrank = _line_slots(net, arow[inst], in_arr & flag, n_nets)
        slot = rrank % len(g.row_slots.layers)
        kind[rnets] = 1
        trunk_h[rnets] = True
        trunk_pos[rnets] = g.row_track_y_um(rrow, slot)
        trunk_layer[rnets] = np.array([tech.metal(n).index for n in g.row_slots.layers], np.int16)[slot]
        csel = in_arr & ~flag & (kind[net] == 0)
        cnets, ccol, crank = _line_slots(net, acol[inst], csel, n_nets)
        slot = crank % len(g.col_slots.layers)
        kind[cnets] = 2
        trunk_pos[cnets] = g.col_x_um(ccol) + np.asarray(g.col_slots.offsets_um)[slot]
        trunk_layer[cnets] = np.array([tech.metal(n).index for n in g.col_slots.layers], np.int16)[slot]

    logic_pin = kind[net] == 0
    ln, lx, ly = net[logic_pin], px[logic_pin], py[logic_pin]
    med_x, med_y = _medians(ln, lx, n_nets), _medians(ln, ly, n_nets)
    cost_h = (xmax - xmin) + np.bincount(ln, weights=np.abs(ly - med_y[ln]), minlength=n_nets)
    cost_v = (ymax - ymin) + np.bincount(ln, weights=np.abs(lx - med_x[ln]), minlength=n_nets)
    lnets = np.flatnonzero((kind == 0) & routed)
    trunk_h[lnets] = cost_h[lnets] <= cost_v[lnets]
    trunk_pos[lnets] = np.where(trunk_h[lnets], med_y[lnets], med_x[lnets])

    # Trunks.
    tn = np.flatnonzero(routed)
    th = trunk_h[tn]
    t_x0 = np.where(th, xmin[tn], trunk_pos[tn])
    t_x1 = np.where(th, xmax[tn], trunk_pos[tn])
    t_y0 = np.where(th, trunk_pos[tn], ymin[tn])
    t_y1 = np.where(th, trunk_pos[tn], ymax[tn])
    t_layer = trunk_layer[tn]

    # Branches: pin -> trunk, perpendicular to it. Column-line contacts under the line add none.
    keep = routed[net] & ~((kind[net] == 2) & in_arr)
    bn, bx, by, barr = net[keep], px[keep], py[keep], in_arr[keep]
    bh = ~trunk_h[bn]  # branch is horizontal when the trunk is vertical
    pos = trunk_pos[bn]
    b_x0 = np.where(bh, np.minimum(bx, pos), bx)
    b_x1 = np.where(bh, np.maximum(bx, pos), bx)
    b_y0 = np.where(bh, by, np.minimum(by, pos))
    b_y1 = np.where(bh, by, np.maximum(by, pos))
    b_layer = np.full(bn.size, -1, np.int16)
    if g is not None:
        stub = barr & (kind[bn] == 1)
        b_layer[stub] = tech.metal(g.stub_layer).index

    x0 = np.concatenate([t_x0, b_x0])
    y0 = np.concatenate([t_y0, b_y0])
    x1 = np.concatenate([t_x1, b_x1])
    y1 = np.concatenate([t_y1, b_y1])
    layer = np.concatenate([t_layer, b_layer])
    seg_net = np.concatenate([tn, bn])
    is_trunk = np.concatenate([np.ones(tn.size, bool), np.zeros(bn.size, bool)])
    seg_pin = np.concatenate([np.full(tn.size, -1, np.int64), pin_index[keep]])
    nz = (x1 - x0) + (y1 - y0) > 1e-9
    return Routes(x0[nz], y0[nz], x1[nz], y1[nz], layer[nz], hpwl, METHOD, seg_net[nz], is_trunk[nz], seg_pin[nz])
