"""Technology data against the LEF/CDL facts, and the loader's validation."""

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from romalayout.errors import TechnologyError
from romalayout.tech import available_pdks, load_technology

REPO = Path(__file__).resolve().parents[2]

# (cell, width_um, height_um, transistors = CDL device lines), read off the LEF SIZE and CDL.
SKY130_CELLS = [
    ("sky130_fd_sc_hd__inv_1", 1.38, 2.72, 2),
    ("sky130_fd_sc_hd__nand2_1", 1.38, 2.72, 4),
    ("sky130_fd_sc_hd__and2_1", 2.30, 2.72, 6),
    ("sky130_fd_sc_hd__mux2_1", 4.14, 2.72, 12),
    ("sky130_fd_sc_hd__fa_1", 7.36, 2.72, 28),
    ("sky130_fd_sc_hd__dfxtp_1", 7.36, 2.72, 24),
    ("sky130_fd_sc_hd__xor2_1", 3.22, 2.72, 10),
]
ASAP7_CELLS = [
    ("INVx1_ASAP7_75t_R", 0.162, 0.270, 2),
    ("NAND2xp33_ASAP7_75t_R", 0.216, 0.270, 4),
    ("NOR2xp33_ASAP7_75t_R", 0.216, 0.270, 4),
    ("AND2x2_ASAP7_75t_R", 0.324, 0.270, 6),
    ("FAx1_ASAP7_75t_R", 0.756, 0.270, 24),
    ("DFFHQNx1_ASAP7_75t_R", 1.080, 0.270, 24),
    ("XOR2xp5_ASAP7_75t_R", 0.486, 0.270, 10),
]


def test_available():
    assert available_pdks() == ["asap7", "sky130"]


@pytest.mark.parametrize("name,w,h,n", SKY130_CELLS)
def test_sky130_cells(sky130, name, w, h, n):
    c = sky130.cells[name]
    assert (c.width_um, c.height_um, c.transistors) == pytest.approx((w, h, n))


@pytest.mark.parametrize("name,w,h,n", ASAP7_CELLS)
def test_asap7_cells(asap7, name, w, h, n):
    c = asap7.cells[name]
    assert (c.width_um, c.height_um, c.transistors) == pytest.approx((w, h, n))


def test_sky130_multiplicity_counts_fingers(sky130):
    inv16 = sky130.cells["sky130_fd_sc_hd__inv_16"]
    assert inv16.transistors == 2 and inv16.transistor_multiplicity == 32


def test_metal_stacks(sky130, asap7):
    met1 = sky130.metal("met1")
    assert (met1.direction, met1.pitch_um, met1.width_um, met1.gds) == ("horizontal", 0.34, 0.14, (68, 20))
    assert [m.name for m in sky130.metals] == ["li1", "met1", "met2", "met3", "met4", "met5"]
    assert sky130.metal("met5").pitch_um == 3.4
    m2 = asap7.metal("M2")
    assert (m2.direction, m2.pitch_um, m2.gds) == ("horizontal", 0.036, (20, 0))
    assert asap7.metal("M1").gds == (19, 0) and asap7.metal("M9").gds == (90, 0)
    assert [asap7.metal("M%d" % i).pitch_um for i in (4, 6, 8)] == [0.048, 0.064, 0.080]
    # directions alternate up each stack
    for tech in (sky130, asap7):
        dirs = [m.direction for m in tech.metals]
        assert all(a != b for a, b in zip(dirs, dirs[1:]))


def test_units_site_bitcells(sky130, asap7):
    assert sky130.dbu_per_um == 1000 and asap7.dbu_per_um == 4000
    assert (sky130.site_width_um, sky130.site_height_um) == (0.46, 2.72)
    assert (asap7.site_width_um, asap7.site_height_um) == (0.054, 0.27)
    assert sky130.sram6t_um2 == pytest.approx(1.896)
    assert asap7.sram6t_um2 == pytest.approx(0.02916)
    # The ROM cell is one transistor: it must be well under the 6T cell in both PDKs.
    for t in (sky130, asap7):
        assert 0 < t.rom_bitcell.area_um2 < t.sram6t_um2 / 4
    assert asap7.rom_bitcell.height_um == pytest.approx(asap7.site_width_um)  # CPP = site width


