"""Design options shared by the gen, place, gds and fused commands."""

from __future__ import annotations

from romalayout.design import KINDS, STYLES, build
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
    add_fold_options(p)


def _aspect(text: str) -> float:
    import argparse
    import math

    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if not (math.isfinite(v) and v >= 1.0):
        raise argparse.ArgumentTypeError("expected a number >= 1 (long side / short side), got %r" % text)
    return v


def add_fold_options(p) -> None:
    """--style/--words-per-row/--banks/--max-aspect (memories; romalayout.gen.fold)."""
    from romalayout.gen.fold import BANKS, WORDS_PER_ROW

    p.add_argument("--style", choices=STYLES, default="compiler",
                   help="compiler (default): folded macro with its periphery and power ring; "
                        "array: the bare unfolded array with a decoder, as estimated before folding")
    p.add_argument("--words-per-row", type=int, choices=WORDS_PER_ROW,
                   help="words per physical row (column mux); default: the fold of least area within --max-aspect")
    p.add_argument("--banks", type=int, choices=BANKS, help="banks (default: chosen with --words-per-row)")
    p.add_argument("--max-aspect", type=_aspect, default=2.0,
                   help="largest aspect ratio (long / short side) the chosen fold may have (default 2.0)")
    p.add_argument("--leaf-cells", default="derived",
                   help="array leaf cells: derived (default: the ROM cell from the design rules, the PDK's 6T cell) "
                        "or a set of pdk/<pdk>/leaf_cells.toml (sky130: openram, OpenRAM 1.2.48's measured cells)")


def design_from_args(args):
    """(Technology, Design) from parsed design options; a compiler-style memory gets the fold
    the options pin or, for what they leave open, the one romalayout.place.plan chooses."""
    from romalayout.tech.leaf import with_leaf_cells

    tech = with_leaf_cells(load_technology(args.pdk), getattr(args, "leaf_cells", "derived"))
    style = getattr(args, "style", "array")
    common = dict(seed=args.seed, contents_path=args.contents, program=args.program, group=args.group, weight_bits=args.weight_bits)
    if style != "compiler" or args.kind == "compute":
        if style == "array" and (args.words_per_row or args.banks):
            from romalayout.errors import InputError

            raise InputError("--words-per-row and --banks need --style compiler (the array style is unfolded)")
        return tech, build(tech, args.kind, args.depth, args.width, **common)
    from romalayout.design import memory_contents
    from romalayout.place.plan import choose_fold

    bits = memory_contents(args.kind, args.depth, args.width, args.seed, args.contents)
    if args.kind == "brom" and bits.shape[0] % 4:
        from romalayout.errors import InputError

        raise InputError("B-ROM depth must be a multiple of 4, got %d" % bits.shape[0])
    fold, plans = choose_fold(tech, args.kind, bits, args.max_aspect, args.words_per_row, args.banks, args.program)
    design = build(tech, args.kind, args.depth, args.width, style="compiler", fold=fold, **common)
    return tech, design.with_plans(plans, args.max_aspect)
