"""Bit-accurate numpy model of the ROMA L-unit arithmetic (paper Section III-B, Eq. (1)).

A group of G FP16 activations x_k meets G unsigned quantized weights w_k (UInt2 or UInt4),
one UInt2 zero point z and one FP16 scale s. The alignment unit turns each x_k into an
integer with a shared exponent:

  vconv_k = (-1)^sign * {1'b1, mantissa}   normal   (exp field 1..30)
          = (-1)^sign * {mantissa, 1'b0}   denormal (exp field 0)

so that x_k = vconv_k * 2^(exp_k - 25) exactly (25 = bias 15 + 10 mantissa bits), with
exp_k the raw exponent field. max_exp = max_k exp_k and

  value_k = vconv_k >> (max_exp - exp_k)

ROUNDING (our decision; the paper does not say): the 11-bit magnitude |vconv_k| is shifted
right and the dropped bits are discarded, then the sign is applied. That is truncation
toward zero in sign-magnitude, which is what a plain barrel shifter on the magnitude
followed by a conditional negate does. So |value_k| * 2^(max_exp-25) <= |x_k| and the error
per activation is < 2^(max_exp-25) (zero for lanes with exp_k == max_exp). A shift of 11 or
more gives 0.

Eq. (1) with the mantissa scaling made explicit:

  res = (sum_k value_k * w_k - vsum * z) * s * 2^(max_exp - 25),   vsum = sum_k value_k
      = acc * sig * 2^(max_exp + exp_s - 50)

where sig = vconv(s) is the scale's signed 11-bit significand and exp_s its raw exponent
field (s = sig * 2^(exp_s - 25)). `group_dot_exact` returns the integers (acc, sig,
exponent) that the gate-level compute cell (romalayout.gen.compute) produces.

Inputs are either float16 arrays or their uint16 bit patterns (so -0.0 and exact bit
patterns can be given); any other dtype is refused rather than silently rounded. Inf and
NaN (exponent field 31) have no fixed-point value and are refused with InputError.
Every function is vectorized over leading axes; the last axis of x and w is the group.
"""

from __future__ import annotations

import numpy as np

from romalayout.errors import InputError

FP16_MANT_BITS = 10
FP16_EXP_MAX = 30  # largest finite exponent field; 31 is Inf/NaN
VCONV_BITS = 11  # magnitude of vconv: {1, mantissa} or {mantissa, 0}
VCONV_MAX = (1 << VCONV_BITS) - 1
EXP_OFFSET = 25  # x = vconv * 2^(exp - EXP_OFFSET): FP16 bias 15 + 10 mantissa bits
WEIGHT_BITS = (2, 4)
ZERO_POINT_BITS = 2
DEFAULT_GROUP = 128


def fp16_fields_from_bits(bits) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sign, exp, mant) int64 arrays of FP16 bit patterns given as unsigned 16-bit integers."""
    b = np.asarray(bits)
    if not np.issubdtype(b.dtype, np.integer):
        raise InputError("FP16 bit patterns must be integers, got dtype %s" % b.dtype)
    b = b.astype(np.int64)
    if b.size and (b.min() < 0 or b.max() > 0xFFFF):
        raise InputError("FP16 bit patterns must be in 0..65535, got %d..%d" % (b.min(), b.max()))
    return (b >> 15) & 1, (b >> FP16_MANT_BITS) & 0x1F, b & 0x3FF


def fp16_fields(x) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sign, exp, mant) int64 arrays of a float16 array (raw fields, exp 0 for denormals)."""
    a = np.asarray(x)
    if a.dtype != np.float16:
        raise InputError("expected a float16 array, got dtype %s (convert explicitly; nothing is rounded here)" % a.dtype)
    return fp16_fields_from_bits(a.view(np.uint16))


def _fields(x, what: str):
    """Fields of float16 values or uint16 bit patterns; refuses Inf/NaN."""
    a = np.asarray(x)
    if a.dtype == np.float16:
        f = fp16_fields(a)
    elif a.dtype == np.uint16:
        f = fp16_fields_from_bits(a)
    else:
        raise InputError("%s must be float16 values or uint16 FP16 bit patterns, got dtype %s" % (what, a.dtype))
    bad = f[1] > FP16_EXP_MAX
    if np.any(bad):
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InputError("%s holds %d Inf/NaN value(s) (first at index %s); they have no fixed-point value" % (what, int(bad.sum()), first))
    return f


def vconv(sign, exp, mant) -> np.ndarray:
    """Signed 11-bit significand: +-{1, mant} for normal, +-{mant, 0} for denormal (exp 0)."""
    mag = np.where(exp > 0, (1 << FP16_MANT_BITS) | mant, mant << 1)
    return np.where(sign == 1, -mag, mag).astype(np.int64)


