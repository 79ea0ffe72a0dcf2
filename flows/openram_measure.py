"""Measure OpenRAM macros from their own outputs: GDS (gdstk), SPICE netlist, LEF and run log.

Used by flows/calibrate_openram.py. Needs gdstk and shapely (romalayout dependencies), not OpenRAM.

Footprint basis: the bounding box of the macro's top cell in its GDS, which includes OpenRAM's
supply ring (for the ROM, the LEF SIZE leaves the ring out; for the SRAM, LEF SIZE = GDS bbox).
Transistor count: device lines of the netlist flattened from the top subckt (each M line, and
each X line whose model is a sky130_fd_pr__* device, counts 1), and the same weighted by m=.
"""

from __future__ import annotations

import collections
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

# sky130 GDS layers: met3 (70/20) carries the horizontal sides of OpenRAM's supply ring, met4 (71/20) the vertical ones;
# 235/4 is the prBoundary layer that OpenRAM's add_boundary() draws.
RING_LAYERS = {(70, 20), (71, 20)}
BOUNDARY_LAYER = (235, 4)


# ---------------------------------------------------------------------------------------------
# SPICE

@dataclass
class Netlist:
    """Subckts of one .sp file: devices (m multipliers) and instances (subckt names) of each."""

    devices: dict = field(default_factory=dict)    # subckt -> list of m multipliers, one per device line
    instances: dict = field(default_factory=dict)  # subckt -> list of instantiated subckt names
    order: list = field(default_factory=list)

    def flat_devices(self, name: str, _memo=None) -> tuple[int, int]:
        """(device lines, m-weighted devices) of subckt `name`, flattened."""
        memo = {} if _memo is None else _memo
        if name in memo:
            return memo[name]
        if name not in self.devices:
            raise KeyError("subckt %s is not defined in the netlist" % name)
        lines = len(self.devices[name])
        weighted = sum(self.devices[name])
        for sub in self.instances[name]:
            a, b = self.flat_devices(sub, memo)
            lines += a
            weighted += b
        memo[name] = (lines, weighted)
        return lines, weighted


def read_spice(path: Path) -> Netlist:
    """Parse the subckts of a SPICE file (continuation lines joined; comments skipped)."""
    logical = []
    for raw in path.read_text().splitlines():
        if raw.startswith("+") and logical:
            logical[-1] += " " + raw[1:]
        else:
            logical.append(raw)
    net = Netlist()
    current = None
    for line in logical:
        toks = line.split()
        if not toks or toks[0].startswith("*"):
            continue
        head = toks[0].upper()
        if head == ".SUBCKT":
            current = toks[1]
            net.devices[current], net.instances[current] = [], []
            net.order.append(current)
        elif head == ".ENDS":
            current = None
        elif current is not None and head[0] in "MX":
            positional = [t for t in toks if "=" not in t]
            model = positional[-1]
            if head[0] == "M" or model.lower().startswith("sky130_fd_pr__"):
                m = [t.split("=", 1)[1] for t in toks if t.lower().startswith("m=")]
                net.devices[current].append(int(float(m[0])) if m else 1)
            else:
                net.instances[current].append(model)
    return net


# ---------------------------------------------------------------------------------------------
# GDS geometry

def _rect_union_area(rects) -> float:
    from shapely.geometry import box
    from shapely.ops import unary_union

    return unary_union([box(*r) for r in rects]).area if rects else 0.0


def _transform_box(box4, origin, rotation, x_reflection, magnification=1.0):
    """Box (x0, y0, x1, y1) in a child's frame -> its parent's frame (GDS order: reflect, scale, rotate, move)."""
    x0, y0, x1, y1 = box4
    c, s = round(math.cos(rotation)), round(math.sin(rotation))  # OpenRAM rotates by multiples of 90 degrees
    pts = []
    for x, y in ((x0, y0), (x1, y1)):
        if x_reflection:
            y = -y
        x, y = x * magnification, y * magnification
        pts.append((origin[0] + c * x - s * y, origin[1] + s * x + c * y))
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _ref_count(ref) -> int:
    return ref.repetition.size if ref.repetition is not None and ref.repetition.size else 1


def cell_box(cell) -> tuple:
    """A cell's size box: its prBoundary rectangle where it has one, else its bounding box."""
    bnd = [p.bounding_box() for p in cell.polygons if (p.layer, p.datatype) == BOUNDARY_LAYER]
    if bnd:
        (x0, y0), (x1, y1) = bnd[0]
    else:
        (x0, y0), (x1, y1) = cell.bounding_box()
    return (x0, y0, x1, y1)


