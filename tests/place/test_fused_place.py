"""Fused floorplan (place/fused.py): bands, site rows between device rows, sizing."""

import numpy as np
import pytest

from romalayout.design import build
from romalayout.place import check_legality
from romalayout.place.fused import bands, choose_bands, fused_partition, size_fused
from romalayout.place.sizing import size_macro


def test_choose_bands_prefers_short_stubs():
    # Enough site rows with one array row per band: k = 1 (shortest stubs).
    k, p = choose_bands(rows=16, need=16, p_min=3.4, cell_h=0.43, sh=2.72, col_pitch=0.52, stub_pitch=0.92)
    assert k == 1 and p == pytest.approx(3.4)
    # More rows needed than one per array row: the pitch grows until the bands hold them.
    k, p = choose_bands(rows=16, need=40, p_min=3.4, cell_h=0.43, sh=2.72, col_pitch=0.52, stub_pitch=0.92)
    assert bands(16, k, p, 0.43, 2.72).site_rows >= 40


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_size_fused_brom_is_legal_and_meets_targets(pdk, request):
    tech = request.getfixturevalue(pdk)
    nl = build(tech, "brom", 64, 32).netlist
    sm = size_fused(nl, tech)
    assert check_legality(sm.placement).ok
    assert sm.targets_met
    part = sm.partition
    assert set(part.logic) == {"fused"} and part.logic["fused"].size == fused_partition(nl, tech).logic["fused"].size
    fp = sm.floorplan
    # devices stacked at band bottoms, row lines on their tracks inside the array
    g = fp.grid
    assert np.allclose(sm.placement.y0_um[part.array], g.device_y_um(part.array_row))
    assert fp.array_rect.y0_um == pytest.approx(g.y0_um)
    # column lines above the cell-blocked layer
    assert sm.rules.blocked_layer not in g.col_slots.layers
    j = sm.to_json()
    assert j["regions"]["fused"]["targets_met"]


def test_plain_sizing_unchanged_by_band_fields(sky130):
    """band_rows = 1 and line_pitch_um = 0 keep the issue-5 grid: device of row r at y0 + r * pitch."""
    sm = size_macro(build(sky130, "brom", 64, 32).netlist, sky130)
    g, part = sm.floorplan.grid, sm.partition
    assert g.band_rows == 1 and g.line_pitch_um == 0
    assert np.allclose(sm.placement.y0_um[part.array], g.y0_um + part.array_row * g.row_pitch_um)
