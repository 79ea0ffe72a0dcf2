"""Design options shared by the gen, place, gds and fused commands."""

from __future__ import annotations

from romalayout.design import KINDS, build
from romalayout.gen.devices import PROGRAMS
from romalayout.tech import load_technology


def _int_at_least(minimum: int, expected: str):
    """argparse type: an integer >= minimum; the error names the value and what was expected."""
    import argparse

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            v = None
        if v is None or v < minimum:
            raise argparse.ArgumentTypeError("expected %s, got %r" % (expected, text))
        return v

    return parse


_positive_int = _int_at_least(1, "a positive integer")
non_negative_int = _int_at_least(0, "an integer >= 0")


def add_design_options(p, kinds=KINDS) -> None:
    """--depth/--width/--seed/--contents/--pdk/--program/--group/--weight-bits and the kind."""
    p.add_argument("kind", choices=kinds, help="design to generate")
    p.add_argument("--depth", type=_positive_int, help="words (rom, brom, sram)")
    p.add_argument("--width", type=_positive_int, help="bits per word (rom, brom, sram)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--seed", type=int, default=0, help="seed of the random contents (default 0)")
    src.add_argument("--contents", help="contents file: .hex/.mem ($readmemh), .npy, .bin, or .npz (quantized weights)")
    p.add_argument("--pdk", default="sky130", help="PDK name (default sky130; see `romalayout pdk list`)")
    p.add_argument("--program", choices=PROGRAMS, default="via", help="ROM programming: via (a transistor everywhere) or diffusion")
    p.add_argument("--group", type=_positive_int, default=128, help="compute: activations per group (default 128)")
    p.add_argument("--weight-bits", type=int, choices=(2, 4), default=2, help="compute: UInt2 or UInt4 weights (default 2)")


def design_from_args(args):
    """(Technology, Design) from parsed design options."""
    tech = load_technology(args.pdk)
    design = build(tech, args.kind, args.depth, args.width, seed=args.seed, contents_path=args.contents,
                   program=args.program, group=args.group, weight_bits=args.weight_bits)
    return tech, design
