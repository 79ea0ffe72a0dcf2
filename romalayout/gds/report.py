"""Our own drawn-area report per GDS layer, computed from the Layout (not from the GDS).

What the writer draws, in integer database units, and where it overlaps:

- wires: per metal, the track-assigned segments as bands of the layer's width; collinear
  pieces on one track are merged (areas.TrackCover): wire area = merged length x width.
- via stacks (cuts and pads of the tech LEF's DEFAULT vias, one bounding-box pad between two
  cuts, as write.py draws them), same-net bridges and standard-cell abstracts (LEF SIZE on
  the boundary layer, pins, obstructions, placed in their DEF orientation): "shapes". Their
  union is cut into disjoint rectangles (areas.disjoint_pieces: only clusters that really
  overlap are cut), and the part of each piece already covered by a wire is subtracted
  (prefix sums per track).
- device grids: the leaf cell's area per layer x the number of devices (sites never overlap:
  the leaf fits its pitch, checked; else the grid's shapes join the "shapes").

So area = wire area + shapes union - shapes-on-wires + devices, each term listed in the
report. No polygon boolean library is involved; tests/gds compares it with KLayout's merged
area of the written GDS.
"""

from __future__ import annotations

import json

import numpy as np

from romalayout.gds import cells as leaf
from romalayout.gds.areas import TrackCover, disjoint_pieces
from romalayout.gds.layers import lef_layer_gds
from romalayout.gds.layout import ORIENTS, Layout
from romalayout.gds.lef import cell_lef_path, read_lef, tech_lef_path

# DEF orientation -> (a, b, c, d): local (x, y) maps to (a x + b y, c x + d y) before the
# shift that puts the placed outline's lower-left corner on the placed point (LEF/DEF 5.8).
ORIENT_MATRIX = {
    "N": (1, 0, 0, 1), "S": (-1, 0, 0, -1), "W": (0, -1, 1, 0), "E": (0, 1, -1, 0),
    "FN": (-1, 0, 0, 1), "FS": (1, 0, 0, -1), "FW": (0, 1, 1, 0), "FE": (0, -1, -1, 0),
}


def _dbu(v, dbu_per_um) -> np.ndarray:
    return np.rint(np.asarray(v, np.float64) * dbu_per_um).astype(np.int64)


def _placed_rects(rects: np.ndarray, w: int, h: int, orient: str, xy: np.ndarray) -> np.ndarray:
    """Local rectangles (m, 4) of a w x h cell placed with `orient` at lower-left corners
    xy (n, 2): (n * m, 4)."""
    a, b, c, d = ORIENT_MATRIX[orient]
    xs = np.stack([a * rects[:, 0] + b * rects[:, 1], a * rects[:, 2] + b * rects[:, 3]], axis=1)
    ys = np.stack([c * rects[:, 0] + d * rects[:, 1], c * rects[:, 2] + d * rects[:, 3]], axis=1)
    ox, oy = min(0, a * w, b * h, a * w + b * h), min(0, c * w, d * h, c * w + d * h)
    local = np.stack([xs.min(1) - ox, ys.min(1) - oy, xs.max(1) - ox, ys.max(1) - oy], axis=1)
    return (local[None, :, :] + np.tile(xy, 2)[:, None, :]).reshape(-1, 4)


def _cell_shapes(tech, layout: Layout, dbu, add) -> None:
    ci = layout.cells
    if ci is None or not ci.count:
        return
    lef = read_lef(cell_lef_path(tech), set(ci.macros))
    for mi, name in enumerate(ci.macros):
        macro = lef.macros[name]
        shapes = [(tech.cell_boundary_gds, (0.0, 0.0, macro.width_um, macro.height_um))]
        shapes += [(lef_layer_gds(tech, r[0], "pin"), r[1:]) for p in macro.pins for r in p.rects]
        shapes += [(lef_layer_gds(tech, r[0], "blockage"), r[1:]) for r in macro.obs]
        w, h = int(_dbu(macro.width_um, dbu)), int(_dbu(macro.height_um, dbu))
        for oi, orient in enumerate(ORIENTS):
            sel = (ci.macro_index == mi) & (ci.orient == oi)
            if not sel.any():
                continue
            xy = np.stack([_dbu(ci.x_um[sel], dbu), _dbu(ci.y_um[sel], dbu)], axis=1)
            for gds in sorted({g for g, _ in shapes}):
                local = _dbu([r for g, r in shapes if g == gds], dbu)
                add(gds, _placed_rects(local, w, h, orient, xy))


