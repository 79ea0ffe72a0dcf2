"""Transistor-level device types shared by the memory generators."""

from romalayout.netlist.ir import CellType

NMOS = CellType("nmos", ("D", "G", "S"), ("inout", "input", "inout"), kind="nmos")
PMOS = CellType("pmos", ("D", "G", "S"), ("inout", "input", "inout"), kind="pmos")
SRAM6T = CellType("sram6t", ("WL", "BL", "BLB"), ("input", "inout", "inout"), kind="bitcell")
PROGRAMS = ("via", "diffusion")
