"""B-ROM versus standard ROM, 1 kbit to 1 Mbit, SKY130 and ASAP7: area, density, utilization.

    python3 flows/rom_vs_brom.py [--out out] [--width 64] [--max-depth 16384] [--seed 0] [--style both]

Writes OUT/rom_vs_brom.csv (one row per design and style) and OUT/rom_vs_brom.png, and
prints the B-ROM / ROM area ratio per size, PDK and style: "compiler" (folded macros with
their periphery and supply ring, each at the fold `romalayout place` chooses) and "array"
(the bare unfolded arrays with a decoder, the estimate before folding). Every number comes
from romalayout.place.size_macro with its default targets (romalayout/place/README.md);
nothing is tuned to the paper.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

from romalayout.design import build, memory_contents
from romalayout.fileio import atomic_write_bytes, atomic_write_text
from romalayout.place.plan import choose_fold
from romalayout.place.sizing import size_macro
from romalayout.tech import load_technology

PDKS = ("sky130", "asap7")
KINDS = ("rom", "brom")
STYLES = ("compiler", "array")


def run_one(tech, kind: str, depth: int, width: int, seed: int, style: str = "compiler") -> dict:
    """One design's row of the CSV."""
    t0 = time.perf_counter()
    fold = None
    if style == "compiler":
        fold = choose_fold(tech, kind, memory_contents(kind, depth, width, seed))[0]
    design = build(tech, kind, depth, width, seed=seed, style=style, fold=fold)
    sized = size_macro(design.netlist, tech, max_aspect=2.0 if style == "compiler" else None)
    j = sized.to_json()
    regions = j["regions"]
    array = regions.get("array", {})
    b = j["breakdown_um2"]
    row = {
        "pdk": tech.name,
        "kind": kind,
        "style": style,
        "depth": depth,
        "width": width,
        "bits": depth * width,
        "words_per_row": j["fold"]["words_per_row"],
        "banks": j["fold"]["banks"],
        "area_um2": j["area_um2"],
        "width_um": j["width_um"],
        "height_um": j["height_um"],
        "aspect_ratio": j["aspect_ratio"],
        "bits_per_um2": round(depth * width / j["area_um2"], 6),
        # The device grid (compiler: without tap columns; array: the grid's region with its edge rows).
        "array_area_um2": b["array"] if style == "compiler" else array.get("area_um2", 0.0),
        "logic_area_um2": round(sum(r["area_um2"] for n, r in regions.items() if n != "array"), 6),
        "array_row_pitch_um": j["array"]["row_pitch_um"],
        "base_utilization": j["base_utilization"],
        "array_base_utilization": array.get("base_utilization", 0.0),
        "binding_layer": j["binding_layer"],
        "array_binding": array.get("binding", ""),
        "targets_met": j["targets_met"],
        "seconds": round(time.perf_counter() - t0, 2),
    }
    for layer, u in j["metal_utilization"].items():
        row["metal_" + layer] = u
    for key, v in b.items():
        row["breakdown_" + key] = v
    # Horizontal wire per bit: the quantity the paper says B-ROM multiplies.
    horiz = sum(v for k, v in j["wirelength_um"].items() if tech.metal(k).direction == "horizontal")
    row["horizontal_wire_um_per_bit"] = round(horiz / (depth * width), 6)
    return row


def write_plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), layout="constrained")
    main_style = "compiler" if any(r["style"] == "compiler" for r in rows) else "array"
    for pdk, color in zip(PDKS, ("tab:blue", "tab:red")):
        for kind, mark in zip(KINDS, ("-o", "--s")):
            rs = [r for r in rows if r["pdk"] == pdk and r["kind"] == kind and r["style"] == main_style]
            if not rs:
                continue
            axes[0].loglog([r["bits"] for r in rs], [r["area_um2"] for r in rs], mark, color=color, label="%s %s" % (pdk, kind))
            axes[1].loglog([r["bits"] for r in rs], [r["bits_per_um2"] for r in rs], mark, color=color, label="%s %s" % (pdk, kind))
        for style, mark in zip(STYLES, ("-o", ":^")):
            ratio = [(r["bits"], r["area_um2"] / q["area_um2"])
                     for r in rows if r["pdk"] == pdk and r["kind"] == "brom" and r["style"] == style
                     for q in rows if q["pdk"] == pdk and q["kind"] == "rom" and q["bits"] == r["bits"] and q["style"] == style]
            if ratio:
                axes[2].semilogx([b for b, _ in ratio], [m for _, m in ratio], mark, color=color, label="%s, %s style" % (pdk, style))
    axes[2].axhline(0.6, color="gray", lw=0.8, ls="--", label="paper: ~40% smaller")
    axes[2].axhline(1.0, color="black", lw=0.6)
    axes[0].set(xlabel="bits", ylabel="macro area (um^2)", title="Area (%s style)" % main_style)
    axes[1].set(xlabel="bits", ylabel="bits per um^2", title="Density (%s style)" % main_style)
    axes[2].set(xlabel="bits", ylabel="B-ROM area / ROM area", title="B-ROM vs standard ROM")
    for ax in axes:
        ax.legend(fontsize=7)
        ax.grid(True, which="both", lw=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--min-depth", type=int, default=16)
    ap.add_argument("--max-depth", type=int, default=16384)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--style", choices=STYLES + ("both",), default="both")
    args = ap.parse_args(argv)
    styles = STYLES if args.style == "both" else (args.style,)
    out = Path(args.out)
    depths = []
    d = args.min_depth
    while d <= args.max_depth:
        depths.append(d)
        d *= 4
    rows = []
    for pdk in PDKS:
        tech = load_technology(pdk)
        for style in styles:
            for depth in depths:
                for kind in KINDS:
                    r = run_one(tech, kind, depth, args.width, args.seed, style)
                    rows.append(r)
                    print("%-6s %-8s %-4s %6d x %d (%dx%d): %12.1f um^2  aspect %.2f  %.4f bit/um^2  base %.2f  bind %-5s (%.1f s)"
                          % (pdk, style, kind, depth, args.width, r["words_per_row"], r["banks"], r["area_um2"], r["aspect_ratio"],
                             r["bits_per_um2"], r["base_utilization"], r["binding_layer"], r["seconds"]), file=sys.stderr)
    fields = list(rows[0])
    for r in rows:
        fields += [k for k in r if k not in fields]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    atomic_write_text(out / "rom_vs_brom.csv", buf.getvalue())
    write_plot(rows, out / "rom_vs_brom.png")
    print("pdk     style     bits      B-ROM/ROM macro  B-ROM/ROM array  ROM fold  B-ROM fold  ROM bind  B-ROM bind")
    for pdk in PDKS:
        for style in styles:
            for depth in depths:
                rom = next(r for r in rows if r["pdk"] == pdk and r["kind"] == "rom" and r["depth"] == depth and r["style"] == style)
                brom = next(r for r in rows if r["pdk"] == pdk and r["kind"] == "brom" and r["depth"] == depth and r["style"] == style)
                print("%-7s %-9s %-9d %-16.3f %-16.3f %-9s %-11s %-9s %s" % (
                    pdk, style, rom["bits"], brom["area_um2"] / rom["area_um2"], brom["array_area_um2"] / rom["array_area_um2"],
                    "%dx%d" % (rom["words_per_row"], rom["banks"]), "%dx%d" % (brom["words_per_row"], brom["banks"]),
                    rom["binding_layer"], brom["binding_layer"]))
    print("wrote %s and %s" % (out / "rom_vs_brom.csv", out / "rom_vs_brom.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