def pitch(values) -> float | None:
    """The most common positive spacing between sorted distinct coordinates (None for fewer than two)."""
    xs = sorted({round(v, 3) for v in values})
    diffs = [round(b - a, 3) for a, b in zip(xs, xs[1:]) if b - a > 1e-6]
    if not diffs:
        return None
    counts = collections.Counter(diffs)
    best = max(counts.values())
    return min(d for d, n in counts.items() if n == best)


# ---------------------------------------------------------------------------------------------
# block hierarchy

# Cells expanded into their own blocks (short names, regexes). Everything else is a leaf block.
EXPAND = {
    "rom": [r"rom_base_array$", r"rom_row_decode$", r"rom_column_decode$"],
    "sram": [r"bank$", r"port_data(_\d+)?$", r"port_address(_\d+)?$", r"capped_replica_bitcell_array(_\d+)?$",
             r"replica_bitcell_array(_\d+)?$"],
}
# Children merged into one block under a common name (short-name regex -> block name).
MERGE = {
    "rom": [(r"rom_base_(one|zero)_cell$|rom_poly_tap(_\d+)?$", "bitcells_and_poly_taps")],
    "sram": [],
}
# Helper cells without a subckt that still occupy area (kept as blocks).
LAYOUT_ONLY = [r"rom_poly_tap(_\d+)?$"]


@dataclass
class Block:
    level: int
    parent: str
    block: str
    cells: list
    count: int
    box: tuple
    transistors: int