def _via_shapes(tech, layout: Layout, dbu, add) -> None:
    if not any(v.xy_um.shape[0] for v in layout.vias):
        return
    defaults = leaf.default_vias(tech, read_lef(tech_lef_path(tech)).vias)
    for v in layout.vias:
        lo, hi = sorted((tech.metal(v.bottom).index, tech.metal(v.top).index))
        tmpl = []
        for k in range(lo, hi):
            cut = next(c for c in tech.cuts if c.below == tech.metals[k].name)
            tmpl += [(lef_layer_gds(tech, r[0], "drawing"), r[1:]) for r in defaults[cut.name].rects]
        for k in range(lo + 1, hi):
            name = tech.metals[k].name
            rs = [r for c in tech.cuts if name in (c.below, c.above) for r in defaults[c.name].rects if r[0] == name]
            box = (min(r[1] for r in rs), min(r[2] for r in rs), max(r[3] for r in rs), max(r[4] for r in rs))
            tmpl.append((lef_layer_gds(tech, name, "drawing"), box))
        xy = _dbu(v.xy_um, dbu)
        for gds, box in tmpl:
            add(gds, np.tile(xy, 2) + _dbu(box, dbu)[None, :])


def _leaf_area(cell, dbu) -> dict:
    """{gds: (area dbu^2, (x1, y1) extent)} of a leaf cell's rectangles, merged."""
    by: dict = {}
    for p in cell.polygons:
        (x0, y0), (x1, y1) = p.bounding_box()
        by.setdefault((p.layer, p.datatype), []).append(_dbu((x0, y0, x1, y1), dbu))
    out = {}
    for gds, rs in by.items():
        pieces, _ = disjoint_pieces(np.array(rs))
        out[gds] = (float(((pieces[:, 2] - pieces[:, 0]) * (pieces[:, 3] - pieces[:, 1])).sum()), rs)
    return out


def _devices(tech, layout: Layout, dbu, add) -> dict:
    """{gds: device area dbu^2}; grids whose leaf overhangs its pitch go to `add`."""
    out: dict = {}
    for g in layout.grids:
        cells = ((leaf.sram6t_cell(tech, g.device_w_um or g.pitch_x_um, g.device_h_um or g.pitch_y_um),) if g.kind == "sram6t"
                 else leaf.rom_device_cells(tech, g.kind))
        px, py = int(_dbu(g.pitch_x_um, dbu)), int(_dbu(g.pitch_y_um, dbu))
        for cell, mask in zip(cells, (g.state > 0, g.state == 2)):
            n = int(mask.sum())
            for gds, (area, rs) in sorted(_leaf_area(cell, dbu).items()):
                rs = np.array(rs)
                if rs[:, 0].min() >= 0 and rs[:, 1].min() >= 0 and rs[:, 2].max() <= px and rs[:, 3].max() <= py:
                    out[gds] = out.get(gds, 0.0) + n * area
                else:
                    r, c = np.nonzero(mask)
                    xy = np.stack([_dbu(g.x_um, dbu) + c * px, _dbu(g.y_um, dbu) + r * py], axis=1)
                    add(gds, _placed_rects(rs, px, py, "N", xy))
    return out


def _layer_names(tech) -> dict:
    names: dict = {}
    for (name, purpose), gds in sorted(tech.layers.items()):
        names.setdefault(tuple(gds), "%s.%s" % (name, purpose))
    return names


