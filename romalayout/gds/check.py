"""Geometric checks of a written GDS with KLayout, and our own per-layer area report.

`klayout_areas_um2` reads the file back with KLayout (an independent GDS reader) and merges
each layer over the whole hierarchy; `library_areas_um2` computes the same from the gdstk
library before writing, with gdstk's own boolean engine. They agree when the file holds
what was built (units, repetitions, orientations)."""

from __future__ import annotations

from pathlib import Path

import gdstk


def _klayout_region(layout, layer_index):
    import klayout.db as kdb

    top = layout.top_cell()
    return kdb.Region(top.begin_shapes_rec(layer_index)).merged()


def read_klayout(path: str | Path):
    """A klayout.db.Layout of the GDS at `path` (raises RuntimeError if KLayout cannot read it)."""
    import klayout.db as kdb

    layout = kdb.Layout()
    layout.read(str(path))
    return layout


def klayout_areas_um2(path: str | Path) -> dict[tuple[int, int], float]:
    """Merged area per (layer, datatype) over the whole hierarchy, read by KLayout."""
    layout = read_klayout(path)
    out: dict[tuple[int, int], float] = {}
    for li in layout.layer_indexes():
        info = layout.get_info(li)
        area_dbu2 = _klayout_region(layout, li).area()
        if area_dbu2:
            out[(info.layer, info.datatype)] = area_dbu2 * layout.dbu * layout.dbu
    return out


def library_areas_um2(lib: gdstk.Library, top: str = "top") -> dict[tuple[int, int], float]:
    """Merged area per (layer, datatype) of `lib`'s top cell, flattened and merged with
    gdstk (for small designs: it expands every reference)."""
    cell = next(c for c in lib.cells if c.name == top)
    by_layer: dict[tuple[int, int], list] = {}
    for p in cell.get_polygons(apply_repetitions=True, include_paths=True):
        by_layer.setdefault((p.layer, p.datatype), []).append(p)
    out = {}
    for key, polys in sorted(by_layer.items()):
        merged = gdstk.boolean(polys, [], "or", precision=lib.precision / lib.unit)
        out[key] = float(sum(p.area() for p in merged))
    return out


def rule_violations(path: str | Path, gds: tuple[int, int], width_um: float, spacing_um: float) -> tuple[int, int]:
    """(width violations, spacing violations) of the merged drawing on GDS layer `gds`,
    with KLayout's Region.width_check / space_check (euclidian metrics)."""
    layout = read_klayout(path)
    li = layout.find_layer(gds[0], gds[1])
    if li is None:
        return 0, 0
    region = _klayout_region(layout, li)
    to_dbu = 1.0 / layout.dbu
    w = region.width_check(int(round(width_um * to_dbu)))
    s = region.space_check(int(round(spacing_um * to_dbu)))
    return w.count(), s.count()


def top_cell_name(path: str | Path) -> str:
    """Name of the single top cell of a GDS, read by KLayout."""
    layout = read_klayout(path)  # keep it alive: the cell object dies with its layout
    return layout.top_cell().name
