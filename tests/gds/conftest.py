"""The small designs the GDS tests share: sized, placed and track-assigned once per session
(sizing and track assignment dominate the GDS tests' time)."""

import pytest

from romalayout.design import build
from romalayout.gds.adapt import assigned_routes, layout_from_sized
from romalayout.place.sizing import size_macro
from romalayout.tech import load_technology

SMALL = [(p, k) for p in ("sky130", "asap7") for k in ("rom", "brom", "sram")]


@pytest.fixture(scope="session")
def small_designs():
    """{(pdk, kind): (tech, sized macro, track assignment, Layout)} for 32 x 8 designs, seed 1."""
    out = {}
    for pdk, kind in SMALL:
        tech = load_technology(pdk)
        sm = size_macro(build(tech, kind, 32, 8, seed=1).netlist, tech)
        asg = assigned_routes(sm)
        out[(pdk, kind)] = (tech, sm, asg, layout_from_sized(sm, assigned=asg))
    return out