def test_base_layers_and_vias(sky130, asap7):
    assert sky130.base_layers["diffusion"].gds == (65, 20)
    assert sky130.base_layers["poly"].gds == (66, 20)
    assert asap7.base_layers["diffusion"].gds == (11, 0)
    assert asap7.base_layers["poly"].gds == (7, 0)
    assert [c.name for c in asap7.cuts][:2] == ["V1", "V2"] and asap7.cuts[0].gds == (21, 0)
    assert sky130.cuts[0].name == "mcon" and sky130.cuts[0].r_ohm_per_cut == pytest.approx(9.3)


def test_liberty_values(sky130, asap7):
    inv = sky130.cells["sky130_fd_sc_hd__inv_1"]
    assert inv.input_cap_pf["A"] == pytest.approx(0.002302)
    assert asap7.cells["INVx1_ASAP7_75t_R"].leakage_nw == pytest.approx(0.0511588)
    assert sky130.metal("met1").c_pf_per_um == pytest.approx(8.4743e-05)


def test_roles_bind_real_cells(sky130, asap7):
    for tech in (sky130, asap7):
        for role in ("inv", "nand2", "nor2", "and2", "or2", "xor2", "fa", "dff"):
            assert tech.role_cell(role).transistors > 0
    assert asap7.roles["fa"].invert == ("S", "CO")


def test_immutable(sky130):
    with pytest.raises(dataclasses.FrozenInstanceError):
        sky130.name = "x"
    with pytest.raises(TypeError):
        sky130.cells["x"] = None


def test_unknown_pdk_lists_available():
    with pytest.raises(TechnologyError, match=r"unknown PDK 'gf180', expected one of: asap7, sky130"):
        load_technology("gf180")


def test_broken_number_names_file_field_value(pdk_copy):
    p = pdk_copy / "sky130" / "cells.csv"
    p.write_text(p.read_text().replace("sky130_fd_sc_hd__inv_1,1.38,", "sky130_fd_sc_hd__inv_1,wide,", 1))
    with pytest.raises(TechnologyError) as e:
        load_technology("sky130", root=pdk_copy)
    msg = str(e.value)
    assert "cells.csv" in msg and "width_um" in msg and "'wide'" in msg and "inv_1" in msg


def test_missing_toml_field(pdk_copy):
    p = pdk_copy / "asap7" / "pdk.toml"
    p.write_text(p.read_text().replace('site = "asap7sc7p5t"\n', ""))
    with pytest.raises(TechnologyError, match=r"pdk.toml: missing field site"):
        load_technology("asap7", root=pdk_copy)


def test_bad_direction(pdk_copy):
    p = pdk_copy / "asap7" / "metal_stack.csv"
    p.write_text(p.read_text().replace("asap7,M2,ROUTING,HORIZONTAL", "asap7,M2,ROUTING,DIAGONAL"))
    with pytest.raises(TechnologyError, match=r"metal_stack.csv: row 'M2': field direction is 'DIAGONAL'"):
        load_technology("asap7", root=pdk_copy)


def test_third_pdk_is_data_only(pdk_copy):
    """A new directory with the same files is a new PDK: no code change."""
    import shutil

    shutil.copytree(pdk_copy / "sky130", pdk_copy / "sky130b")
    p = pdk_copy / "sky130b" / "pdk.toml"
    p.write_text(p.read_text().replace('name = "sky130"', 'name = "sky130b"'))
    assert available_pdks(pdk_copy) == ["asap7", "sky130", "sky130b"]
    assert load_technology("sky130b", root=pdk_copy).cells.keys() == load_technology("sky130").cells.keys()


def test_build_script_reproduces_tables(tmp_path):
    subprocess.run([sys.executable, str(REPO / "pdk" / "build.py"), "--out", str(tmp_path)], check=True)
    for name in ("sky130", "asap7"):
        for csv in sorted((REPO / "pdk" / name).glob("*.csv")):
            assert (tmp_path / name / csv.name).read_bytes() == csv.read_bytes(), csv
