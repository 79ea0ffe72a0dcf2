"""Leaf cells: standard-cell abstracts from the LEF, array devices on the PDK's base layers,
and vias from the tech LEF's fixed VIA definitions. All in microns."""

from __future__ import annotations

import gdstk

from romalayout.errors import TechnologyError
from romalayout.gds.layers import lef_layer_gds
from romalayout.gds.lef import LefMacro, LefVia


def _rect(cell: gdstk.Cell, gds: tuple[int, int], x0: float, y0: float, x1: float, y1: float) -> None:
    cell.add(gdstk.rectangle((x0, y0), (x1, y1), layer=gds[0], datatype=gds[1]))


def std_cell(tech, macro: LefMacro) -> gdstk.Cell:
    """Abstract of a standard cell: its SIZE as a boundary rectangle, pin rectangles on the
    metals' pin purpose with the pin name as a label, obstructions on the blockage purpose
    (drawing where the PDK has no blockage purpose, e.g. SKY130 mcon)."""
    cell = gdstk.Cell(macro.name)
    _rect(cell, tech.cell_boundary_gds, 0.0, 0.0, macro.width_um, macro.height_um)
    for pin in macro.pins:
        for layer, x0, y0, x1, y1 in pin.rects:
            gds = lef_layer_gds(tech, layer, "pin")
            _rect(cell, gds, x0, y0, x1, y1)
        if pin.rects:
            layer, x0, y0, x1, y1 = max(pin.rects, key=lambda r: (r[3] - r[1]) * (r[4] - r[2]))
            lab = lef_layer_gds(tech, layer, "label")
            cell.add(gdstk.Label(pin.name, ((x0 + x1) / 2, (y0 + y1) / 2), layer=lab[0], texttype=lab[1]))
    for layer, x0, y0, x1, y1 in macro.obs:
        _rect(cell, lef_layer_gds(tech, layer, "blockage"), x0, y0, x1, y1)
    return cell


def via_cell(tech, via: LefVia) -> gdstk.Cell:
    """A via: the cut and both landing pads, as the tech LEF's VIA definition draws them."""
    cell = gdstk.Cell("via_" + via.name)
    for layer, x0, y0, x1, y1 in via.rects:
        _rect(cell, lef_layer_gds(tech, layer, "drawing"), x0, y0, x1, y1)
    return cell


def stack_pad(tech, defaults: dict[str, LefVia], k: int) -> gdstk.Polygon:
    """The pad of metal k inside a via stack: the bounding box of the pads that the cut
    below (its top pad) and the cut above (its bottom pad) put on metal k."""
    name = tech.metals[k].name
    rects = [r for cut in tech.cuts if name in (cut.below, cut.above) for r in defaults[cut.name].rects if r[0] == name]
    x0, y0 = min(r[1] for r in rects), min(r[2] for r in rects)
    x1, y1 = max(r[3] for r in rects), max(r[4] for r in rects)
    gds = lef_layer_gds(tech, name, "drawing")
    return gdstk.rectangle((x0, y0), (x1, y1), layer=gds[0], datatype=gds[1])


def default_vias(tech, tech_vias: dict[str, LefVia]) -> dict[str, LefVia]:
    """Cut layer name -> the first DEFAULT fixed via that uses it (tech LEF order)."""
    out: dict[str, LefVia] = {}
    cut_names = {c.name for c in tech.cuts}
    for v in tech_vias.values():
        if not v.default:
            continue
        for layer, *_ in v.rects:
            if layer in cut_names and layer not in out:
                out[layer] = v
    missing = cut_names - set(out)
    if missing:
        raise TechnologyError("%s: the tech LEF has no DEFAULT via for %s" % (tech.name, ", ".join(sorted(missing))))
    return out


