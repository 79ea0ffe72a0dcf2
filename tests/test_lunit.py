"""The numpy L-unit model against IEEE FP16 facts, exact integer references and float64."""

import numpy as np
import pytest

from romalayout import lunit
from romalayout.errors import InputError

FINITE_BITS = np.array([b for b in range(1 << 16) if (b >> 10) & 0x1F != 0x1F], dtype=np.uint16)


def random_fp16_bits(rng, shape, kind):
    """FP16 bit patterns: 'any' finite, 'denormal' (exp 0), 'low' (exp 0..2: normal and
    denormal mixed), 'gauss' (N(0,1) times a per-group scale 10^[-4, 4])."""
    sign = rng.integers(0, 2, size=shape).astype(np.uint16) << 15
    if kind == "any":
        return FINITE_BITS[rng.integers(0, FINITE_BITS.size, size=shape)]
    if kind == "denormal":
        return rng.integers(0, 1 << 10, size=shape).astype(np.uint16) | sign
    if kind == "low":
        return rng.integers(0, 3 << 10, size=shape).astype(np.uint16) | sign
    if kind == "gauss":
        scale = 10.0 ** rng.uniform(-4, 4, size=shape[:-1] + (1,))
        return (rng.standard_normal(shape) * scale).astype(np.float16).view(np.uint16)
    raise ValueError(kind)


def exact_scaled(bits):
    """x * 2^25 as int64 (exact: |x| * 2^25 < 2^41) and the raw exponent field, derived
    from numpy's own float16 -> float64 conversion, not from the model."""
    xf = bits.view(np.float16).astype(np.float64)
    X = (xf * 2.0**25).astype(np.int64)
    assert np.array_equal(X.astype(np.float64), xf * 2.0**25)
    _, fr_exp = np.frexp(np.abs(xf))
    e = np.where(np.abs(xf) >= 2.0**-14, fr_exp + 14, 0)  # 1.f * 2^(E-15) = 0.1f * 2^(E-14)
    return X, e.astype(np.int64)


def test_fields_of_known_values():
    x = np.array([1.0, -2.0, 2.0**-24, 65504.0, -0.0, 2.0**-14, 1.5], dtype=np.float16)
    s, e, m = lunit.fp16_fields(x)
    assert s.tolist() == [0, 1, 0, 0, 1, 0, 0]
    assert e.tolist() == [15, 16, 0, 30, 0, 1, 15]
    assert m.tolist() == [0, 0, 1, 1023, 0, 0, 512]
    sb, eb, mb = lunit.fp16_fields_from_bits(x.view(np.uint16))
    assert (sb.tolist(), eb.tolist(), mb.tolist()) == (s.tolist(), e.tolist(), m.tolist())


def test_vconv_is_exact_for_every_finite_fp16():
    """Groups of one are never shifted: value * 2^(exp-25) must be x itself, for all 63488
    finite patterns; normal magnitudes carry the hidden one (bit 10), denormals are even."""
    x = FINITE_BITS.view(np.float16)
    values, max_exp, vsum = lunit.align(x[:, None])
    v = values[:, 0]
    assert np.array_equal(v * np.exp2(max_exp - 25.0), x.astype(np.float64))
    assert np.array_equal(vsum, v)
    normal = (FINITE_BITS & 0x7C00) != 0
    assert np.all((np.abs(v[normal]) >= 1024) & (np.abs(v[normal]) <= 2047))
    assert np.all(np.abs(v[~normal]) % 2 == 0) and np.all(np.abs(v[~normal]) <= 2046)


@pytest.mark.parametrize("kind", ["any", "denormal", "low", "gauss"])
def test_alignment_truncates_toward_zero(kind):
    rng = np.random.default_rng(7)
    bits = random_fp16_bits(rng, (300, 128), kind)
    bits[:5, 3] = 0x8000  # negative zero
    values, max_exp, vsum = lunit.align(bits)
    X, e = exact_scaled(bits)
    assert np.array_equal(max_exp, e.max(axis=-1))
    step = 2 ** max_exp[:, None]  # weight of one unit of value, in units of 2^-25
    assert np.all(np.abs(values) * step <= np.abs(X))
    assert np.all(np.abs(X) < (np.abs(values) + 1) * step)
    nz = values != 0
    assert np.array_equal(np.sign(values[nz]), np.sign(X[nz]))
    top = max_exp[:, None] == e  # lanes holding the max exponent are not shifted
    assert np.array_equal((values * step)[top], X[top])
    assert np.array_equal(vsum, values.sum(axis=-1))


def test_truncation_error_distribution():
    """Dropped bits of Gaussian activations are close to uniform: the error in units of the
    value LSB averages -1/2 for x > 0 and +1/2 for x < 0 (toward zero; floor would give
    -1/2 for both, round-to-nearest 0 for both)."""
    rng = np.random.default_rng(11)
    bits = random_fp16_bits(rng, (2000, 128), "gauss")
    values, max_exp, _ = lunit.align(bits)
    X, e = exact_scaled(bits)
    err = (values * 2.0 ** max_exp[:, None] - X) / 2.0 ** max_exp[:, None]
    deep = (max_exp[:, None] - e) >= 6  # at least six bits dropped
    assert deep.sum() > 10000
    assert -0.53 < err[deep & (X > 0)].mean() < -0.47
    assert 0.47 < err[deep & (X < 0)].mean() < 0.53
    assert np.all(err[max_exp[:, None] == e] == 0)


