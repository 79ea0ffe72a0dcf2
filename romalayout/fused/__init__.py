"""Fused cell (ROMA Section III-D, Fig. 12): L-unit designs, their area and power; see README.md."""
