"""Leaf models and cost tables: every role cell's Yosys-gate model has the cell's truth table."""

import pytest

from romalayout.costs import cell_cost, gate_costs, transistor_costs, type_model
from romalayout.errors import InputError
from romalayout.export.models import leaf_model, truth_tables, var_masks
from romalayout.netlist.logic import cell_type

from tests.export.designs import rom

# kernel/cost.h of Yosys 0.23 (cmos_gate_cost) and stat.cc's DFF cost, as run on 0.23.
YOSYS_023 = {"$_BUF_": 1, "$_NOT_": 2, "$_AND_": 6, "$_NAND_": 4, "$_OR_": 6, "$_NOR_": 4, "$_ANDNOT_": 6,
             "$_ORNOT_": 6, "$_XOR_": 12, "$_XNOR_": 12, "$_AOI3_": 6, "$_OAI3_": 6, "$_AOI4_": 8,
             "$_OAI4_": 8, "$_MUX_": 12, "$_NMUX_": 10, "$_DFF_P_": 16, "$_DFF_N_": 16}


def test_cost_table_is_yosys_023():
    assert gate_costs() == YOSYS_023


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_every_role_model_matches_its_function(pdk, request):
    tech = request.getfixturevalue(pdk)
    costs = gate_costs()
    for role, r in sorted(tech.roles.items()):
        c = tech.cells[r.cell]
        m = leaf_model(c.name, c.inputs, c.outputs, c.function, costs)
        if c.function.startswith("sequential"):
            assert m.sequential and cell_cost(tech, c.name, "yosys-cmos") in (16, 18)
            continue
        full, masks = var_masks(len(c.inputs))
        got = m.evaluate(dict(zip(c.inputs, masks)), full)
        assert got == truth_tables(c.function, c.inputs), (pdk, role)
        assert cell_cost(tech, c.name, "yosys-cmos") == sum(costs[g] for g, _, _ in m.gates)
        assert cell_cost(tech, c.name, "pdk") == c.transistors


@pytest.mark.parametrize("pdk", ["sky130", "asap7"])
def test_single_gate_cells_map_to_one_yosys_gate(pdk, request):
    tech = request.getfixturevalue(pdk)
    expect = {"inv": ["$_NOT_"], "nand2": ["$_NAND_"], "nor2": ["$_NOR_"], "aoi21": ["$_AOI3_"], "oai21": ["$_OAI3_"],
              "buf": ["$_NOT_", "$_NOT_"]}
    for role, gates in expect.items():
        m = type_model(cell_type(tech, tech.roles[role].cell))
        assert [g for g, _, _ in m.gates] == gates, role


def test_model_of_wide_cell_uses_shannon_and_is_exact():
    f = "Y=(A&B&C)|(D&E&!F)|(A^F)"
    ins = ("A", "B", "C", "D", "E", "F")
    m = leaf_model("wide", ins, ("Y",), f, gate_costs())
    full, masks = var_masks(6)
    assert m.evaluate(dict(zip(ins, masks)), full) == truth_tables(f, ins)


def test_bad_functions_are_refused():
    with pytest.raises(InputError, match="uses 'Q'"):
        truth_tables("Y=A&Q", ("A",), "x")
    with pytest.raises(InputError, match="not OUTPUT=EXPRESSION"):
        truth_tables("Y", ("A",), "x")
    with pytest.raises(InputError, match="no value for outputs"):
        leaf_model("x", ("A",), ("Z",), "Y=A", gate_costs())


def test_transistor_costs_per_type(sky130):
    n, _ = rom(sky130, 4, 3)
    pdk = transistor_costs(sky130, n, "pdk")
    ys = transistor_costs(sky130, n, "yosys-cmos")
    for i, t in enumerate(n.types):
        if t.kind in ("nmos", "pmos"):
            assert pdk[i] == ys[i] == 1
        else:
            assert pdk[i] == sky130.cells[t.name].transistors
    with pytest.raises(InputError, match="cost table 'area'"):
        transistor_costs(sky130, n, "area")
    with pytest.raises(InputError, match="not in PDK"):
        cell_cost(sky130, "nope", "pdk")
