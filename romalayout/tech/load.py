"""Load and validate a Technology from pdk/<name>/ (pdk.toml plus the generated CSV tables).

Every malformed or missing field raises TechnologyError naming the file, the field and the
value. Adding a PDK means adding a directory with the same files; no code changes.
"""

from __future__ import annotations

import csv
import math
import os
import tomllib
from pathlib import Path

from romalayout.errors import TechnologyError
from romalayout.tech.macro import load_macro_rules
from romalayout.tech.model import BaseLayer, Cell, CutLayer, Metal, Role, RomBitcell, Technology

ENV_ROOT = "ROMALAYOUT_PDK_ROOT"
DIRECTIONS = {"HORIZONTAL": "horizontal", "VERTICAL": "vertical"}


def default_pdk_root() -> Path:
    """pdk/ next to the package (a source checkout), unless $ROMALAYOUT_PDK_ROOT names another."""
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "pdk"


def available_pdks(root: Path | str | None = None) -> list[str]:
    """Names of the PDK directories under `root` (those holding a pdk.toml)."""
    root = Path(root) if root is not None else default_pdk_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "pdk.toml").is_file())


class _Table:
    """Rows of one CSV file, with typed field access that names file, row and field on error."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key
        try:
            with open(path, newline="") as f:
                reader = csv.DictReader(f)
                self.fields = reader.fieldnames or []
                self.rows = list(reader)
        except FileNotFoundError:
            raise TechnologyError("missing data file %s" % path) from None
        if key not in self.fields:
            raise TechnologyError("%s: missing column %r" % (path, key))

    def require_columns(self, names):
        for n in names:
            if n not in self.fields:
                raise TechnologyError("%s: missing column %r" % (self.path, n))

    def _where(self, row) -> str:
        return "%s: row %r" % (self.path, row.get(self.key))

    def num(self, row, field, optional=False, positive=True) -> float | None:
        raw = (row.get(field) or "").strip()
        if raw == "":
            if optional:
                return None
            raise TechnologyError("%s: field %s is empty, expected a number" % (self._where(row), field))
        try:
            value = float(raw)
        except ValueError:
            raise TechnologyError(
                "%s: field %s is %r, expected a number" % (self._where(row), field, raw)
            ) from None
        if not math.isfinite(value) or (positive and value <= 0):
            raise TechnologyError(
                "%s: field %s is %r, expected a positive number" % (self._where(row), field, raw)
            )
        return value

    def int(self, row, field, optional=False) -> int | None:
        value = self.num(row, field, optional=optional, positive=False)
        if value is None:
            return None
        if value < 0 or value != int(value):
            raise TechnologyError(
                "%s: field %s is %r, expected a non-negative integer" % (self._where(row), field, row.get(field))
            )
        return int(value)


def _toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise TechnologyError("missing data file %s" % path) from None
    except tomllib.TOMLDecodeError as e:
        raise TechnologyError("%s: not valid TOML (%s)" % (path, e)) from None


def _get(meta: dict, path: Path, field: str, kind):
    if field not in meta:
        raise TechnologyError("%s: missing field %s" % (path, field))
    value = meta[field]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TechnologyError("%s: field %s is %r, expected %s" % (path, field, value, kind.__name__ if isinstance(kind, type) else "a number"))
    return value


def _tech_values(table: _Table) -> dict[str, str]:
    table.require_columns(["key", "value"])
    return {r["key"]: r["value"] for r in table.rows}


def _layers(table: _Table) -> dict[tuple[str, str], tuple[int, int]]:
    table.require_columns(["layer_name", "purpose", "gds_layer", "gds_datatype"])
    out = {}
    for r in table.rows:
        out[(r["layer_name"], r["purpose"])] = (table.int(r, "gds_layer"), table.int(r, "gds_datatype"))
    return out


def _gds(layers, path: Path, layer: str, purpose: str = "drawing") -> tuple[int, int]:
    try:
        return layers[(layer, purpose)]
    except KeyError:
        raise TechnologyError("%s: layer %r purpose %r is not in layers.csv" % (path, layer, purpose)) from None


def _rc(table: _Table, kind: str) -> dict[str, dict]:
    table.require_columns(["layer", "value_kind", "r_ohm_per_um", "c_pf_per_um", "r_ohm_per_cut"])
    return {r["layer"]: r for r in table.rows if r["value_kind"] == kind}


def _metals(stack: _Table, meta: dict, meta_path: Path, layers, rc_rows: dict, rc: _Table) -> tuple[Metal, ...]:
    stack.require_columns(["layer", "type", "direction", "pitch_um", "width_um", "spacing_um"])
    rows = {r["layer"]: r for r in stack.rows}
    metals = []
    for i, pair in enumerate(_get(meta, meta_path, "routing_layers", list)):
        name, gds_name = pair
        if name not in rows:
            raise TechnologyError("%s: routing layer %r is not in %s" % (meta_path, name, stack.path))
        r = rows[name]
        direction = DIRECTIONS.get(r["direction"].strip().upper())
        if direction is None:
            raise TechnologyError(
                "%s: row %r: field direction is %r, expected HORIZONTAL or VERTICAL" % (stack.path, name, r["direction"])
            )
        offset = (r.get("offset_um") or "").split()
        rcr = rc_rows.get(name)
        metals.append(
            Metal(
                name=name,
                index=i,
                direction=direction,
                pitch_um=stack.num(r, "pitch_um"),
                width_um=stack.num(r, "width_um"),
                spacing_um=stack.num(r, "spacing_um"),
                min_area_um2=stack.num(r, "min_area_um2", optional=True),
                offset_um=float(offset[0]) if offset else None,
                gds=_gds(layers, meta_path, gds_name),
                pin_gds=layers.get((gds_name, meta.get("pin_purpose", "pin"))),
                r_ohm_per_um=rc.num(rcr, "r_ohm_per_um", optional=True) if rcr else None,
                c_pf_per_um=rc.num(rcr, "c_pf_per_um", optional=True) if rcr else None,
            )
        )
    return tuple(metals)


def _cuts(stack: _Table, meta: dict, meta_path: Path, layers, rc_rows: dict, rc: _Table, metal_names) -> tuple[CutLayer, ...]:
    rows = {r["layer"]: r for r in stack.rows}
    cuts = []
    for entry in _get(meta, meta_path, "cut_layers", list):
        name, gds_name, below, above = entry
        if name not in rows:
            raise TechnologyError("%s: cut layer %r is not in %s" % (meta_path, name, stack.path))
        for m in (below, above):
            if m not in metal_names:
                raise TechnologyError("%s: cut layer %r joins %r, which is not a routing layer" % (meta_path, name, m))
        r = rows[name]
        rcr = rc_rows.get(name)
        cuts.append(
            CutLayer(
                name=name,
                below=below,
                above=above,
                width_um=stack.num(r, "width_um"),
                spacing_um=stack.num(r, "spacing_um"),
                gds=_gds(layers, meta_path, gds_name),
                r_ohm_per_cut=rc.num(rcr, "r_ohm_per_cut", optional=True) if rcr else None,
            )
        )
    return tuple(cuts)


def _liberty(table: _Table) -> dict[str, dict]:
    table.require_columns(["lib_cell", "leakage_nw", "input_caps_pf", "e_int_mid_fj"])
    out = {}
    for r in table.rows:
        caps = {}
        for pair in (r["input_caps_pf"] or "").split():
            pin, _, value = pair.partition("=")
            try:
                caps[pin] = float(value)
            except ValueError:
                raise TechnologyError(
                    "%s: row %r: field input_caps_pf has %r, expected PIN=number" % (table.path, r["lib_cell"], pair)
                ) from None
        out[r["lib_cell"]] = {
            "leakage_nw": table.num(r, "leakage_nw", optional=True, positive=False),
            "input_cap_pf": caps,
            "e_int_fj": table.num(r, "e_int_mid_fj", optional=True, positive=False),
        }
    return out


def _cells(table: _Table, liberty: dict) -> dict[str, Cell]:
    table.require_columns(["name", "width_um", "height_um", "transistors", "transistor_multiplicity", "inputs", "outputs"])
    cells = {}
    for r in table.rows:
        lib = liberty.get(r["name"], {})
        cells[r["name"]] = Cell(
            name=r["name"],
            width_um=table.num(r, "width_um"),
            height_um=table.num(r, "height_um"),
            transistors=table.int(r, "transistors"),
            transistor_multiplicity=table.int(r, "transistor_multiplicity"),
            inputs=tuple(r["inputs"].split()),
            outputs=tuple(r["outputs"].split()),
            function=r.get("function", ""),
            lef_class=r.get("lef_class", ""),
            leakage_nw=lib.get("leakage_nw"),
            input_cap_pf=lib.get("input_cap_pf", {}),
            e_int_fj=lib.get("e_int_fj"),
            gate_size=_gate_size(r),
        )
    return cells


def _gate_size(row: dict) -> float | None:
    """The cell's summed gate size: total_w_um (SKY130 CDL widths) or total_nfin (ASAP7 fins)."""
    for col in ("total_w_um", "total_nfin"):
        v = (row.get(col) or "").strip()
        if v:
            try:
                return float(v)
            except ValueError:
                raise TechnologyError("cells.csv: %s of %s is %r, expected a number" % (col, row.get("name"), v)) from None
    return None


