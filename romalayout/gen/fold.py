"""Folding of a memory macro: words per physical row (column multiplexing) and banks.

A fold is how a compiler turns a D x W memory into a near-square array. With
words_per_row N and banks B each bank holds D/B words in rows of N words: D/(B*N) rows of
W*N bit lines, and a column mux picks the addressed word's W bit lines. Bits of one output
bit j are side by side (physical column j*N + g for column group g), so each mux is local.

Address fields, from bit 0 up:
  rom, sram: [column group: log2 N] [row] [bank: log2 B]
  brom:      [word in block: 2] [column group: log2 N] [block row] [bank: log2 B]
A B-ROM fold keeps the paper's block of four addresses whole: the four addresses of a
block are the four word lines of one physical block row, and the N blocks of a block row
sit side by side in the N column groups, sharing that row's one CGen and its 15 candidate
lines (block id = row * N + group). Folding therefore shares each CGen among W*N columns
instead of W.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from romalayout.errors import InputError

WORDS_PER_ROW = (1, 2, 4, 8, 16, 32)
BANKS = (1, 2, 4, 8)
WORDS_PER_BLOCK = {"brom": 4}  # addresses per physical row line set; 1 for rom and sram


@dataclass(frozen=True)
class Fold:
    """Words per physical row and banks."""

    words_per_row: int = 1
    banks: int = 1

    def to_json(self) -> dict:
        return {"words_per_row": self.words_per_row, "banks": self.banks}


def _log2(n: int) -> int:
    return int(n).bit_length() - 1


@dataclass(frozen=True)
class AddressMap:
    """Where each address lives in a folded memory (see the module docstring)."""

    kind: str
    depth: int
    width: int
    fold: Fold

    @property
    def words_per_block(self) -> int:
        return WORDS_PER_BLOCK.get(self.kind, 1)

    @property
    def words_per_bank(self) -> int:
        return self.depth // self.fold.banks

    @property
    def rows(self) -> int:
        """Physical rows (block rows for a B-ROM) per bank."""
        return self.words_per_bank // (self.fold.words_per_row * self.words_per_block)

    @property
    def cols(self) -> int:
        """Physical bit lines per bank."""
        return self.width * self.fold.words_per_row

    @property
    def word_bits(self) -> int:
        return _log2(self.words_per_block)

    @property
    def col_bits(self) -> int:
        return _log2(self.fold.words_per_row)

    @property
    def bank_bits(self) -> int:
        return _log2(self.fold.banks)

    @property
    def address_bits(self) -> int:
        """Address port width: ceil(log2 depth), at least 1."""
        return max(1, int(self.depth - 1).bit_length())

    @property
    def row_bits(self) -> int:
        """Bits between the column (and word) fields and the bank field."""
        return self.address_bits - self.word_bits - self.col_bits - self.bank_bits

    def locate(self, addresses) -> dict[str, np.ndarray]:
        """{bank, row, group, word} of each address (int arrays)."""
        a = np.asarray(addresses, dtype=np.int64)
        word = a & (self.words_per_block - 1)
        rest = a >> self.word_bits
        group = rest & (self.fold.words_per_row - 1)
        rest = rest >> self.col_bits
        in_bank = self.words_per_bank // (self.words_per_block * self.fold.words_per_row)
        return {"bank": rest // in_bank, "row": rest % in_bank, "group": group, "word": word}

    def physical_column(self, bit: np.ndarray, group: np.ndarray) -> np.ndarray:
        """Bit line of output bit `bit` in column group `group`."""
        return np.asarray(bit) * self.fold.words_per_row + np.asarray(group)


def check(kind: str, depth: int, width: int, fold: Fold) -> AddressMap:
    """The address map of `fold`, or InputError naming why the fold cannot hold the shape."""
    n, b = fold.words_per_row, fold.banks
    if n not in WORDS_PER_ROW:
        raise InputError("words per row must be one of %s, got %r" % (", ".join(map(str, WORDS_PER_ROW)), n))
    if b not in BANKS:
        raise InputError("banks must be one of %s, got %r" % (", ".join(map(str, BANKS)), b))
    per_block = WORDS_PER_BLOCK.get(kind, 1)
    if depth % b:
        raise InputError("depth %d is not a multiple of the %d banks" % (depth, b))
    per_bank = depth // b
    if b > 1 and per_bank & (per_bank - 1):
        raise InputError("with %d banks the words per bank (%d) must be a power of two: the bank is the top address bits" % (b, per_bank))
    unit = n * per_block
    if per_bank % unit:
        what = "4 x words per row" if per_block == 4 else "words per row"
        raise InputError("%s fold: %d words per bank is not a multiple of %s = %d" % (kind, per_bank, what, unit))
    return AddressMap(kind, depth, width, fold)


def candidates(kind: str, depth: int, width: int, max_banks: int = 4) -> list[Fold]:
    """Every fold that holds the shape, fewest banks and words per row first."""
    out = []
    for b in BANKS:
        if b > max_banks:
            break
        for n in WORDS_PER_ROW:
            try:
                check(kind, depth, width, Fold(n, b))
            except InputError:
                continue
            out.append(Fold(n, b))
    return out
