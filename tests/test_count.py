
from romalayout.contents import random_contents
from romalayout.count import count
from romalayout.gen import brom, rom
from romalayout.netlist import CONST0, NetlistBuilder
from romalayout.netlist.logic import LogicBuilder, cell_type


def test_hand_counted_netlist(sky130):
    """inv -> nand2 with one fanout-2 net: every number can be checked by hand."""
    nb = NetlistBuilder("t")
    lb = LogicBuilder(nb, sky130)
    a, b = nb.new_nets(2)
    na = lb.gate("inv", "decoder", A=a)
    y = lb.gate("nand2", "periphery", A=na, B=b)
    z = lb.gate("nand2", "periphery", A=na, B=CONST0)
    nb.add_port("a", "input", [a, b])
    nb.add_port("y", "output", [y, z])
    c = count(nb.build(), sky130)
    assert c.transistors == {"array": 0, "decoder": 2, "cgen": 0, "periphery": 8, "compute": 0, "total": 10}
    assert c.instances == 3 and c.instances_by_block == {"decoder": 1, "periphery": 2}
    assert c.nets == 5  # a, b, na, y, z (constants excluded)
    assert c.pins == 8
    # sinks: a 1, b 1, na 2, y 1 (port), z 1 (port)
    assert c.fanout_histogram == {"1": 4, "2": 1}


def test_fingers_counted_separately(sky130):
    nb = NetlistBuilder("t")
    nb.add_type(cell_type(sky130, "sky130_fd_sc_hd__inv_16"))
    a, y = nb.new_nets(2)
    nb.add("sky130_fd_sc_hd__inv_16", "periphery", A=a, Y=y)
    c = count(nb.build(), sky130)
    assert c.transistors["total"] == 2 and c.transistors_with_fingers == 32


def test_brom_quarter_of_rom_array_transistors(asap7):
    bits = random_contents(1024, 128, 2)
    r = count(rom.generate(asap7, bits), asap7)
    b = count(brom.generate(asap7, bits), asap7)
    assert b.transistors["array"] * 4 == r.transistors["array"]
    # With CGen included the saving is smaller than 4x but B-ROM still wins at W = 128.
    assert r.transistors["array"] > b.transistors["array"] + b.transistors["cgen"]
