"""The small designs the GDS tests share: sized, placed and track-assigned once per session
(sizing and track assignment dominate the GDS tests' time)."""

import pytest

from romalayout.design import build
from romalayout.gds.adapt import assigned_routes, layout_from_sized
from romalayout.place.sizing import size_macro
from romalayout.tech import load_technology

SMALL = [(p, k) for p in ("sky130", "asap7") for k in ("rom", "brom", "sram")] + [("sky130", "compute")]


@pytest.fixture(scope="session")
def small_designs():
    """{(pdk, kind): (tech, sized macro, track assignment, Layout)} for 32 x 8 designs, seed 1,
    and the compute cell of group 1 (684 standard cells)."""
    out = {}
    for pdk, kind in SMALL:
        tech = load_technology(pdk)
        design = build(tech, kind, None, None, group=1) if kind == "compute" else build(tech, kind, 32, 8, seed=1)
        sm = size_macro(design.netlist, tech)
        asg = assigned_routes(sm)
        out[(pdk, kind)] = (tech, sm, asg, layout_from_sized(sm, assigned=asg))
    return out
