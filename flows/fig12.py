"""Fig. 12 (L-unit area and power: SRAM/ROM/B-ROM + compute, fused) for SKY130 and ASAP7,
and sweeps of the fused saving.

    python3 flows/fig12.py [--out out] [--depth 1024] [--group 128] [--quick] [--full-depth] [--style compiler|array]

Writes
  OUT/fig12/<pdk>/fused.json, fig12.png   the four designs (as `romalayout fused`)
  OUT/fig12.csv                           one row per PDK and design
  OUT/fig12_sweep.csv, fig12_sweep.png    fused vs brom+compute area against depth, group
                                          (word width G*2+18), max routing layer, metal and
                                          base targets (area only; no power simulation)
--full-depth adds the chip model's depth (1904.64 MiB / 256 L-units / 16 compute cells /
274 bits = 14,236 words) to the depth sweep. --style: compiler (default; folded memory
macros with periphery and ring, the fused cell in a ring too) or array (the bare arrays, the
estimate before folding). The fused cell is the best of `romalayout fused --search` (its
candidate-line layers and region shape; fused.json "search"). Nothing is tuned to the paper.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from pathlib import Path

from romalayout.fileio import atomic_write_bytes, atomic_write_text, staged_directory
from romalayout.fused.designs import control, evaluate, make_slice
from romalayout.fused.report import report, write_fig12
from romalayout.place.rules import Targets, default_rules
from romalayout.tech import load_technology

PDKS = ("sky130", "asap7")


def chip_depth() -> int:
    """Words per compute cell from the chip model: ROM per L-unit / compute cells per L-unit."""
    from romalayout.chip.spec import load_spec

    spec = load_spec()
    bits = spec["l_unit.rom_capacity_mib"] * 2**20 * 8 / (spec["array.matrix_unit_rows"] * spec["array.columns"]) / spec["l_unit.compute_cells"]
    words = bits / (spec["l_unit.group_size_weights"] * spec["l_unit.pass_weight_bits"] + 18)
    return int(round(words / 4)) * 4


def sweep_point(tech, depth, group, targets, rules, sweep, value, style="compiler") -> dict:
    t0 = time.perf_counter()
    sl = make_slice(tech, depth, group, 2, targets=targets, rules=rules, style=style)
    b, f = evaluate(sl, names=("brom+compute", "fused"), with_power=False)
    mem, comp = b.macros
    ctrl = control(sl)["compute_fused_flow_area_um2"]
    return {
        "pdk": tech.name, "sweep": sweep, "value": value, "depth": depth, "group": group, "width": group * 2 + 18,
        "max_layer": rules.max_layer, "base_target": targets.base, "metal_target": targets.metal,
        "brom_area_um2": round(mem.floorplan.region.area_um2, 3), "compute_area_um2": round(comp.floorplan.region.area_um2, 3),
        "separate_area_um2": round(b.area_um2, 3), "fused_area_um2": round(f.area_um2, 3),
        "fused_saving": round(1 - f.area_um2 / b.area_um2, 4),
        "compute_fused_flow_area_um2": ctrl, "neutral_saving": round(1 - f.area_um2 / (mem.floorplan.region.area_um2 + ctrl), 4),
        "separate_base": round(b.base_utilization, 4), "fused_base": round(f.base_utilization, 4),
        "brom_binding": mem.binding_layer, "compute_binding": comp.binding_layer, "fused_binding": f.macros[0].binding_layer,
        "separate_targets_met": b.extra["targets_met"], "fused_targets_met": f.extra["targets_met"],
        "seconds": round(time.perf_counter() - t0, 1),
    }


def sweeps(tech, depth, group, quick: bool, full_depth: bool, style: str = "compiler"):
    rules0 = default_rules(tech)
    names = [m.name for m in tech.metals]
    depths = [256, 1024] if quick else [256, 1024, 4096]
    if full_depth:
        depths.append(chip_depth())
    points = [("depth", d, dict(depth=d)) for d in depths]
    points += [("group", g, dict(group=g)) for g in ((32, 128) if quick else (32, 64, 128))]
    top = names.index(rules0.max_layer)
    layers = names[2 : len(names) - 1] if not quick else [names[2], rules0.max_layer]
    points += [("max_layer", m, dict(max_layer=m)) for m in layers if names.index(m) <= top]
    points += [("metal_target", t, dict(metal=t)) for t in ((0.7, 0.9) if quick else (0.6, 0.7, 0.8, 0.9))]
    points += [("base_target", t, dict(base=t)) for t in ((0.6, 0.8) if quick else (0.5, 0.6, 0.7, 0.8))]
    rows = []
    for sweep, value, kw in points:
        tg = Targets(base=kw.get("base", 0.7), metal=kw.get("metal", 0.8))
        rules = default_rules(tech, kw.get("max_layer"))
        row = sweep_point(tech, kw.get("depth", depth), kw.get("group", group), tg, rules, sweep, value, style)
        print("  %s %s=%s: separate %.1f, fused %.1f um^2, saving %+.1f%%, placement-neutral %+.1f%% (fused %s, B-ROM %s, compute %s) %.0fs" % (
            tech.name, sweep, value, row["separate_area_um2"], row["fused_area_um2"], 100 * row["fused_saving"], 100 * row["neutral_saving"],
            row["fused_binding"], row["brom_binding"], row["compute_binding"], row["seconds"]), flush=True)
        rows.append(row)
    return rows


def csv_text(rows) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def sweep_png(rows, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(dict.fromkeys(r["sweep"] for r in rows))
    fig, axes = plt.subplots(1, len(kinds), figsize=(3.2 * len(kinds), 3.2), sharey=True)
    for ax, kind in zip(axes, kinds):
        for pdk, mk in zip(PDKS, ("o-", "s--")):
            sel = [r for r in rows if r["sweep"] == kind and r["pdk"] == pdk]
            if sel:
                ax.plot([str(r["value"]) for r in sel], [100 * r["fused_saving"] for r in sel], mk, label=pdk + " vs brom+compute")
                ax.plot([str(r["value"]) for r in sel], [100 * r["neutral_saving"] for r in sel], mk, alpha=0.45, label=pdk + " placement-neutral")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xlabel(kind)
        ax.tick_params(axis="x", labelsize=7)
    axes[0].set_ylabel("fused area saving vs B-ROM + compute (%)")
    axes[0].legend(fontsize=6)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="out")
    ap.add_argument("--depth", type=int, default=1024)
    ap.add_argument("--group", type=int, default=128)
    ap.add_argument("--quick", action="store_true", help="fewer sweep points")
    ap.add_argument("--full-depth", action="store_true", help="add the chip model's depth to the depth sweep")
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("--style", choices=("compiler", "array"), default="compiler")
    args = ap.parse_args(argv)
    out = Path(args.out)
    table, sweep_rows = [], []
    for pdk in PDKS:
        tech = load_technology(pdk)
        t0 = time.perf_counter()
        sl = make_slice(tech, args.depth, args.group, 2, style=args.style)
        results = evaluate(sl, search=True)
        rep = report(sl, results, control(sl))
        with staged_directory(out / "fig12" / pdk) as d:
            (d / "fused.json").write_text(json.dumps(rep, indent=1, sort_keys=True) + "\n")
            write_fig12(rep, d / "fig12.png")
        for dj, r in zip(rep["designs"], results):
            row = {"pdk": pdk, "style": args.style, "design": dj["name"], "depth": args.depth, "width": int(sl.bits.shape[1]), "area_um2": dj["area_um2"],
                   "bbox_area_um2": dj["bbox_area_um2"], "power_mw": dj["power_mw"], "switching_mw": dj["power_breakdown_mw"]["switching"],
                   "internal_mw": dj["power_breakdown_mw"]["internal"], "leakage_mw": dj["power_breakdown_mw"]["leakage"],
                   "base_utilization": dj["base_utilization"], "targets_met": dj["targets_met"], "function_ok": dj["function"]["ok"]}
            row.update({"metal_" + k: v for k, v in dj["metal_utilization"].items()})
            table.append(row)
            print("%s %-13s area %12.1f um^2  power %9.4g mW  base %.3f  targets_met %s" % (pdk, dj["name"], dj["area_um2"], dj["power_mw"], dj["base_utilization"], dj["targets_met"]))
        print("%s fused saving: %s; control %s (%.0f s)" % (pdk, rep["fused_saving"], rep["control"], time.perf_counter() - t0), flush=True)
        if not args.no_sweep:
            sweep_rows += sweeps(tech, args.depth, args.group, args.quick, args.full_depth, args.style)
    # One CSV per PDK's metal names would differ: write the union of columns.
    cols = list(dict.fromkeys(k for r in table for k in r))
    atomic_write_text(out / "fig12.csv", csv_text([{c: r.get(c, "") for c in cols} for r in table]))
    if sweep_rows:
        atomic_write_text(out / "fig12_sweep.csv", csv_text(sweep_rows))
        sweep_png(sweep_rows, out / "fig12_sweep.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
