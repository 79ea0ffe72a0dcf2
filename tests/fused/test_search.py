"""The fused-cell search (romalayout.fused.designs.search_fused)."""

from romalayout.fused.designs import fused, layer_sets, make_slice, search_fused


def test_layer_sets_by_hand():
    # All layers first, then runs from the bottom, then runs from the top.
    assert layer_sets(("M2", "M4", "M6", "M8")) == [
        ("M2", "M4", "M6", "M8"), ("M2",), ("M2", "M4"), ("M2", "M4", "M6"), ("M4", "M6", "M8"), ("M6", "M8"), ("M8",)]
    assert layer_sets(("met1", "met3")) == [("met1", "met3"), ("met1",), ("met3",)]


def test_search_picks_the_least_area(sky130):
    sl = make_slice(sky130, 16, 4, 2, cycles=2, style="compiler")
    best, tried = search_fused(sl)
    # Two folds (the chosen one and twice its words per row) x three layer sets.
    assert len(tried) == 6 and sum(r.get("chosen", False) for r in tried) == 1
    chosen = next(r for r in tried if r.get("chosen"))
    ok = [r for r in tried if r["targets_met"]] or tried
    assert chosen["area_um2"] == min(r["area_um2"] for r in ok)
    assert best.rules.horizontal == tuple(chosen["row_layers"]) and best.fold("brom").words_per_row == chosen["words_per_row"]
    assert round(fused(best, with_power=False).area_um2, 3) == chosen["area_um2"]
