"""Build one OpenRAM SRAM and write its SPICE, GDS and LEF, without the timing characterizer.

Run by flows/calibrate_openram.py with the OpenRAM interpreter (python openram_sram_layout.py -v
CONFIG), in place of OpenRAM's own sram_compiler.py. The macro is built exactly as
sram_compiler.py builds it (init_openram, setup_bitcell, sram()); only the saving differs:
OpenRAM 1.2.48's sram.save() writes the SPICE netlist and then a delay stimulus whose set-up
fails for words_per_row > 1 ("Could not find bl net in timing paths", after 34 minutes of
building the 4 kbit macro), before it writes the GDS and LEF. This script writes the three
files the calibration measures (.sp, .gds, .lef) and the Verilog model, and skips the
characterizer, which is off for this flow anyway (analytical_delay, no SPICE).
"""

import datetime
import sys

import openram

(OPTS, args) = openram.parse_args()
if len(args) != 1:
    print("usage: python openram_sram_layout.py [-v] CONFIG")
    sys.exit(2)
OPTS.top_process = "openram"
openram.init_openram(config_file=args[0])
openram.setup_bitcell()
start = datetime.datetime.now()
openram.print_time("Start", start)
print("Words per row: {}".format(OPTS.words_per_row))

from openram import sram  # noqa: E402  (after init_openram, as sram_compiler.py does)

s = sram()
base = OPTS.output_path + s.s.name
for ext, write in ((".sp", s.sp_write), (".gds", s.gds_write), (".lef", s.lef_write)):
    print("{}: Writing to {}".format(ext[1:].upper(), base + ext))
    write(base + ext)
s.verilog_write(base + ".v")
openram.end_openram()
openram.print_time("End", datetime.datetime.now(), start)