def _short(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def _children_blocks(kind, cell, frame, level, parent, prefix, net, memo) -> list:
    """Blocks of one cell's instances, boxes in the top frame (frame: parent transform list)."""
    groups = collections.OrderedDict()
    for ref in cell.references:
        child = ref.cell
        short = _short(child.name, prefix)
        has_circuit = child.name in net.devices
        if not has_circuit and not any(re.search(p, short) for p in LAYOUT_ONLY):
            continue  # contacts, vias: wiring, not blocks
        key = short
        for pattern, merged in MERGE[kind]:
            if re.search(pattern, short):
                key = merged
        (a, b), (c, d) = ref.bounding_box()
        box4 = (a, b, c, d)
        for origin, rotation, refl, mag in reversed(frame):
            box4 = _transform_box(box4, origin, rotation, refl, mag)
        n = _ref_count(ref)
        tr = net.flat_devices(child.name, memo)[0] * n if has_circuit else 0
        g = groups.setdefault(key, {"cells": [], "count": 0, "boxes": [], "tr": 0, "refs": []})
        if child.name not in g["cells"]:
            g["cells"].append(child.name)
        g["count"] += n
        g["boxes"].append(box4)
        g["tr"] += tr
        g["refs"].append(ref)
    out = []
    for key, g in groups.items():
        bx = g["boxes"]
        box4 = (min(b[0] for b in bx), min(b[1] for b in bx), max(b[2] for b in bx), max(b[3] for b in bx))
        blk = Block(level, parent, key, g["cells"], g["count"], box4, g["tr"])
        out.append(blk)
        if g["count"] == 1 and any(re.search(p, key) for p in EXPAND[kind]):
            ref = g["refs"][0]
            sub_frame = frame + [(tuple(ref.origin), ref.rotation, ref.x_reflection, ref.magnification)]
            out.extend(_children_blocks(kind, ref.cell, sub_frame, level + 1, key, prefix, net, memo))
    return out


@dataclass
class Macro:
    kind: str
    name: str
    words: int
    width_um: float
    height_um: float
    bbox: tuple
    lef_size: tuple
    transistors: int
    transistors_m: int
    blocks: list
    ring: dict
    leaves: list
    rows: int | None
    cols: int | None
    words_per_row: int | None


def _ring(top, bbox) -> dict:
    """OpenRAM's supply ring: per side, the band from the bbox edge to the inner edge of the inner ring."""
    x0, y0, x1, y1 = bbox
    w, h = x1 - x0, y1 - y0
    rects = []
    for p in top.polygons:
        if (p.layer, p.datatype) not in RING_LAYERS:
            continue
        (a, b), (c, d) = p.bounding_box()
        if (c - a) >= 0.9 * w or (d - b) >= 0.9 * h:
            rects.append((round(a, 3), round(b, 3), round(c, 3), round(d, 3)))
    rects = sorted(set(rects))  # the ring's rectangles are drawn twice on the drawing layer (shape and pin copy)
    if not rects:
        return {}
    horiz = [r for r in rects if (r[2] - r[0]) >= 0.9 * w]
    vert = [r for r in rects if (r[3] - r[1]) >= 0.9 * h]
    mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
    sides = {
        "left": max(r[2] for r in vert if r[2] < mid_x) - x0,
        "right": x1 - min(r[0] for r in vert if r[0] > mid_x),
        "bottom": max(r[3] for r in horiz if r[3] < mid_y) - y0,
        "top": y1 - min(r[1] for r in horiz if r[1] > mid_y),
    }
    strap_widths = sorted({round(r[3] - r[1], 3) for r in horiz} | {round(r[2] - r[0], 3) for r in vert})
    return {"band_um": sides, "rails": len(rects) // 4, "rail_width_um": strap_widths}


# (leaf label, container short-name regex, child short-name regex)
LEAVES = {
    "rom": [
        ("ROM bitcell (rom_base_cell)", r"rom_base_array$", r"rom_base_(one|zero)_cell$"),
        ("ROM poly tap (every 8 columns)", r"rom_base_array$", r"rom_poly_tap$"),
        ("ROM precharge cell", r"rom_precharge_array$", r"precharge_cell$"),
        ("ROM column mux cell", r"rom_column_mux_array$", r"rom_column_mux$"),
        ("ROM bitline inverter (pinv_dec)", r"rom_bitline_inverter$", r"pinv_dec"),
        ("ROM output buffer (pinv_dec)", r"rom_output_buffer$", r"pinv_dec"),
        ("ROM wordline driver (pbuf_dec)", r"rom_row_decode_wordline_buffer$", r"pbuf_dec"),
        ("ROM row-decoder NAND cell", r"rom_row_decode_array$", r"rom_base_(one|zero)_cell$"),
        ("ROM address control buffer", r"rom_address_control_array$", r"rom_address_control_buf"),
    ],
    "sram": [
        ("SRAM 6T bitcell", r"(?<!replica_)(?<!dummy_)bitcell_array(_\d+)?$", r"sram_sp_cell_opt1(a)?$"),
        ("SRAM wordline strap", r"(?<!replica_)(?<!dummy_)bitcell_array(_\d+)?$", r"wlstrap"),
        ("SRAM wordline driver", r"wordline_driver_array(_\d+)?$", r"wordline_driver(_\d+)?$"),
        ("SRAM row decoder and gate (and2/and3_dec)", r"hierarchical_decoder(_\d+)?$", r"and[234]_dec(_\d+)?$"),
        ("SRAM precharge cell", r"precharge_array(_\d+)?$", r"precharge(_\d+)?$"),
        ("SRAM column mux cell", r"column_mux_array(_\d+)?$", r"column_mux(_\d+)?$"),
        ("SRAM sense amp", r"sense_amp_array(_\d+)?$", r"sense_amp"),
        ("SRAM write driver", r"write_driver_array(_\d+)?$", r"write_driver"),
        ("SRAM flip-flop (dff)", r"data_dff$", r"dff$"),
    ],
}


def _leaves(kind, cells, prefix) -> list:
    out = []
    for label, container_re, child_re in LEAVES[kind]:
        containers = [c for n, c in cells.items() if re.search(container_re, _short(n, prefix))]
        found = None
        for cont in sorted(containers, key=lambda c: c.name):
            refs = [r for r in cont.references if re.search(child_re, _short(r.cell.name, prefix))]
            if refs:
                found = (cont, refs)
                break
        if not found:
            out.append({"leaf": label, "container": "", "cell": "", "count": 0})
            continue
        cont, refs = found
        names = sorted({r.cell.name for r in refs})
        x0, y0, x1, y1 = cell_box(refs[0].cell)
        rotated = round(math.sin(refs[0].rotation)) != 0
        w, h = (y1 - y0, x1 - x0) if rotated else (x1 - x0, y1 - y0)
        # Each instance's cell box placed in the container, not its origin: a mirrored instance has its
        # origin on the far edge, and shapes overhanging the cell box would blur the pitch.
        boxes = [_transform_box(cell_box(r.cell), r.origin, r.rotation, r.x_reflection, r.magnification) for r in refs]
        xs = sorted({round(b[0], 3) for b in boxes})
        ys = sorted({round(b[1], 3) for b in boxes})
        span_x = max(b[2] for b in boxes) - min(b[0] for b in boxes)
        span_y = max(b[3] for b in boxes) - min(b[1] for b in boxes)
        out.append({
            "leaf": label, "container": _short(cont.name, prefix), "cell": ", ".join(_short(n, prefix) for n in names),
            "count": sum(_ref_count(r) for r in refs), "width_um": round(w, 3), "height_um": round(h, 3),
            "pitch_x_um": pitch(xs), "pitch_y_um": pitch(ys),
            # span / distinct positions: the pitch including whatever sits between instances (straps, taps)
            "columns": len(xs), "rows": len(ys),
            "avg_pitch_x_um": round(span_x / len(xs), 4), "avg_pitch_y_um": round(span_y / len(ys), 4),
        })
    return out


def _log_shape(kind: str, log_text: str):
    """(rows, cols, words_per_row) as OpenRAM's log states them."""
    if kind == "rom":
        m = re.findall(r"set number of cols to (\d+), rows to (\d+), with (\d+) words per row", log_text)
        if m:
            cols, rows, wpr = m[-1]
            return int(rows), int(cols), int(wpr)
        return None, None, None
    rc = re.findall(r"Rows: (\d+) Cols: (\d+)", log_text)
    wpr = re.findall(r"(?:Words Per Row=|words per row: )(\d+)", log_text)
    return (int(rc[-1][0]) if rc else None, int(rc[-1][1]) if rc else None, int(wpr[-1]) if wpr else None)


def measure_macro(kind: str, words: int, out_dir: Path, name: str) -> Macro:
    """Every measurement of one finished macro (see the module docstring for the bases)."""
    import gdstk

    lib = gdstk.read_gds(str(out_dir / (name + ".gds")))
    cells = {c.name: c for c in lib.cells}
    top = cells[name]
    (x0, y0), (x1, y1) = top.bounding_box()
    bbox = (x0, y0, x1, y1)
    net = read_spice(out_dir / (name + ".sp"))
    memo = {}
    tl, tm = net.flat_devices(name, memo)
    lef = (out_dir / (name + ".lef")).read_text()
    m = re.search(r"SIZE\s+([\d.]+)\s+BY\s+([\d.]+)", lef)
    lef_size = (float(m.group(1)), float(m.group(2))) if m else (None, None)
    prefix = name + "_"
    blocks = _children_blocks(kind, top, [], 1, "", prefix, net, memo)
    log = out_dir / (name + ".log")
    rows, cols, wpr = _log_shape(kind, log.read_text() if log.exists() else "")
    return Macro(kind, name, words, x1 - x0, y1 - y0, bbox, lef_size, tl, tm, blocks, _ring(top, bbox),
                 _leaves(kind, cells, prefix), rows, cols, wpr)


def failure_reason(run_log: Path) -> str:
    """The last line of a failed OpenRAM run's log that names an error (its exception, usually)."""
    if not run_log.exists():
        return ""
    lines = [ln.strip() for ln in run_log.read_text(errors="replace").splitlines() if ln.strip()]
    errors = [ln for ln in lines if re.match(r"^\w*(Error|Exception)\b|^ERROR", ln)]
    return (errors[-1] if errors else (lines[-1] if lines else ""))[:200]


def area_accounting(mac: Macro) -> dict:
    """bbox = ring (bbox minus core bbox) + channels (core bbox minus union of top blocks) + union of top blocks.

    The core bbox is the bounding box of the top cell's level-1 blocks.
    """
    top_blocks = [b.box for b in mac.blocks if b.level == 1]
    cx0 = min(b[0] for b in top_blocks)
    cy0 = min(b[1] for b in top_blocks)
    cx1 = max(b[2] for b in top_blocks)
    cy1 = max(b[3] for b in top_blocks)
    core = (cx0, cy0, cx1, cy1)
    core_area = (cx1 - cx0) * (cy1 - cy0)
    union = _rect_union_area(top_blocks)
    bbox_area = mac.width_um * mac.height_um
    return {"core": core, "core_area": core_area, "union_area": union, "ring_area": bbox_area - core_area,
            "channels_area": core_area - union, "bbox_area": bbox_area}