def align(x_fp16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The alignment unit: (values (..., G), max_exp (...), vsum (...)), all int64.

    value_k = vconv_k >> (max_exp - exp_k), truncating the magnitude (round toward zero)."""
    sign, exp, mant = _fields(x_fp16, "activations")
    if exp.ndim == 0 or exp.shape[-1] == 0:
        raise InputError("activations need a last (group) axis of at least one element, got shape %s" % (exp.shape,))
    max_exp = exp.max(axis=-1)
    shift = max_exp[..., None] - exp
    mag = np.abs(vconv(sign, exp, mant)) >> shift  # shift <= 30: 11 or more gives 0
    values = np.where(sign == 1, -mag, mag)
    return values, max_exp, values.sum(axis=-1)


def _check_uint(a, bits: int | None, what: str, limit_bits: int) -> np.ndarray:
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.integer):
        raise InputError("%s must be unsigned integers, got dtype %s" % (what, a.dtype))
    a = a.astype(np.int64)
    top = (1 << (bits if bits is not None else limit_bits)) - 1
    if a.size and (a.min() < 0 or a.max() > top):
        raise InputError("%s must be in 0..%d, got %d..%d" % (what, top, a.min(), a.max()))
    return a


def check_weight_bits(weight_bits) -> int:
    """Validate a weight width (2 for UInt2, 4 for UInt4); return it as int."""
    if weight_bits not in WEIGHT_BITS or isinstance(weight_bits, bool):
        raise InputError("weight_bits must be one of %s, got %r" % (", ".join(map(str, WEIGHT_BITS)), weight_bits))
    return int(weight_bits)


def group_dot_exact(x_fp16, w_uint, z_uint, scale_fp16, weight_bits: int | None = None):
    """The integers of Eq. (1): (acc, sig, exponent), int64 arrays of the broadcast leading shape.

    acc = sum_k value_k * w_k - vsum * z, sig = vconv(s), exponent = max_exp + exp_s - 50;
    res = acc * sig * 2^exponent exactly. w must fit weight_bits (default: at most 4 bits)."""
    if weight_bits is not None:
        check_weight_bits(weight_bits)
    values, max_exp, vsum = align(x_fp16)
    w = _check_uint(w_uint, weight_bits, "weights", max(WEIGHT_BITS))
    z = _check_uint(z_uint, ZERO_POINT_BITS, "zero points", ZERO_POINT_BITS)
    try:
        vb, wb = np.broadcast_arrays(values, w)
    except ValueError:
        raise InputError("activations %s and weights %s do not broadcast" % (values.shape, w.shape)) from None
    ss, es, ms = _fields(scale_fp16, "scales")
    dot = (vb * wb).sum(axis=-1)
    try:
        acc = dot - vsum * z
        sig = vconv(ss, es, ms)
        exponent = max_exp + es - 2 * EXP_OFFSET
        acc, sig, exponent = np.broadcast_arrays(acc, sig, exponent)
    except ValueError:
        raise InputError("zero points %s and scales %s must broadcast to the leading shape %s" % (z.shape, np.shape(es), dot.shape)) from None
    return acc.copy(), sig.copy(), exponent.copy()


def group_dot(x_fp16, w_uint, z_uint, scale_fp16, weight_bits: int | None = None) -> np.ndarray:
    """Eq. (1) as float64: res = acc * sig * 2^exponent (exact: |acc*sig| < 2^53)."""
    acc, sig, exponent = group_dot_exact(x_fp16, w_uint, z_uint, scale_fp16, weight_bits)
    return np.ldexp((acc * sig).astype(np.float64), exponent.astype(np.int32))


def _as_float64(a, what: str) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype == np.uint16:
        a = a.view(np.float16)
    elif a.dtype != np.float16:
        raise InputError("%s must be float16 values or uint16 FP16 bit patterns, got dtype %s" % (what, a.dtype))
    return a.astype(np.float64)


def reference_dot(x, w, z, s) -> np.ndarray:
    """Float64 reference sum_k (w_k - z) * s * x_k (no alignment). Each term is exact in
    float64; the sum (np.sum) rounds, which matters only for extreme exponent spreads."""
    xf = _as_float64(x, "activations")
    sf = _as_float64(s, "scales")
    w = np.asarray(w, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    return np.sum((w - z[..., None]) * sf[..., None] * xf, axis=-1)


__all__ = [
    "DEFAULT_GROUP",
    "EXP_OFFSET",
    "VCONV_BITS",
    "VCONV_MAX",
    "WEIGHT_BITS",
    "ZERO_POINT_BITS",
    "align",
    "check_weight_bits",
    "fp16_fields",
    "fp16_fields_from_bits",
    "group_dot",
    "group_dot_exact",
    "reference_dot",
    "vconv",
]
