"""What the GDS writer draws: a placed design in microns, independent of how it was placed.

A Layout is plain arrays so that a million array sites or a hundred thousand wire segments
cost numpy memory, not Python objects. The placement adapter (romalayout/gds/adapt.py)
builds one from a placement result; a fused cell is simply a Layout holding both designs'
parts in one outline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from romalayout.errors import InputError

# DEF orientations; a placed cell's (x, y) is the lower-left corner of its placed outline.
ORIENTS = ("N", "S", "W", "E", "FN", "FS", "FW", "FE")
DEVICE_KINDS = ("nmos", "pmos", "sram6t")


def _f64(a, n_cols=None, what="array") -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if n_cols is not None and (a.ndim != 2 or a.shape[1] != n_cols):
        raise InputError("%s must have shape (n, %d), got %s" % (what, n_cols, a.shape))
    return a


@dataclass(frozen=True, eq=False)
class CellInstances:
    """Standard cells: macro names (LEF) and, per instance, macro index, position, orientation."""

    macros: tuple[str, ...]
    macro_index: np.ndarray  # int, into macros
    x_um: np.ndarray
    y_um: np.ndarray
    orient: np.ndarray  # int, into ORIENTS

    def __post_init__(self):
        n = np.asarray(self.macro_index).shape[0]
        for name in ("macro_index", "orient"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.int64).reshape(-1))
        for name in ("x_um", "y_um"):
            object.__setattr__(self, name, _f64(getattr(self, name)).reshape(-1))
        if any(getattr(self, k).shape != (n,) for k in ("orient", "x_um", "y_um")):
            raise InputError("cell instances: macro_index, x_um, y_um and orient differ in length")
        if n and (self.macro_index.min() < 0 or self.macro_index.max() >= len(self.macros)):
            raise InputError("cell instances: macro index out of range")
        if n and (self.orient.min() < 0 or self.orient.max() >= len(ORIENTS)):
            raise InputError("cell instances: orientation index out of range")

    @property
    def count(self) -> int:
        return int(self.macro_index.shape[0])


@dataclass(frozen=True, eq=False)
class DeviceGrid:
    """A regular array of one device kind: site (r, c) has its lower-left corner at
    (x_um + c * pitch_x_um, y_um + r * pitch_y_um). `state[r, c]` is 0 for an empty site,
    1 for a device, 2 for a device whose drain contact is present (a programmed ROM bit;
    SRAM bitcells are always 1)."""

    kind: str
    x_um: float
    y_um: float
    pitch_x_um: float
    pitch_y_um: float
    state: np.ndarray  # int8 (rows, cols)
    # Footprint of an SRAM bitcell abstract (default: the pitch); ROM devices are always
    # drawn at tech.rom_bitcell's size in the lower left of their site.
    device_w_um: float | None = None
    device_h_um: float | None = None

    def __post_init__(self):
        if self.kind not in DEVICE_KINDS:
            raise InputError("device kind must be one of %s, got %r" % (", ".join(DEVICE_KINDS), self.kind))
        st = np.asarray(self.state, dtype=np.int8)
        if st.ndim != 2 or st.size and (st.min() < 0 or st.max() > 2):
            raise InputError("device grid state must be a 2-D array of 0, 1, 2")
        if not (self.pitch_x_um > 0 and self.pitch_y_um > 0):
            raise InputError("device grid pitches must be positive, got %r x %r" % (self.pitch_x_um, self.pitch_y_um))
        object.__setattr__(self, "state", st)

    @property
    def rows(self) -> int:
        return int(self.state.shape[0])

    @property
    def cols(self) -> int:
        return int(self.state.shape[1])


@dataclass(frozen=True, eq=False)
class Wires:
    """Rectilinear segments on one routing layer, drawn as GDS paths of `width_um` with flush
    ends (so a segment's area is length x width); segments (n, 4): x0, y0, x1, y1."""

    layer: str
    width_um: float
    segments_um: np.ndarray

    def __post_init__(self):
        s = _f64(self.segments_um, 4, "wire segments of %s" % self.layer)
        if s.size and not np.all((s[:, 0] == s[:, 2]) | (s[:, 1] == s[:, 3])):
            raise InputError("wires on %s: a segment is neither horizontal nor vertical" % self.layer)
        if not self.width_um > 0:
            raise InputError("wires on %s: width must be positive, got %r" % (self.layer, self.width_um))
        object.__setattr__(self, "segments_um", s)


@dataclass(frozen=True, eq=False)
class Rects:
    """Plain rectangles on one routing layer, rects_um (n, 4): x0, y0, x1, y1 (e.g. the
    bridges that close same-net gaps narrower than the spacing)."""

    layer: str
    rects_um: np.ndarray

    def __post_init__(self):
        r = _f64(self.rects_um, 4, "rectangles of %s" % self.layer)
        if r.size and not np.all((r[:, 2] > r[:, 0]) & (r[:, 3] > r[:, 1])):
            raise InputError("rectangles on %s: x1 > x0 and y1 > y0 required" % self.layer)
        object.__setattr__(self, "rects_um", r)


@dataclass(frozen=True, eq=False)
class ViaStack:
    """Vias joining routing layer `bottom` to `top` (every cut between them, stacked) at
    centres xy_um (n, 2); adjacent layers give single vias."""

    bottom: str
    top: str
    xy_um: np.ndarray

    def __post_init__(self):
        object.__setattr__(self, "xy_um", _f64(self.xy_um, 2, "via centres %s-%s" % (self.bottom, self.top)))


@dataclass(frozen=True, eq=False)
class Layout:
    """A placed design: outline, standard cells, device grids, wires, vias and rectangles."""

    name: str
    width_um: float
    height_um: float
    cells: CellInstances | None = None
    grids: tuple[DeviceGrid, ...] = ()
    wires: tuple[Wires, ...] = ()
    vias: tuple[ViaStack, ...] = ()
    # Extra labelled rectangles (name, x0, y0, x1, y1) drawn as text on the boundary layer:
    # region names such as "array" or "decoder" so the picture explains itself.
    regions: tuple[tuple[str, float, float, float, float], ...] = field(default=())
    rects: tuple[Rects, ...] = ()
    # Track-assignment counts of the drawn routes (romalayout.gds.assign.Assigned: moved,
    # spilled, illegal, unjoined), reported in gds_report.json; empty for a hand-made layout.
    tracks: tuple[tuple[str, int], ...] = ()
