import numpy as np

from romalayout import lunit
import pytest

from romalayout.chip.functional import fp8_e4m3, functional_model, group_error_stats, run_seeds
from romalayout.errors import InputError


def test_lunit_error_bound():
    for bits in (2, 4):
        st = group_error_stats(groups=4000, weight_bits=bits, seed=bits)
        assert st.bound_violations == 0
        assert 0 < st.max_rel_error < 2 ** -10  # truncation of each lane below the group's max exponent


def test_lunit_exact_when_exponents_equal():
    x = np.array([[1.0, -1.5, 1.25, 1.75]], dtype=np.float16)  # all exponent 15: no shift, exact
    w, z, s = np.array([[3, 0, 1, 2]]), np.array([1]), np.array([0.5], dtype=np.float16)
    assert lunit.group_dot(x, w, z, s)[0] == lunit.reference_dot(x, w, z, s)[0]


def test_fp8():
    assert fp8_e4m3(np.array([1.0, 1.0625, 1.1875, 500.0, 2.0 ** -10]))[:4].tolist() == [1.0, 1.0, 1.25, 448.0]


def test_agreement_over_ten_seeds_with_exact_product_control():
    # 1 layer, hidden 128, ffn 256, 2 heads of 64 (1 KV head), vocab 256, INT4, rank 4
    m = functional_model(1, 128, 256, 2, 1, 256)
    r = run_seeds(m, rank=4, prompt_tokens=4, decode_steps=16, seeds=range(10))
    assert len(r.runs) == 10 and r.agreement >= 0.9
    assert r.control_agreement >= r.agreement
    for x in r.runs:
        assert x.distinct_tokens > 1  # the argmax is not trivially constant
        # the control differs from the chip path only in the alignment unit's truncation,
        # and its logits are closer to the float64 reference in every seed
        assert 0 < x.control_max_abs_logit_error < x.max_abs_logit_error < x.logit_rms


def test_functional_model_shapes():
    with pytest.raises(InputError, match="multiple of the 128-weight group"):
        functional_model(1, 192, 256, 2, 1, 256)
    with pytest.raises(InputError, match="head_dim"):
        functional_model(1, 128, 256, 3, 1, 256)
