"""Folds and address maps (romalayout.gen.fold), checked against maps worked out by hand."""

import numpy as np
import pytest

from romalayout.errors import InputError
from romalayout.gen.fold import Fold, candidates, check


def test_brom_address_fields_by_hand():
    # B-ROM, 64 words, 2 words per row, 2 banks: 32 words per bank, 4 block rows of 2 blocks.
    # Address 45 = 0b101101: word in block = 0b01 = 1, column group = bit 2 = 1,
    # the rest 0b101 = 5 = bank 1 (5 // 4 block rows), row 1. Check: bank 1 holds 32..63;
    # 45 - 32 = 13 is word 1 of block 3 (12..15), and block 3 = row 1 x 2 + group 1.
    amap = check("brom", 64, 8, Fold(2, 2))
    assert (amap.rows, amap.cols, amap.word_bits, amap.col_bits, amap.bank_bits) == (4, 16, 2, 1, 1)
    loc = amap.locate([45])
    assert {k: int(v[0]) for k, v in loc.items()} == {"bank": 1, "row": 1, "group": 1, "word": 1}


def test_rom_address_fields_every_address():
    # ROM, 24 words, 4 words per row (6 rows): group = a % 4, row = a // 4.
    amap = check("rom", 24, 3, Fold(4, 1))
    a = np.arange(24)
    loc = amap.locate(a)
    assert np.array_equal(loc["group"], a % 4) and np.array_equal(loc["row"], a // 4)
    assert not loc["bank"].any() and not loc["word"].any()
    # Output bit j of column group g is bit line j * 4 + g.
    assert amap.physical_column(2, 3) == 11


@pytest.mark.parametrize("kind, depth, fold, message", [
    ("rom", 100, Fold(3, 1), "words per row must be one of 1, 2, 4, 8, 16, 32, got 3"),
    ("rom", 100, Fold(1, 3), "banks must be one of 1, 2, 4, 8, got 3"),
    ("rom", 100, Fold(8, 1), "rom fold: 100 words per bank is not a multiple of words per row = 8"),
    ("brom", 96, Fold(16, 1), "brom fold: 96 words per bank is not a multiple of 4 x words per row = 64"),
    ("sram", 96, Fold(1, 2), "with 2 banks the words per bank (48) must be a power of two"),
    ("sram", 98, Fold(1, 4), "depth 98 is not a multiple of the 4 banks"),
])
def test_folds_that_cannot_hold_the_shape(kind, depth, fold, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check(kind, depth, 8, fold)


def test_candidates_are_exactly_the_valid_folds():
    # 48 words: words per row must divide 48 (1, 2, 4, 8, 16), banks only 1 (48/2 = 24 is not a power of two).
    got = {(f.words_per_row, f.banks) for f in candidates("rom", 48, 8)}
    assert got == {(1, 1), (2, 1), (4, 1), (8, 1), (16, 1)}
    # B-ROM, 64 words: 4 x words per row must divide the words per bank (64, 32, 16 for 1, 2, 4 banks).
    got = {(f.words_per_row, f.banks) for f in candidates("brom", 64, 8)}
    assert got == {(1, 1), (2, 1), (4, 1), (8, 1), (16, 1), (1, 2), (2, 2), (4, 2), (8, 2), (1, 4), (2, 4), (4, 4)}