@pytest.mark.parametrize("weight_bits", [2, 4])
@pytest.mark.parametrize("kind", ["any", "low", "gauss"])
def test_group_dot_exact_identity_and_error_bound(weight_bits, kind):
    rng = np.random.default_rng(3 + weight_bits)
    n, G = 400, 128
    bits = random_fp16_bits(rng, (n, G), kind)
    w = rng.integers(0, 1 << weight_bits, size=(n, G)).astype(np.uint8)
    z = rng.integers(0, 4, size=n)
    s = random_fp16_bits(rng, (n, 1), kind)[:, 0]
    acc, sig, exponent = lunit.group_dot_exact(bits, w, z, s, weight_bits)
    values, max_exp, vsum = lunit.align(bits)
    assert np.array_equal(acc, (values * w).sum(-1) - vsum * z)
    assert np.array_equal(acc, (values * (w.astype(np.int64) - z[:, None])).sum(-1))
    assert np.array_equal(sig * np.exp2(exponent - max_exp + 25.0), s.view(np.float16).astype(np.float64))
    assert np.all(np.abs(sig) <= 2047)
    res = lunit.group_dot(bits, w, z, s, weight_bits)
    assert np.array_equal(res, (acc * sig).astype(np.float64) * np.exp2(exponent.astype(np.float64)))
    # Proven bound: per lane the truncation loses less than one value LSB, a multiple of
    # 2^e_k, so |err_k| <= 2^M - 2^e_k (units 2^-25), weighted by |w_k - z|.
    X, e = exact_scaled(bits)
    d = w.astype(np.int64) - z[:, None]
    E = acc * 2 ** max_exp - (d * X).sum(-1)
    bound = (np.abs(d) * (2 ** max_exp[:, None] - 2**e)).sum(-1)
    assert np.all(np.abs(E) <= bound)
    # The same bound in float, against the float64 reference (terms exact, sum rounded).
    sf = s.view(np.float16).astype(np.float64)
    ref = lunit.reference_dot(bits, w, z, s)
    terms = np.abs(d * sf[:, None] * bits.view(np.float16).astype(np.float64)).sum(-1)
    assert np.all(np.abs(res - ref) <= np.abs(sf) * bound * 2.0**-25 + 1e-12 * terms)


def test_all_denormal_group_uses_exponent_zero():
    x = np.array([[2.0**-24, -3 * 2.0**-24, 0.0, 1023 * 2.0**-24]], dtype=np.float16)
    values, max_exp, vsum = lunit.align(x)
    assert max_exp.tolist() == [0]
    assert values.tolist() == [[2, -6, 0, 2046]]  # {mantissa, 1'b0}
    assert vsum.tolist() == [2042]


def test_broadcast_one_activation_group_many_weight_rows():
    rng = np.random.default_rng(5)
    x = random_fp16_bits(rng, (1, 64), "gauss")[0]
    w = rng.integers(0, 4, size=(6, 64))
    z = rng.integers(0, 4, size=6)
    s = np.float16(0.03125)
    res = lunit.group_dot(x, w, z, s)
    assert res.shape == (6,)
    rows = [lunit.group_dot(x, w[r], z[r], s) for r in range(6)]
    assert np.array_equal(res, np.array(rows))


def test_refusals():
    x = np.ones(8, dtype=np.float16)
    w = np.ones(8, dtype=np.int64)
    with pytest.raises(InputError, match="Inf/NaN"):
        lunit.align(np.array([1.0, np.inf], dtype=np.float16))
    with pytest.raises(InputError, match="Inf/NaN"):
        lunit.group_dot(x, w, 0, np.float16(np.nan))
    with pytest.raises(InputError, match="float16"):
        lunit.align(np.ones(8, dtype=np.float32))
    with pytest.raises(InputError, match="float16"):
        lunit.fp16_fields(np.ones(4))
    with pytest.raises(InputError, match=r"0\.\.3"):
        lunit.group_dot_exact(x, w * 4, 0, np.float16(1), weight_bits=2)
    with pytest.raises(InputError, match=r"0\.\.15"):
        lunit.group_dot_exact(x, w * 16, 0, np.float16(1))
    with pytest.raises(InputError, match="zero points"):
        lunit.group_dot_exact(x, w, 4, np.float16(1))
    with pytest.raises(InputError, match="weight_bits"):
        lunit.group_dot_exact(x, w, 0, np.float16(1), weight_bits=3)
    with pytest.raises(InputError, match="unsigned integers"):
        lunit.group_dot_exact(x, w.astype(float), 0, np.float16(1))
    with pytest.raises(InputError, match="broadcast"):
        lunit.group_dot_exact(x, np.ones(7, dtype=np.int64), 0, np.float16(1))
