import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from romalayout.contents import (
    pack_groups,
    parse_readmemh,
    random_contents,
    read_contents,
    to_readmemh,
    unpack_groups,
)
from romalayout.errors import InputError


def test_random_is_reproducible():
    assert np.array_equal(random_contents(32, 8, 3), random_contents(32, 8, 3))
    assert not np.array_equal(random_contents(32, 8, 3), random_contents(32, 8, 4))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 130), st.integers(0, 2**31))
def test_readmemh_roundtrip(depth, width, seed):
    bits = random_contents(depth, width, seed)
    text = to_readmemh(bits)
    assert len(text.splitlines()) == depth
    assert all(len(l) == (width + 3) // 4 for l in text.splitlines())
    assert np.array_equal(parse_readmemh(text, depth, width), bits)


@pytest.mark.parametrize(
    "text,needle",
    [
        ("0\n1\n", "2 words (last word on line 2), expected depth 3"),
        ("0\n1\n2\n3\n", "4 words (last word on line 4), expected depth 3"),
        ("0\nzz\n2\n", "line 2: 'zz' is not a hex word"),
        ("0\n1ff\n2\n", "line 2: word '1ff' has more than 8 bits"),
        ("@4\n1\n2\n", "line 1: address directive"),
    ],
)
def test_readmemh_errors_name_the_line(text, needle):
    with pytest.raises(InputError) as e:
        parse_readmemh(text, 3, 8, name="c.hex")
    assert needle in str(e.value)


def test_files(tmp_path):
    bits = random_contents(10, 12, 1)
    (tmp_path / "c.hex").write_text("// comment\n" + to_readmemh(bits))
    assert np.array_equal(read_contents(tmp_path / "c.hex", 10, 12), bits)
    np.save(tmp_path / "c.npy", bits.astype(np.uint8))
    assert np.array_equal(read_contents(tmp_path / "c.npy", 10, 12), bits)
    raw = np.packbits(np.pad(bits, ((0, 0), (0, 4))), axis=1, bitorder="little").tobytes()
    (tmp_path / "c.bin").write_bytes(raw)
    assert np.array_equal(read_contents(tmp_path / "c.bin", 10, 12), bits)
    with pytest.raises(InputError, match="120 bytes|20 bytes, expected depth 11"):
        read_contents(tmp_path / "c.bin", 11, 12)
    with pytest.raises(InputError, match=r"array shape \(10, 12\), expected \(10, 13\)"):
        read_contents(tmp_path / "c.npy", 10, 13)
    with pytest.raises(InputError, match="does not exist"):
        read_contents(tmp_path / "nope.hex", 10, 12)
    bad = raw[:1] + bytes([raw[1] | 0x80]) + raw[2:]
    (tmp_path / "d.bin").write_bytes(bad)
    with pytest.raises(InputError, match="word 0 has bits set above bit 11"):
        read_contents(tmp_path / "d.bin", 10, 12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.sampled_from([2, 4]), st.sampled_from([4, 128]), st.integers(1, 64), st.integers(0, 2**31))
def test_quantized_groups_roundtrip(groups, weight_bits, group, width, seed):
    rng = np.random.default_rng(seed)
    w = rng.integers(0, 1 << weight_bits, size=(groups, group))
    s = rng.standard_normal(groups).astype(np.float16)
    z = rng.integers(0, 4, size=groups)
    bits = pack_groups(w, s, z, weight_bits, width)
    assert bits.shape[1] == width and bits.shape[0] == -(-groups * (group * weight_bits + 18) // width)
    w2, s2, z2 = unpack_groups(bits, groups, group, weight_bits)
    assert np.array_equal(w, w2) and np.array_equal(s.view(np.uint16), s2.view(np.uint16)) and np.array_equal(z, z2)


def test_quantized_refuses_out_of_range():
    with pytest.raises(InputError, match="weights must be in 0..3 for UInt2"):
        pack_groups(np.full((1, 4), 4), np.ones(1, np.float16), np.zeros(1, int), 2, 8)
    with pytest.raises(InputError, match="weight bits must be 2 or 4, got 3"):
        pack_groups(np.zeros((1, 4), int), np.ones(1, np.float16), np.zeros(1, int), 3, 8)
