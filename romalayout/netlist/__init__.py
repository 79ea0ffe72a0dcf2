"""The netlist IR: flat, index-addressed, numpy-backed. Generators write it; back ends read it."""

from romalayout.netlist.ir import CONST0, CONST1, NO_NET, CellType, Netlist, Port
from romalayout.netlist.builder import NetlistBuilder

__all__ = ["CONST0", "CONST1", "NO_NET", "CellType", "Netlist", "NetlistBuilder", "Port"]