def _roles(meta: dict, meta_path: Path, cells: dict) -> dict[str, Role]:
    roles = {}
    for name, spec in _get(meta, meta_path, "roles", dict).items():
        cell = spec.get("cell")
        if cell not in cells:
            raise TechnologyError("%s: roles.%s.cell is %r, expected a cell of cells.csv" % (meta_path, name, cell))
        pins = dict(spec.get("pins", {}))
        known = set(cells[cell].inputs) | set(cells[cell].outputs) | {"CLK"}
        for rp, cp in pins.items():
            if cp not in known:
                raise TechnologyError(
                    "%s: roles.%s.pins.%s is %r, expected a pin of %s (%s)" % (meta_path, name, rp, cp, cell, " ".join(sorted(known)))
                )
        roles[name] = Role(name=name, cell=cell, pins=pins, invert=tuple(spec.get("invert", ())))
    return roles


def _sum_terms(meta_path: Path, field: str, terms) -> float:
    if not isinstance(terms, dict) or not terms:
        raise TechnologyError("%s: field rom_bitcell.%s is %r, expected a table of lengths in um" % (meta_path, field, terms))
    for k, v in terms.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v <= 0:
            raise TechnologyError("%s: field rom_bitcell.%s.%s is %r, expected a positive number" % (meta_path, field, k, v))
    return float(sum(terms.values()))


