"""A small hand-made Layout per PDK: two cell rows (N and FS), a ROM device grid with
empty, plain and programmed sites, two wires on the second metal and a via stack."""

import numpy as np

from romalayout.gds.layout import CellInstances, DeviceGrid, Layout, ViaStack, Wires


def synthetic_layout(tech) -> Layout:
    inv, nand = tech.roles["inv"].cell, tech.roles["nand2"].cell
    cw, sh = tech.cells[inv].width_um, tech.site_height_um
    cells = CellInstances((inv, nand), [0, 1, 0, 1], [0.0, cw, 0.0, 5 * cw], [0.0, 0.0, sh, sh], [0, 0, 5, 5])
    state = np.ones((4, 6), np.int8)
    state[1, 2] = 2
    state[3, :] = 2
    state[0, 0] = 0
    bc = tech.rom_bitcell
    grid = DeviceGrid("nmos", 10 * cw, 0.0, bc.width_um, bc.height_um, state)
    m = tech.metals[1]
    y = 3 * m.pitch_um
    wires = (Wires(m.name, m.width_um, [[0.0, y, 4.0, y], [0.0, y + m.pitch_um, 4.0, y + m.pitch_um]]),)
    vias = (ViaStack(tech.metals[1].name, tech.metals[3].name, [[8 * cw, 2 * sh]]),)
    return Layout("synthetic", 20 * cw, 2 * sh, cells, (grid,), wires, vias, (("array", 10 * cw, 0.0, 10 * cw + 6 * bc.width_um, 4 * bc.height_um),))
