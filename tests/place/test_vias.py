"""Via counts of a routing estimate (romalayout.place.vias), worked by hand."""

import numpy as np

from romalayout.netlist import NetlistBuilder
from romalayout.netlist.logic import LogicBuilder
from romalayout.place.route import Routes
from romalayout.place.vias import count_vias


def test_two_pin_net_by_hand(sky130):
    # inv0.Y -> inv1.A on one net. Trunk on met1 (index 1); inv0's pin has a vertical branch
    # on met2 (index 2); inv1's pin lies on the trunk (no branch).
    #   inv0 pin: li1 -> met2 = mcon + via; branch met2 -> trunk met1 = via;
    #   inv1 pin: li1 -> met1 (the trunk) = mcon.   Total: mcon 2, via 2.
    nb = NetlistBuilder("t")
    lb = LogicBuilder(nb, sky130)
    a = nb.new_net("a")
    nb.add_port("a", "input", [a])
    y = lb.gates("inv", "logic", A=[a])["Y"]
    z = lb.gates("inv", "logic", A=y)["Y"]
    nb.add_port("z", "output", z)
    nl = nb.build()
    net = int(y[0])
    pins = np.flatnonzero(nl.pin_net == net)  # inv0.Y, inv1.A
    rt = Routes(np.array([0.0, 0.0]), np.array([1.0, 0.0]), np.array([5.0, 0.0]), np.array([1.0, 1.0]),
                np.array([1, 2], np.int16), 6.0, net=np.array([net, net]), is_trunk=np.array([True, False]),
                pin=np.array([-1, pins[0]]))
    assert count_vias(sky130, nl, rt) == {"mcon": 2, "via": 2, "via2": 0, "via3": 0, "via4": 0}
