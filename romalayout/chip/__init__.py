"""ROMA chip model: model descriptions, ROM/SRAM capacity, performance, area/power, functional run.

Every hardware number comes from roma_spec.toml (see spec.py); README.md in this directory
documents the model, its assumptions and where it disagrees with the paper.
"""
