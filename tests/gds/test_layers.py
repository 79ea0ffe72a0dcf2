"""Layer map from the PDK table and the .lyp (golden files, KLayout loads them)."""

import os
import re
from pathlib import Path

import pytest

from romalayout.gds.layers import layer_entries, lyp_text

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("ROMALAYOUT_UPDATE_GOLDEN") == "1"


def test_known_layer_numbers(sky130, asap7):
    s = {n: g for n, g, _ in layer_entries(sky130)}
    assert s["met1.drawing"] == (68, 20) and s["met1.pin"] == (68, 16) and s["li1.drawing"] == (67, 20)
    assert s["via"] == (68, 44) and s["diff (diffusion)"] == (65, 20) and s["boundary"] == (81, 4)
    a = {n: g for n, g, _ in layer_entries(asap7)}
    assert a["M1.drawing"] == (19, 0) and a["M2.drawing"] == (20, 0) and a["V1"] == (21, 0)
    assert a["M1.pin"] == (19, 251) and a["Gate (poly)"] == (7, 0) and a["boundary"] == (100, 0)


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_lyp_golden_and_distinct_colours(pdk, request):
    tech = request.getfixturevalue(pdk)
    text = lyp_text(tech)
    path = GOLDEN / ("lyp_%s.lyp" % pdk)
    if UPDATE:
        path.write_text(text)
    assert path.exists(), "missing %s: run with ROMALAYOUT_UPDATE_GOLDEN=1" % path
    assert text == path.read_text(), "%s changed; if intended, regenerate with ROMALAYOUT_UPDATE_GOLDEN=1" % path
    colours = re.findall(r"<fill-color>(#[0-9a-f]{6})</fill-color>", text)
    sources = re.findall(r"<source>(\d+)/(\d+)@1</source>", text)
    assert len(colours) == len(sources) == len(layer_entries(tech))
    assert len(set(colours)) == len(colours)
    assert {(int(a), int(b)) for a, b in sources} == {g for _, g, _ in layer_entries(tech)}


def test_klayout_loads_the_lyp(tmp_path, asap7):
    import klayout.lay as lay

    p = tmp_path / "a.lyp"
    p.write_text(lyp_text(asap7))
    view = lay.LayoutView()
    view.load_layer_props(str(p))
    names = []
    it = view.begin_layers()
    while not it.at_end():
        names.append(it.current().name)
        it.next()
    assert "M1.drawing 19/0" in names and len(names) == len(layer_entries(asap7))
