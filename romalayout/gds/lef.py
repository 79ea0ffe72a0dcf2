"""A small LEF reader: macro sizes, pin and obstruction rectangles, and fixed VIA definitions.

Line-based: both PDKs' LEFs put one statement per line (checked by tests/gds/test_lef.py
on the full files). Only RECT geometry occurs in them; a POLYGON, if ever met, is kept as
its bounding box so nothing silently disappears. Coordinates stay in microns relative to
the macro origin (every macro here has ORIGIN 0 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from romalayout.errors import TechnologyError

Rect = tuple[str, float, float, float, float]  # (LEF layer, x0_um, y0_um, x1_um, y1_um)


@dataclass(frozen=True)
class LefPin:
    name: str
    direction: str
    use: str
    rects: tuple[Rect, ...]


@dataclass(frozen=True)
class LefMacro:
    name: str
    width_um: float
    height_um: float
    pins: tuple[LefPin, ...]
    obs: tuple[Rect, ...]


@dataclass(frozen=True)
class LefVia:
    """A fixed VIA definition of a tech LEF; `default` is LEF's DEFAULT keyword."""

    name: str
    default: bool
    rects: tuple[Rect, ...]


@dataclass(frozen=True)
class Lef:
    macros: dict[str, LefMacro]
    vias: dict[str, LefVia]


def _rect(layer: str | None, tok: list[str], where: str) -> Rect:
    if layer is None:
        raise TechnologyError("%s: geometry before any LAYER statement" % where)
    try:
        nums = [float(t) for t in tok[1:]]
    except ValueError:
        raise TechnologyError("%s: bad number in %s" % (where, " ".join(tok))) from None
    if tok[0] == "RECT" and len(nums) != 4 or len(nums) < 4 or len(nums) % 2:
        raise TechnologyError("%s: %s needs x y pairs, got %s" % (where, tok[0], " ".join(tok)))
    xs, ys = nums[0::2], nums[1::2]
    return (layer, min(xs), min(ys), max(xs), max(ys))


def read_lef(path: str | Path, macros: set[str] | None = None) -> Lef:
    """Parse `path`; with `macros` given, keep only those macros (faster on big LEFs).

    Raises TechnologyError on a missing file or malformed geometry."""
    path = Path(path)
    if not path.is_file():
        raise TechnologyError("LEF file %s does not exist" % path)
    found_macros: dict[str, LefMacro] = {}
    found_vias: dict[str, LefVia] = {}
    block = None  # the open MACRO or VIA: dict, or a name string for a skipped macro
    pin = None
    rects: list[Rect] | None = None  # where RECTs go now (a pin, the OBS or a via)
    layer = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, raw in enumerate(f, 1):
            tok = raw.split("#", 1)[0].replace(";", " ").split()
            if not tok:
                continue
            k = tok[0]
            where = "%s:%d" % (path, lineno)
            if block is None:
                if k == "MACRO" and len(tok) > 1:
                    keep = macros is None or tok[1] in macros
                    block = {"kind": "macro", "name": tok[1], "size": None, "pins": [], "obs": []} if keep else tok[1]
                elif k == "VIA" and len(tok) > 1:
                    block = {"kind": "via", "name": tok[1], "default": any(t.upper() == "DEFAULT" for t in tok[2:]), "rects": []}
                    rects, layer = block["rects"], None
                continue
            if isinstance(block, str):  # skipping an unwanted macro
                if k == "END" and len(tok) > 1 and tok[1] == block:
                    block = None
                continue
            if k == "END" and len(tok) > 1 and tok[1] == block["name"]:
                if block["kind"] == "via":
                    found_vias[block["name"]] = LefVia(block["name"], block["default"], tuple(block["rects"]))
                else:
                    if block["size"] is None:
                        raise TechnologyError("%s: macro %s has no SIZE" % (where, block["name"]))
                    found_macros[block["name"]] = LefMacro(block["name"], *block["size"], tuple(block["pins"]), tuple(block["obs"]))
                block = pin = rects = layer = None
            elif block["kind"] == "via":
                if k == "LAYER":
                    layer = tok[1]
                elif k in ("RECT", "POLYGON"):
                    rects.append(_rect(layer, tok, where))
            elif pin is not None:
                if k == "END" and len(tok) > 1 and tok[1] == pin["name"]:
                    block["pins"].append(LefPin(pin["name"], pin["dir"], pin["use"], tuple(pin["rects"])))
                    pin = rects = layer = None
                elif k == "DIRECTION":
                    pin["dir"] = tok[1]
                elif k == "USE":
                    pin["use"] = tok[1]
                elif k == "LAYER":
                    layer = tok[1]
                elif k in ("RECT", "POLYGON"):
                    rects.append(_rect(layer, tok, where))
            elif k == "SIZE":
                if len(tok) != 4 or tok[2] != "BY":
                    raise TechnologyError("%s: expected SIZE w BY h" % where)
                block["size"] = (float(tok[1]), float(tok[3]))
            elif k == "PIN" and len(tok) > 1:
                pin = {"name": tok[1], "dir": "", "use": "SIGNAL", "rects": []}
                rects, layer = pin["rects"], None
            elif k == "OBS":
                rects, layer = block["obs"], None
            elif k == "LAYER" and rects is not None:
                layer = tok[1]
            elif k in ("RECT", "POLYGON") and rects is not None:
                rects.append(_rect(layer, tok, where))
            elif k == "END" and len(tok) == 1:
                rects = layer = None  # end of OBS
    if block is not None:
        raise TechnologyError("%s: %s %s is not closed" % (path, "MACRO" if isinstance(block, str) else block["kind"].upper(),
                                                         block if isinstance(block, str) else block["name"]))
    return Lef(found_macros, found_vias)


def cell_lef_path(tech) -> Path:
    """The standard-cell LEF of `tech` (the only .lef under raw/ that defines MACROs)."""
    root = Path(tech.root) / "raw"
    names = {"sky130": "sky130_fd_sc_hd__merged.lef", "asap7": "LEF/asap7sc7p5t_28_R_1x_220121a.lef"}
    if tech.name in names:
        return root / names[tech.name]
    cands = sorted(p for p in root.rglob("*.lef") if "tech" not in p.name)
    if not cands:
        raise TechnologyError("no cell LEF under %s" % root)
    return cands[0]


def tech_lef_path(tech) -> Path:
    """The tech LEF of `tech` (1x units for ASAP7, matching the cell LEF)."""
    root = Path(tech.root) / "raw"
    names = {"sky130": "sky130_fd_sc_hd__nom.tlef", "asap7": "techlef_misc/asap7_tech_1x_201209.lef"}
    if tech.name in names:
        return root / names[tech.name]
    cands = sorted(root.rglob("*.tlef"))
    if not cands:
        raise TechnologyError("no tech LEF under %s" % root)
    return cands[0]
