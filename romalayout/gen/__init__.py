"""Netlist generators: pure functions (Technology, parameters) -> Netlist."""
