"""romalayout: gate-level netlists and physical-layout estimates for ROM-based LLM accelerators."""

__version__ = "0.1.0"