def device_geometry_um(tech) -> dict[str, float]:
    """Sizes of the ROM device drawing, from the bitcell derivation (pdk.toml [rom_bitcell]).

    The cell is w x h (tech.rom_bitcell). Bottom to top: the shared source/drain contact
    (contact_width), then after contact_to_gate the poly gate (poly_width) across the whole
    width, so the next cell's contact follows at h. The diffusion strip runs the full height,
    contact + 2 x enclosure wide. Where a PDK gives no such term (ASAP7 derives its cell from
    CPP and fin pitch only), the gate and contact are a third of the cell and the diffusion
    is one fin pitch (half the cell)."""
    bc = tech.rom_bitcell
    g, d = bc.gate_pitch_terms_um, bc.diffusion_pitch_terms_um
    w, h = bc.width_um, bc.height_um
    contact = g.get("contact_width", min(w, h) / 3.0)
    poly = g.get("poly_width", h / 3.0)
    to_gate = g.get("contact_to_gate", (h - contact - poly) / 2.0)
    if "enclosure" in d:
        diff = d.get("contact_width", contact) + 2.0 * d["enclosure"]
    else:
        diff = d.get("fin_pitch", w / 2.0)
    return {"width": w, "height": h, "contact": contact, "poly": poly, "contact_to_gate": to_gate, "diffusion": diff}


def rom_device_cells(tech, kind: str = "nmos") -> tuple[gdstk.Cell, gdstk.Cell]:
    """(device, drain contact) leaf cells of a ROM bitcell: the device has its outline on the
    boundary layer, diffusion and the poly gate (plus the n-well for a pmos); the contact cell is referenced only where a
    bit is programmed, so the programming is visible as contacts in the array."""
    geo = device_geometry_um(tech)
    w, h = geo["width"], geo["height"]
    dev = gdstk.Cell("rom_%s" % kind)
    # The footprint on the boundary layer, as for standard cells: the boundary layer's area
    # is then the placed base area (what the placement's base utilization counts).
    _rect(dev, tech.cell_boundary_gds, 0.0, 0.0, w, h)
    dx0 = (w - geo["diffusion"]) / 2.0
    _rect(dev, tech.base_layers["diffusion"].gds, dx0, 0.0, dx0 + geo["diffusion"], h)
    gy0 = geo["contact"] + geo["contact_to_gate"]
    _rect(dev, tech.base_layers["poly"].gds, 0.0, gy0, w, gy0 + geo["poly"])
    if kind == "pmos" and "well" in tech.base_layers:
        _rect(dev, tech.base_layers["well"].gds, 0.0, 0.0, w, h)
    con = gdstk.Cell("rom_%s_contact" % kind)
    cx0 = (w - geo["contact"]) / 2.0
    _rect(con, tech.base_layers["contact"].gds, cx0, 0.0, cx0 + geo["contact"], geo["contact"])
    return dev, con


def sram6t_cell(tech, width_um: float, height_um: float) -> gdstk.Cell:
    """Abstract of a 6T SRAM bitcell at its footprint: an outline on the boundary layer, two
    diffusion strips (pull-down/access and pull-up sides), two poly lines (the cross-coupled
    gates; the access gates continue as the word line) and four contacts. It shows density
    and pitch, not a DRC-clean cell."""
    w, h = width_um, height_um
    cell = gdstk.Cell("sram6t")
    _rect(cell, tech.cell_boundary_gds, 0.0, 0.0, w, h)
    dw, pw, cw = w / 6.0, h / 10.0, min(w, h) / 8.0
    for xc in (w / 4.0, 3.0 * w / 4.0):
        _rect(cell, tech.base_layers["diffusion"].gds, xc - dw / 2, 0.0, xc + dw / 2, h)
    for yc in (h / 3.0, 2.0 * h / 3.0):
        _rect(cell, tech.base_layers["poly"].gds, 0.0, yc - pw / 2, w, yc + pw / 2)
    for xc in (w / 4.0, 3.0 * w / 4.0):
        for yc in (h / 6.0, 5.0 * h / 6.0):
            _rect(cell, tech.base_layers["contact"].gds, xc - cw / 2, yc - cw / 2, xc + cw / 2, yc + cw / 2)
    return cell
