"""Back ends: structural Verilog (verilog.py, with leaf models from models.py and device
models from devices.py) and SPICE (spice.py). Import the submodules directly."""
