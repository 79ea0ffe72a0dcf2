"""Headless PNG of a GDS with KLayout's own renderer (klayout.lay.LayoutView), using the
.lyp written next to it, so the picture shows what KLayout shows."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def render_png(gds_path: str | Path, lyp_path: str | Path, png_path: str | Path, width_px: int = 1200, height_px: int | None = None) -> None:
    """Draw the whole top cell (all hierarchy levels) into `png_path`, written atomically.
    Without height_px the image takes the layout's aspect ratio (within 1:4 .. 4:1)."""
    import klayout.lay as lay

    view = lay.LayoutView()
    view.set_config("background-color", "#ffffff")
    view.set_config("grid-visible", "false")
    view.set_config("text-visible", "true")
    view.load_layout(str(gds_path), True)
    view.load_layer_props(str(lyp_path))
    view.max_hier()
    if height_px is None:
        box = view.active_cellview().layout().top_cell().dbbox()
        aspect = box.height() / box.width() if box.width() > 0 else 1.0
        height_px = int(round(width_px * min(max(aspect, 0.25), 4.0)))
    view.zoom_fit()
    png_path = Path(png_path)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % png_path.name, suffix=".png", dir=png_path.parent)
    os.close(fd)
    try:
        view.save_image(tmp, width_px, height_px)
        os.replace(tmp, png_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