def _rom_bitcell(meta: dict, meta_path: Path, metals) -> RomBitcell:
    spec = _get(meta, meta_path, "rom_bitcell", dict)
    gate_terms = spec.get("gate_pitch_terms_um")
    diff_terms = spec.get("diffusion_pitch_terms_um")
    gate_pitch = _sum_terms(meta_path, "gate_pitch_terms_um", gate_terms)
    diff_pitch = _sum_terms(meta_path, "diffusion_pitch_terms_um", diff_terms)
    bl = spec.get("bitline_layer")
    bl_metal = next((m for m in metals if m.name == bl), None)
    if bl_metal is None:
        raise TechnologyError("%s: field rom_bitcell.bitline_layer is %r, expected a routing layer" % (meta_path, bl))
    width = max(diff_pitch, bl_metal.pitch_um)
    derivation = (
        "height = contacted gate pitch = %s = %.4g um; width = max(contacted diffusion pitch %s = %.4g um, "
        "%s bit-line pitch %.4g um) = %.4g um; area = %.6g um^2"
        % (" + ".join(gate_terms), gate_pitch, " + ".join(diff_terms), diff_pitch, bl, bl_metal.pitch_um, width, width * gate_pitch)
    )
    return RomBitcell(
        width_um=round(width, 6),
        height_um=round(gate_pitch, 6),
        bitline_layer=bl,
        gate_pitch_terms_um=dict(gate_terms),
        diffusion_pitch_terms_um=dict(diff_terms),
        derivation=derivation,
        source=str(spec.get("source", "")),
    )


def _sram6t(table: _Table, name: str, cell_name: str, meta_path: Path) -> float:
    table.require_columns(["cell_kind", "cell_name", "area_um2"])
    for r in table.rows:
        if r["cell_kind"] == "sram6t" and r["cell_name"] == cell_name:
            return table.num(r, "area_um2")
    raise TechnologyError("%s: sram6t_cell %r is not a sram6t row of %s" % (meta_path, cell_name, table.path))


SPICE_FIELDS = {"cdl": str, "model_prefix": str, "length_unit": str, "nmos": list, "pmos": list, "ground": list, "power": list}


