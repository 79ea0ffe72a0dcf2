"""GDS layer map of the layers romalayout draws, from the PDK's layer table, and a KLayout
layer-properties (.lyp) file for it.

Entries are (display name, (layer, datatype)), bottom of the stack first:
well, diffusion, fin, poly, contact, then per routing layer its drawing, pin and blockage
purposes followed by the cut above it, then the cell boundary. Every number comes from
tech.layers (pdk/<name>/layers.csv), never from a public .lyp.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from romalayout.errors import TechnologyError

# Kelly's colours of maximum contrast (minus white/black), then a second set; the .lyp
# gives every entry its own colour, so the stack is readable without a legend.
_PALETTE = (
    "#f3c300", "#875692", "#f38400", "#a1caf1", "#be0032", "#c2b280", "#848482", "#008856",
    "#e68fac", "#0067a5", "#f99379", "#604e97", "#f6a600", "#b3446c", "#dcd300", "#882d17",
    "#8db600", "#654522", "#e25822", "#2b3d26", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
    "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78",
    "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#5254a3", "#8ca252", "#bd9e39",
    "#000080", "#808000", "#008080", "#800000", "#00c070", "#ff00ff", "#4682b4", "#d2691e",
)
BASE_ORDER = ("well", "diffusion", "fin", "poly", "contact")
# KLayout dither pattern per purpose: solid-ish for drawing, sparse for pins, hatched for
# blockages, none for the boundary (an outline only).
_DITHER = {"drawing": "I5", "pin": "I9", "blockage": "I4", "cut": "I2", "base": "I3", "boundary": "I1"}


def lookup(tech, layer: str, purpose: str = "drawing") -> tuple[int, int] | None:
    """(layer, datatype) of `layer`/`purpose` in the PDK table, or None if it has none."""
    return tech.layers.get((layer, purpose))


def lef_layer_gds(tech, lef_layer: str, purpose: str) -> tuple[int, int]:
    """GDS layer for a LEF layer name (li1, met1, mcon, M1, V1, ...) and a purpose
    (drawing, pin, blockage); falls back to drawing when the PDK lacks that purpose."""
    gds = lookup(tech, lef_layer, purpose) or lookup(tech, lef_layer, "drawing")
    if gds is None:
        raise TechnologyError("%s: LEF layer %r has no GDS layer in layers.csv" % (tech.name, lef_layer))
    return gds


def layer_entries(tech) -> list[tuple[str, tuple[int, int], str]]:
    """[(name, (layer, datatype), style)] of every layer romalayout draws for `tech`, in
    stack order; style is one of the _DITHER keys."""
    out: list[tuple[str, tuple[int, int], str]] = []
    for role in BASE_ORDER:
        b = tech.base_layers.get(role)
        if b is not None:
            out.append(("%s (%s)" % (b.name, role), b.gds, "base"))
    cut_above = {c.below: c for c in tech.cuts}
    for m in tech.metals:
        out.append(("%s.drawing" % m.name, m.gds, "drawing"))
        if m.pin_gds:
            out.append(("%s.pin" % m.name, m.pin_gds, "pin"))
        blk = lookup(tech, m.name, "blockage")
        if blk:
            out.append(("%s.blockage" % m.name, blk, "blockage"))
        c = cut_above.get(m.name)
        if c is not None:
            out.append((c.name, c.gds, "cut"))
            blk = lookup(tech, c.name, "blockage")
            if blk:
                out.append(("%s.blockage" % c.name, blk, "blockage"))
    out.append(("boundary", tech.cell_boundary_gds, "boundary"))
    seen: dict[tuple[int, int], str] = {}
    for name, gds, _ in out:
        if gds in seen:
            raise TechnologyError("%s: layers %s and %s share GDS %d/%d" % (tech.name, seen[gds], name, *gds))
        seen[gds] = name
    return out


def lyp_text(tech) -> str:
    """KLayout layer-properties XML for layer_entries(tech): names, distinct colours."""
    entries = layer_entries(tech)
    if len(entries) > len(_PALETTE):
        raise TechnologyError("%s draws %d layers, more than the %d distinct colours" % (tech.name, len(entries), len(_PALETTE)))
    parts = ['<?xml version="1.0" encoding="utf-8"?>', "<layer-properties>"]
    for (name, (layer, datatype), style), colour in zip(entries, _PALETTE):
        parts += [
            " <properties>",
            "  <frame-color>%s</frame-color>" % colour,
            "  <fill-color>%s</fill-color>" % colour,
            "  <frame-brightness>0</frame-brightness>",
            "  <fill-brightness>0</fill-brightness>",
            "  <dither-pattern>%s</dither-pattern>" % _DITHER[style],
            "  <line-style/>",
            "  <valid>true</valid>",
            "  <visible>true</visible>",
            "  <transparent>false</transparent>",
            "  <width>%d</width>" % (2 if style == "boundary" else 1),
            "  <marked>false</marked>",
            "  <xfill>false</xfill>",
            "  <animation>0</animation>",
            "  <name>%s %d/%d</name>" % (escape(name), layer, datatype),
            "  <source>%d/%d@1</source>" % (layer, datatype),
            " </properties>",
        ]
    parts += [" <name/>", "</layer-properties>", ""]
    return "\n".join(parts)
