import shutil
from pathlib import Path

import pytest

from romalayout.tech import default_pdk_root, load_technology

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sky130():
    return load_technology("sky130")


@pytest.fixture(scope="session")
def asap7():
    return load_technology("asap7")


@pytest.fixture
def pdk_copy(tmp_path):
    """A writable copy of pdk/ (tables and pdk.toml only, no raw/) to break on purpose."""
    src = default_pdk_root()
    dst = tmp_path / "pdk"
    for name in ("sky130", "asap7"):
        shutil.copytree(src / name, dst / name, ignore=shutil.ignore_patterns("raw"))
    return dst
