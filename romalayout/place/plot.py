"""Congestion heat maps: one panel per routing layer the macro uses, demand / capacity per bin."""

from __future__ import annotations

import math
from pathlib import Path


def write_congestion_png(sized, path: Path | str) -> None:
    """Write a PNG with one heat map per usable metal layer (Agg backend, byte-identical)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    u = sized.utilization
    tech = sized.tech
    top = tech.metal(sized.rules.max_layer).index
    layers = [m for m in tech.metals if m.index <= top]
    cong = u.congestion()
    r = sized.floorplan.region
    extent = (0.0, u.grid.nx * u.grid.bin_um, 0.0, u.grid.ny * u.grid.bin_um)
    ncol = min(len(layers), 4)
    nrow = math.ceil(len(layers) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.2 * ncol, 3.6 * nrow), squeeze=False, layout="constrained")
    vmax = 2.0  # the colour scale stops at 2x over-use, so 1.0 (full) sits mid-scale
    im = None
    for ax, m in zip(axes.ravel(), layers):
        im = ax.imshow(cong[m.index], origin="lower", extent=extent, cmap="magma", vmin=0.0, vmax=vmax, aspect="auto", interpolation="nearest")
        ax.set_title("%s (%s) %.0f%%" % (m.name, m.direction[0].upper(), 100 * u.metal_utilization()[m.name]), fontsize=9)
        ax.set_xlabel("x (um)", fontsize=7)
        ax.set_ylabel("y (um)", fontsize=7)
        ax.tick_params(labelsize=6)
    for ax in axes.ravel()[len(layers):]:
        ax.axis("off")
    fig.suptitle(
        "%s %s %s: %.4g x %.4g um, base %.0f%%, binding %s\nrouting demand / track capacity per %.3g um bin"
        % (sized.tech.name, sized.netlist.attributes.get("kind", ""), sized.netlist.name, r.width_um, r.height_um,
           100 * u.base_utilization, sized.binding_layer, u.grid.bin_um),
        fontsize=9,
    )
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, extend="max", label="used / available tracks")
    fig.savefig(str(path), dpi=110, metadata={"Software": None})
    plt.close(fig)
