"""The compiler floorplan (romalayout.place.compiler) and the fold choice (romalayout.place.plan)."""

import itertools

import numpy as np
import pytest

from romalayout.errors import InputError
from romalayout.gen import macro
from romalayout.gen.fold import Fold
from romalayout.place.compiler import BREAKDOWN_KEYS, breakdown_um2
from romalayout.place.placer import check_legality
from romalayout.place.plan import choose_fold, plan_fold
from romalayout.place.sizing import size_macro


@pytest.fixture(scope="module")
def rom_512x32(request):
    from romalayout.tech import load_technology

    tech = load_technology("sky130")
    bits = np.random.default_rng(0).random((512, 32)) < 0.5
    return tech, size_macro(macro.generate(tech, "rom", bits, Fold(4, 1)), tech)


def test_tap_columns_by_hand(rom_512x32):
    # SKY130 ROM column pitch 0.52 um; taps every floor(2 x 14 / 0.52) = 53 columns
    # (tap distance 14 um, OpenROAD-flow-scripts); 128 columns: ceil(128/53) + 1 = 4 tap
    # columns of tapvpwrvgnd_1 (0.46 um): 128 x 0.52 + 4 x 0.46 = 68.4 um.
    _, sm = rom_512x32
    g = sm.floorplan.grid
    assert (g.tap_every, g.n_taps, g.tap_w_um) == (53, 4, 0.46)
    assert g.width_um == pytest.approx(68.4)
    # Column 53 starts a group: two tap columns lie to its left.
    assert g.col_x_um(53) == pytest.approx(g.x0_um + 53 * 0.52 + 2 * 0.46)
    assert np.all(np.diff(g.tap_x_um()) > 0)


def test_ring_and_breakdown(rom_512x32):
    tech, sm = rom_512x32
    fp = sm.floorplan
    ring = 2 * (1.6 + 0.3)  # two rails of 1.6 um at 0.3 um spacing per side (pdk.toml [macro.power])
    assert fp.ring_um == pytest.approx(ring)
    assert fp.core.width_um == pytest.approx(fp.region.width_um - 2 * ring)
    b = breakdown_um2(fp, sm.partition)
    assert tuple(b) == BREAKDOWN_KEYS
    assert sum(b.values()) == pytest.approx(fp.region.area_um2, rel=1e-9)
    ring_area = fp.region.area_um2 - fp.core.area_um2
    taps = 4 * 0.46 * fp.grid.height_um
    assert b["power"] == pytest.approx(ring_area + taps)
    assert b["array"] == pytest.approx(128 * 0.52 * 128 * 0.43)  # 128 rows of 0.43 um (base-bound ROM)
    assert b["cgen"] == 0 and min(b.values()) >= -1e-6


def test_regions_tile_the_core(rom_512x32):
    """Strips and the array (with its edge rows) lie inside the core and never overlap."""
    _, sm = rom_512x32
    fp = sm.floorplan
    rects = dict(fp.regions())
    c = fp.core
    for name, r in rects.items():
        assert c.x0_um - 1e-9 <= r.x0_um and r.x1_um <= c.x1_um + 1e-9, name
        assert c.y0_um - 1e-9 <= r.y0_um and r.y1_um <= c.y1_um + 1e-9, name
    for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2):
        w = min(ra.x1_um, rb.x1_um) - max(ra.x0_um, rb.x0_um)
        h = min(ra.y1_um, rb.y1_um) - max(ra.y0_um, rb.y0_um)
        assert w <= 1e-9 or h <= 1e-9, (a, b)
    assert check_legality(sm.placement).ok


def test_plan_matches_the_unsized_floorplan(sky130):
    """Without the array devices the plan draws the same floorplan sizing starts from."""
    bits = np.random.default_rng(5).random((256, 16)) < 0.5
    p = plan_fold(sky130, "brom", bits, Fold(2, 1))
    sm = size_macro(macro.generate(sky130, "brom", bits, Fold(2, 1)), sky130, max_iter=1)
    assert (p.width_um, p.height_um) == pytest.approx((sm.floorplan.region.width_um, sm.floorplan.region.height_um))


def test_choose_fold_rules(sky130):
    bits = np.random.default_rng(6).random((1024, 32)) < 0.5
    fold, plans = choose_fold(sky130, "rom", bits, max_aspect=2.0)
    ok = [p for p in plans if p.aspect_ratio <= 2.0]
    assert ok and fold == min(ok, key=lambda p: p.area_um2).fold
    # Pinning words per row keeps it; a tight bound that no fold meets gives the squarest.
    fold4, plans4 = choose_fold(sky130, "rom", bits, words_per_row=4)
    assert fold4.words_per_row == 4 and all(p.fold.words_per_row == 4 for p in plans4)
    fold_sq, plans_sq = choose_fold(sky130, "rom", bits, max_aspect=1.0)
    assert fold_sq == min(plans_sq, key=lambda p: p.aspect_ratio).fold
    with pytest.raises(InputError, match="no fold with words per row 32 holds a rom of 1000 x 8"):
        choose_fold(sky130, "rom", bits[:1000, :8], words_per_row=32)


def test_landing_tracks_raise_the_brom_row(sky130, asap7):
    """A B-ROM block row's 15 candidate lines, plus one landing track on every horizontal
    layer below the highest used (the stacks from the gates to the higher lines land there):
    SKY130 10 met1 + 1 landing = 11 x 0.34 = 3.74 um (5 met3 x 0.68 = 3.40 fits beside);
    ASAP7 6 M2 + 1 = 7 x 0.036 = 0.252 um (M4 5 x 0.048 = 0.24, M6 3 x 0.064, M8 3 x 0.08 = 0.24)."""
    from romalayout.place.floorplan import FloorplanSpec, grid_from_lines
    from romalayout.place.rules import default_rules

    for tech, pitch in ((sky130, 3.74), (asap7, 0.252)):
        g = grid_from_lines(tech, 4, 4, False, 15, 1, default_rules(tech), FloorplanSpec(), landing=True)
        assert g.row_pitch_um == pytest.approx(pitch)
        without = grid_from_lines(tech, 4, 4, False, 15, 1, default_rules(tech), FloorplanSpec())
        assert without.row_pitch_um == pytest.approx({3.74: 3.4, 0.252: 0.216}[pitch])
