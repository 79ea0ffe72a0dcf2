"""ROM contents: a D x W bit matrix (row = address, column = output bit, bit 0 first).

Sources: a seed (reproducible random), a file ($readmemh hex, .npy, raw .bin), or
quantized weights packed the way the L-unit stores them (groups of G weights of UInt2 or
UInt4, an FP16 scale and a UInt2 zero point). Malformed input is refused with the line or
value at fault; nothing is ever padded or truncated silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from romalayout.errors import InputError

_HEX = re.compile(r"^[0-9a-fA-F_]+$")


def random_contents(depth: int, width: int, seed: int) -> np.ndarray:
    """Seeded uniform random bits, shape (depth, width)."""
    check_shape(depth, width)
    return np.random.default_rng(seed).integers(0, 2, size=(depth, width), dtype=np.uint8).astype(bool)


def check_shape(depth: int, width: int) -> None:
    if not isinstance(depth, (int, np.integer)) or depth < 1:
        raise InputError("depth must be a positive integer, got %r" % (depth,))
    if not isinstance(width, (int, np.integer)) or width < 1:
        raise InputError("width must be a positive integer, got %r" % (width,))


def words_to_bits(words: np.ndarray, width: int) -> np.ndarray:
    """Integer words (depth,) -> bits (depth, width), bit 0 in column 0. Words may exceed 64 bits as Python ints."""
    words = list(words)
    out = np.zeros((len(words), width), dtype=bool)
    for i, w in enumerate(words):
        w = int(w)
        for j in range(width):
            out[i, j] = (w >> j) & 1
    return out


def bits_to_words(bits: np.ndarray) -> list[int]:
    """Bits (depth, width) -> Python int words (any width)."""
    bits = np.asarray(bits, dtype=bool)
    weights = [1 << j for j in range(bits.shape[1])]
    return [sum(w for w, b in zip(weights, row) if b) for row in bits.tolist()]


def to_readmemh(bits: np.ndarray) -> str:
    """$readmemh text: one word per line in address order, ceil(W/4) lowercase hex digits."""
    bits = np.asarray(bits, dtype=bool)
    digits = (bits.shape[1] + 3) // 4
    return "".join("%0*x\n" % (digits, w) for w in bits_to_words(bits))


def parse_readmemh(text: str, depth: int, width: int, name: str = "contents") -> np.ndarray:
    """Parse $readmemh text (one word per line; // comments and blank lines allowed)."""
    check_shape(depth, width)
    words = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if line.startswith("@"):
            raise InputError("%s line %d: address directive %r is not supported, expected one word per line in address order" % (name, lineno, line))
        if len(line.split()) != 1 or not _HEX.match(line):
            raise InputError("%s line %d: %r is not a hex word" % (name, lineno, line))
        value = int(line.replace("_", ""), 16)
        if value >> width:
            raise InputError("%s line %d: word %r has more than %d bits" % (name, lineno, line, width))
        words.append((lineno, value))
    if len(words) != depth:
        where = " (last word on line %d)" % words[-1][0] if words else ""
        raise InputError("%s: %d words%s, expected depth %d" % (name, len(words), where, depth))
    return words_to_bits([w for _, w in words], width)


def _from_npy(path: Path, depth: int, width: int) -> np.ndarray:
    try:
        a = np.load(path, allow_pickle=False)
    except ValueError as e:
        raise InputError("%s: not a readable .npy array (%s)" % (path, e)) from None
    if a.ndim == 2:
        if a.shape != (depth, width):
            raise InputError("%s: array shape %s, expected (%d, %d)" % (path, a.shape, depth, width))
        if not np.isin(a, (0, 1)).all():
            raise InputError("%s: bit matrix has values other than 0 and 1" % path)
        return a.astype(bool)
    if a.ndim == 1 and np.issubdtype(a.dtype, np.integer):
        if a.shape[0] != depth:
            raise InputError("%s: %d words, expected depth %d" % (path, a.shape[0], depth))
        if width < 64 and (np.any(a < 0) or np.any(a >= (1 << width))):
            bad = int(np.flatnonzero((a < 0) | (a >= (1 << width)))[0])
            raise InputError("%s: word %d is %d, expected 0..%d" % (path, bad, int(a[bad]), (1 << width) - 1))
        return words_to_bits(a, width)
    raise InputError("%s: expected a (depth, width) bit matrix or a vector of integer words, got shape %s dtype %s" % (path, a.shape, a.dtype))


def _from_bin(path: Path, depth: int, width: int) -> np.ndarray:
    data = path.read_bytes()
    nbytes = (width + 7) // 8
    if len(data) != depth * nbytes:
        raise InputError("%s: %d bytes, expected depth %d x %d bytes per word = %d" % (path, len(data), depth, nbytes, depth * nbytes))
    raw = np.frombuffer(data, dtype=np.uint8).reshape(depth, nbytes)
    bits = np.unpackbits(raw, axis=1, bitorder="little")
    if bits[:, width:].any():
        bad = int(np.flatnonzero(bits[:, width:].any(axis=1))[0])
        raise InputError("%s: word %d has bits set above bit %d" % (path, bad, width - 1))
    return bits[:, :width].astype(bool)


def read_contents(path: Path | str, depth: int, width: int) -> np.ndarray:
    """Read contents from a .hex/.mem/.txt ($readmemh), .npy, .bin or .npz (quantized weights) file."""
    check_shape(depth, width)
    path = Path(path)
    if not path.is_file():
        raise InputError("contents file %s does not exist" % path)
    suffix = path.suffix.lower()
    if suffix in (".hex", ".mem", ".txt"):
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            raise InputError("%s: not a text file, expected $readmemh hex words" % path) from None
        return parse_readmemh(text, depth, width, name=str(path))
    if suffix == ".npy":
        return _from_npy(path, depth, width)
    if suffix == ".bin":
        return _from_bin(path, depth, width)
    if suffix == ".npz":
        return _from_npz(path, depth, width)
    raise InputError("contents file %s: unknown suffix %r, expected .hex, .mem, .txt, .npy, .bin or .npz" % (path, suffix))


# -- quantized weights ------------------------------------------------------

def group_bits(weight_bits: int, group: int = 128) -> int:
    """Bits one group occupies: G weights, a 16-bit FP16 scale, a 2-bit zero point."""
    return group * weight_bits + 16 + 2


def pack_groups(w: np.ndarray, scale_fp16: np.ndarray, zero: np.ndarray, weight_bits: int, width: int) -> np.ndarray:
    """Pack quantized groups into ROM words of `width` bits.

    w: (n_groups, G) unsigned ints < 2^weight_bits; scale_fp16: (n_groups,) float16; zero:
    (n_groups,) UInt2. Each group is the bit string [w_0 .. w_{G-1} (LSB first each),
    scale (16 bits, IEEE half), zero (2 bits)], and groups are laid end to end, so a
    group may straddle words; the last word is zero-filled (the fill is reported by
    `packed_fill_bits`). Returns bits (depth, width)."""
    w = np.asarray(w)
    if weight_bits not in (2, 4):
        raise InputError("weight bits must be 2 or 4, got %r" % (weight_bits,))
    if w.ndim != 2:
        raise InputError("weights must be a (groups, group size) array, got shape %s" % (w.shape,))
    n, g = w.shape
    if np.any(w < 0) or np.any(w >= (1 << weight_bits)):
        raise InputError("weights must be in 0..%d for UInt%d" % ((1 << weight_bits) - 1, weight_bits))
    zero = np.asarray(zero)
    if zero.shape != (n,) or np.any(zero < 0) or np.any(zero > 3):
        raise InputError("zero points must be %d values in 0..3 (UInt2)" % n)
    s = np.asarray(scale_fp16, dtype=np.float16)
    if s.shape != (n,):
        raise InputError("scales must be %d FP16 values, got shape %s" % (n, s.shape))
    wbits = ((w.astype(np.int64)[:, :, None] >> np.arange(weight_bits)) & 1).reshape(n, g * weight_bits)
    sbits = (s.view(np.uint16).astype(np.int64)[:, None] >> np.arange(16)) & 1
    zbits = (zero.astype(np.int64)[:, None] >> np.arange(2)) & 1
    stream = np.concatenate([wbits, sbits, zbits], axis=1).ravel().astype(bool)
    depth = -(-stream.size // width)
    out = np.zeros(depth * width, dtype=bool)
    out[: stream.size] = stream
    return out.reshape(depth, width)


def unpack_groups(bits: np.ndarray, n_groups: int, group: int, weight_bits: int):
    """Inverse of pack_groups: (w, scale_fp16, zero)."""
    per = group_bits(weight_bits, group)
    stream = np.asarray(bits, dtype=bool).ravel()
    if stream.size < n_groups * per:
        raise InputError("%d bits hold fewer than %d groups of %d bits" % (stream.size, n_groups, per))
    s = stream[: n_groups * per].reshape(n_groups, per).astype(np.int64)
    nw = group * weight_bits
    w = (s[:, :nw].reshape(n_groups, group, weight_bits) << np.arange(weight_bits)).sum(axis=2)
    scale = (s[:, nw : nw + 16] << np.arange(16)).sum(axis=1).astype(np.uint16).view(np.float16)
    zero = (s[:, nw + 16 :] << np.arange(2)).sum(axis=1)
    return w, scale, zero


def _from_npz(path: Path, depth: int, width: int) -> np.ndarray:
    """Quantized weights: arrays w (groups, G), scale (groups,) float16, zero (groups,), weight_bits ()."""
    with np.load(path, allow_pickle=False) as z:
        missing = [k for k in ("w", "scale", "zero", "weight_bits") if k not in z]
        if missing:
            raise InputError("%s: missing arrays %s, expected w, scale, zero, weight_bits" % (path, ", ".join(missing)))
        bits = pack_groups(z["w"], z["scale"], z["zero"], int(z["weight_bits"]), width)
    if bits.shape[0] != depth:
        raise InputError("%s: the packed weights fill %d words of %d bits, expected depth %d" % (path, bits.shape[0], width, depth))
    return bits