def area_report(tech, layout: Layout, placement: dict | None = None) -> dict:
    """Drawn area per GDS layer of `layout` (see the module docstring), in um^2 and um.
    `placement`: the placement's utilization report (SizedMacro.to_json()), whose numbers
    are copied next to ours (per metal: the estimate's wirelength and utilization)."""
    dbu = tech.dbu_per_um
    shapes: dict = {}

    def add(gds, rects):
        shapes.setdefault(tuple(gds), []).append(np.asarray(rects, np.int64).reshape(-1, 4))

    _cell_shapes(tech, layout, dbu, add)
    _via_shapes(tech, layout, dbu, add)
    for r in layout.rects:
        add(tech.metal(r.layer).gds, _dbu(r.rects_um, dbu))
    devices = _devices(tech, layout, dbu, add)
    wires = {tuple(tech.metal(w.layer).gds): w for w in layout.wires}
    um2 = 1.0 / (dbu * dbu)
    pl = placement or {}
    layers = {}
    names = _layer_names(tech)
    for gds in sorted(set(shapes) | set(wires) | set(devices)):
        row = {"gds": list(gds), "name": names.get(gds, "")}
        rects = np.concatenate(shapes[gds]) if gds in shapes else np.zeros((0, 4), np.int64)
        cover, wire_area, wire_len = None, 0.0, 0
        if gds in wires:
            w = wires[gds]
            s = _dbu(w.segments_um, dbu)
            s = s[(s[:, 0] != s[:, 2]) | (s[:, 1] != s[:, 3])]
            horiz = s[:, 1] == s[:, 3]
            main = bool(horiz.sum() >= (~horiz).sum())
            keep = horiz == main
            wd = int(_dbu(w.width_um, dbu))
            a0, a1, c = (s[:, 0], s[:, 2], s[:, 1]) if main else (s[:, 1], s[:, 3], s[:, 0])
            cover = TrackCover(c[keep], a0[keep], a1[keep], wd)
            # Off-direction segments, or tracks closer than a width: exact via the shapes.
            odd = s[~keep] if cover.tracks_disjoint() else s
            if not cover.tracks_disjoint():
                cover = TrackCover(c[:0], a0[:0], a1[:0], wd)
            lo, hi = wd // 2, wd - wd // 2
            rects = np.concatenate([rects, np.stack([np.minimum(odd[:, 0], odd[:, 2]) - np.where(odd[:, 1] == odd[:, 3], 0, lo),
                                                     np.minimum(odd[:, 1], odd[:, 3]) - np.where(odd[:, 1] == odd[:, 3], lo, 0),
                                                     np.maximum(odd[:, 0], odd[:, 2]) + np.where(odd[:, 1] == odd[:, 3], 0, hi),
                                                     np.maximum(odd[:, 1], odd[:, 3]) + np.where(odd[:, 1] == odd[:, 3], hi, 0)], axis=1)])
            wire_area, wire_len = cover.area_dbu2(), cover.length_dbu
            seg_len = int((np.abs(s[:, 2] - s[:, 0]) + np.abs(s[:, 3] - s[:, 1])).sum())
            row["wire_length_um"] = round(seg_len / dbu, 6)  # as drawn: per net (the assigner merged each net's pieces)
            row["wire_union_length_um"] = round(wire_len / dbu, 6)  # minus different-net overlaps (illegal clashes)
            row["wire_area_um2"] = round(wire_area * um2, 6)
        raw = float(((rects[:, 2] - rects[:, 0]) * (rects[:, 3] - rects[:, 1])).sum())
        pieces, n_over = disjoint_pieces(rects)
        union = float(((pieces[:, 2] - pieces[:, 0]) * (pieces[:, 3] - pieces[:, 1])).sum())
        on_wires = 0.0
        if cover is not None and pieces.size:
            h = main
            p0, p1, q0, q1 = (pieces[:, 0], pieces[:, 2], pieces[:, 1], pieces[:, 3]) if h else (pieces[:, 1], pieces[:, 3], pieces[:, 0], pieces[:, 2])
            on_wires = float(cover.overlap(p0, p1, q0, q1).sum())
        dev = devices.get(gds, 0.0)
        row.update({
            "shapes": int(rects.shape[0]),
            "shapes_area_um2": round(raw * um2, 6),
            "shapes_overlapping": n_over,
            "shapes_overlap_um2": round((raw - union) * um2, 6),
            "shapes_on_wires_um2": round(on_wires * um2, 6),
            "device_area_um2": round(dev * um2, 6),
            "area_um2": round((wire_area + union - on_wires + dev) * um2, 6),
        })
        if gds in wires:
            name = wires[gds].layer
            if name in pl.get("wirelength_um", {}):
                row["estimate_wirelength_um"] = pl["wirelength_um"][name]
                row["estimate_metal_utilization"] = pl.get("metal_utilization", {}).get(name)
        layers["%d/%d" % gds] = row
    die = layout.width_um * layout.height_um
    out = {
        "design": layout.name,
        "pdk": tech.name,
        "dbu_per_um": dbu,
        "die": {"width_um": layout.width_um, "height_um": layout.height_um, "area_um2": round(die, 6)},
        "boundary_layer": "%d/%d" % tuple(tech.cell_boundary_gds),
        "layers": layers,
    }
    if layout.tracks:
        out["tracks"] = dict(layout.tracks)
    if placement:
        keys = ("area_um2", "width_um", "height_um", "base_utilization", "metal_utilization", "wirelength_um", "hpwl_um", "instances")
        out["placement"] = {k: placement[k] for k in keys if k in placement}
    return out


def write_report(path, report: dict) -> None:
    """`report` as sorted, indented JSON, written atomically."""
    from romalayout.fileio import atomic_write_text

    atomic_write_text(path, json.dumps(report, indent=1, sort_keys=True) + "\n")
