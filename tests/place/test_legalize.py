"""The row legalizer keeps every cell inside its region and off its neighbours, for any
widths and targets: full rows (whose widths sum to the row only up to float error) and rows
that a cut by equal shares would overfill included."""

import numpy as np
from hypothesis import given, settings, strategies as st

from romalayout.place.floorplan import LogicRegion, Rect
from romalayout.place.placer import _legalize

SW, SH = 0.054, 0.27


@settings(max_examples=200, deadline=None)
@given(
    widths=st.lists(st.integers(1, 14), min_size=1, max_size=80),
    n_rows=st.integers(1, 4),
    slack=st.floats(1.0, 1.6),
    pack=st.sampled_from([None, 0.5, 0.7, 0.9]),
    seed=st.integers(0, 2**16),
)
def test_cells_stay_inside_and_apart(widths, n_rows, slack, pack, seed):
    w = np.array(widths)
    spr = int(np.ceil(w.sum() / n_rows * slack)) + int(w.max())
    region = LogicRegion("r", Rect(0.0, 0.0, spr * SW, n_rows * SH), n_rows, spr, 0.7)
    rng = np.random.default_rng(seed)
    tx = rng.uniform(-1, spr * SW + 1, w.size)
    ty = rng.uniform(0, n_rows * SH, w.size)
    x0, y0 = _legalize(tx, ty, w, region, SW, SH, pack)
    x1 = x0 + w * SW
    assert np.all(x0 >= -1e-9) and np.all(x1 <= spr * SW + 1e-9)
    for y in np.unique(y0):
        i = np.flatnonzero(y0 == y)
        o = np.argsort(x0[i])
        assert np.all(x0[i][o][1:] >= x1[i][o][:-1] - 1e-9)


def test_full_rows_of_a_tall_region_stay_inside():
    """Regression: 1200 full rows packed at density 0.7 put a few cells one site left of the
    region (the row sum of the stretched widths equals the row only up to float error, and
    the accumulation carries an offset of row x a large constant)."""
    for seed in (2, 3, 4):
        rng = np.random.default_rng(seed)
        n_rows = 1200
        w = rng.integers(1, 15, 50 * n_rows)
        spr = int(w.sum() / n_rows * 1.4)
        region = LogicRegion("r", Rect(0.0, 0.0, spr * SW, n_rows * SH), n_rows, spr, 0.7)
        tx = rng.uniform(0, spr * SW, w.size)
        ty = rng.uniform(0, n_rows * SH, w.size)
        x0, _ = _legalize(tx, ty, w, region, SW, SH, 0.7)
        assert np.all(x0 >= 0) and np.all(x0 + w * SW <= spr * SW + 1e-9)
