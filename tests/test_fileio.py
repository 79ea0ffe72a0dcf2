import os

import pytest

from romalayout.fileio import atomic_write_text, staged_directory


def test_atomic_write_has_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_text() == "x"
    assert os.stat(tmp_path / "a.txt").st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_staged_directory_leaves_nothing_on_error(tmp_path):
    out = tmp_path / "out"
    (out).mkdir()
    (out / "old.json").write_text("old")
    with pytest.raises(RuntimeError):
        with staged_directory(out) as d:
            (d / "old.json").write_text("new")
            (d / "half.v").write_text("module")
            raise RuntimeError("boom")
    assert sorted(p.name for p in out.iterdir()) == ["old.json"]
    assert (out / "old.json").read_text() == "old"


def test_staged_directory_moves_on_success(tmp_path):
    with staged_directory(tmp_path / "o") as d:
        (d / "a.txt").write_text("a")
        (d / "sub").mkdir()
        (d / "sub" / "b.txt").write_text("b")
    assert sorted(str(p.relative_to(tmp_path / "o")) for p in (tmp_path / "o").rglob("*.txt")) == ["a.txt", "sub/b.txt"]
    assert not [p for p in (tmp_path / "o").iterdir() if p.name.startswith(".staging")]
