"""Technology data: frozen dataclasses loaded and validated from pdk/<name>/."""

from romalayout.tech.model import (
    BaseLayer,
    Cell,
    CutLayer,
    Metal,
    Role,
    RomBitcell,
    Technology,
)
from romalayout.tech.load import available_pdks, default_pdk_root, load_technology

__all__ = [
    "BaseLayer",
    "Cell",
    "CutLayer",
    "Metal",
    "Role",
    "RomBitcell",
    "Technology",
    "available_pdks",
    "default_pdk_root",
    "load_technology",
]
