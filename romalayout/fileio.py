"""Atomic output: a file appears whole or not at all, never half-written."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same directory and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % path.name, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path | str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def staged_directory(out_dir: Path | str):
    """Yield a scratch directory; on success move every file in it into `out_dir`.

    On any exception nothing is moved and the scratch directory is removed, so a failed
    command leaves no partial output. Files are moved one by one with os.replace, so each
    file in `out_dir` is always either the old one or the complete new one."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".staging.", dir=out_dir))
    try:
        yield scratch
        for p in sorted(scratch.rglob("*")):
            if p.is_file():
                dest = out_dir / p.relative_to(scratch)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(p, dest)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