def _spice(meta: dict, meta_path: Path) -> dict:
    """The [spice] table: every field present with the right type (lists become tuples)."""
    spec = _get(meta, meta_path, "spice", dict)
    out = {}
    for key, kind in SPICE_FIELDS.items():
        if key not in spec:
            raise TechnologyError("%s: missing field spice.%s" % (meta_path, key))
        v = spec[key]
        if not isinstance(v, kind):
            raise TechnologyError("%s: field spice.%s is %r, expected %s" % (meta_path, key, v, "a list" if kind is list else "a string"))
        out[key] = tuple(v) if kind is list else v
    return out


def load_technology(name: str, root: Path | str | None = None) -> Technology:
    """Load the PDK called `name` from `root` (default: the repository's pdk/)."""
    root = Path(root) if root is not None else default_pdk_root()
    names = available_pdks(root)
    if name not in names:
        raise TechnologyError(
            "unknown PDK %r, expected one of: %s" % (name, ", ".join(names) if names else "(none found in %s)" % root)
        )
    d = root / name
    meta_path = d / "pdk.toml"
    meta = _toml(meta_path)
    if meta.get("name") != name:
        raise TechnologyError("%s: field name is %r, expected %r (the directory name)" % (meta_path, meta.get("name"), name))
    tech = _tech_values(_Table(d / "tech.csv", "key"))
    site = _get(meta, meta_path, "site", str)
    tech_path = d / "tech.csv"

    def tech_num(key):
        if key not in tech:
            raise TechnologyError("%s: missing key %s" % (tech_path, key))
        try:
            v = float(tech[key])
        except ValueError:
            raise TechnologyError("%s: key %s is %r, expected a number" % (tech_path, key, tech[key])) from None
        if v <= 0:
            raise TechnologyError("%s: key %s is %r, expected a positive number" % (tech_path, key, tech[key]))
        return v

    layers = _layers(_Table(d / "layers.csv", "layer_name"))
    rc = _Table(d / "metal_rc.csv", "layer")
    rc_rows = _rc(rc, _get(meta, meta_path, "wire_rc_kind", str))
    stack = _Table(d / "metal_stack.csv", "layer")
    metals = _metals(stack, meta, meta_path, layers, rc_rows, rc)
    cuts = _cuts(stack, meta, meta_path, layers, rc_rows, rc, {m.name for m in metals})
    base = {
        role: BaseLayer(role=role, name=lname, gds=_gds(layers, meta_path, lname))
        for role, lname in _get(meta, meta_path, "base_layers", dict).items()
    }
    for required in ("diffusion", "poly", "contact"):
        if required not in base:
            raise TechnologyError("%s: base_layers has no %r entry" % (meta_path, required))
    cells = _cells(_Table(d / "cells.csv", "name"), _liberty(_Table(d / "liberty.csv", "lib_cell")))
    boundary = _get(meta, meta_path, "cell_boundary_layer", list)
    sram_cell = _get(meta, meta_path, "sram6t_cell", str)
    dbu = tech_num("gds_dbu_per_um")
    if dbu != int(dbu):
        raise TechnologyError("%s: key gds_dbu_per_um is %r, expected an integer" % (tech_path, tech["gds_dbu_per_um"]))
    vdd = _get(meta, meta_path, "vdd_v", (int, float))
    if vdd <= 0:
        raise TechnologyError("%s: field vdd_v is %r, expected a positive number" % (meta_path, vdd))
    return Technology(
        name=name,
        library=_get(meta, meta_path, "library", str),
        description=str(meta.get("description", "")),
        root=str(d),
        dbu_per_um=int(dbu),
        site_name=site,
        site_width_um=tech_num("site_%s_width" % site),
        site_height_um=tech_num("site_%s_height" % site),
        vdd_v=float(vdd),
        frequency_default_mhz=float(meta.get("frequency_default_mhz", 500.0)),
        metals=metals,
        cuts=cuts,
        base_layers=base,
        layers=layers,
        cell_boundary_gds=_gds(layers, meta_path, boundary[0], boundary[1]),
        cells=cells,
        roles=_roles(meta, meta_path, cells),
        sram6t_um2=_sram6t(_Table(d / "bitcells.csv", "cell_name"), name, sram_cell, meta_path),
        sram6t_cell=sram_cell,
        rom_bitcell=_rom_bitcell(meta, meta_path, metals),
        sources={"pdk_toml": str(meta_path)},
        spice=_spice(meta, meta_path),
        macro=load_macro_rules(meta, meta_path, cells, {m.name for m in metals}),
    )
