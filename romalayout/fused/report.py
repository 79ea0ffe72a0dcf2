"""fused.json and the Fig. 12 bar chart of the four L-unit designs."""

from __future__ import annotations

from romalayout.fused.designs import DESIGNS, Result, Slice, layer_caps


def saving(results: list[Result]) -> dict:
    """Fused against B-ROM + compute (and the other baselines): 1 - fused / baseline."""
    by = {r.name: r for r in results}
    out = {}
    if "fused" in by:
        f = by["fused"]
        for name in DESIGNS[:-1]:
            if name in by:
                b = by[name]
                out[name] = {"area": round(1 - f.area_um2 / b.area_um2, 6)}
                if f.power is not None and b.power is not None:
                    out[name]["power"] = round(1 - f.power.total_mw / b.power.total_mw, 6)
    return out


def report(sl: Slice, results: list[Result], ctrl: dict | None = None) -> dict:
    tech = sl.tech
    searched = [r.extra.pop("search") for r in results if "search" in r.extra]
    out = {
        "pdk": tech.name,
        "config": {
            "depth": sl.depth, "width": int(sl.bits.shape[1]), "group": sl.group, "weight_bits": sl.weight_bits,
            "bits": int(sl.bits.size), "frequency_mhz": sl.frequency_mhz or tech.frequency_default_mhz, "vdd_v": tech.vdd_v,
            "targets": sl.targets.to_json(), "max_layer": sl.rules.max_layer,
            "style": sl.style,
            "folds": {k: f.to_json() for k, f in sorted(sl._folds.items())},
        },
        "stimulus": sl.stimulus_text,
        "wire_capacitance": layer_caps(tech)[1],
        "designs": [r.to_json() for r in results],
        "fused_saving": saving(results),
    }
    if searched:
        out["search"] = searched[0]
    by = {r.name: r for r in results}
    if ctrl is not None and "brom+compute" in by and "fused" in by:
        base = by["brom+compute"].macros[0].floorplan.region.area_um2 + ctrl["compute_fused_flow_area_um2"]
        out["control"] = dict(ctrl, brom_macro_area_um2=round(by["brom+compute"].macros[0].floorplan.region.area_um2, 3),
                              separate_area_um2=round(base, 3), fused_saving_area=round(1 - by["fused"].area_um2 / base, 6))
    return out


def write_fig12(rep: dict, path) -> None:
    """Two panels, area and power, one bar per design (as the paper's Fig. 12)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    designs = rep["designs"]
    names = [d["name"] for d in designs]
    colors = ["#8c8c8c", "#4c72b0", "#55a868", "#c44e52"][: len(names)]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    area = [d["area_um2"] / 1e6 if rep["pdk"] == "sky130" else d["area_um2"] for d in designs]
    unit = "mm$^2$" if rep["pdk"] == "sky130" else "um$^2$"
    for ax, vals, label in ((axes[0], area, "area (%s)" % unit), (axes[1], [d["power_mw"] for d in designs], "power (mW)")):
        bars = ax.bar(range(len(names)), vals, color=colors)
        for b, v in zip(bars, vals):
            ax.text(b.get_x() + b.get_width() / 2, v, "%.3g" % v, ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([n.replace("+", "+\n") for n in names], fontsize=8)
        ax.set_ylabel(label)
        ax.set_ylim(0, max(vals) * 1.15 if vals and max(vals) > 0 else 1)
    c = rep["config"]
    fig.suptitle("L-unit slice, %s: %d words x %d bits (G=%d, UInt%d), %g MHz" % (rep["pdk"], c["depth"], c["width"], c["group"], c["weight_bits"], c["frequency_mhz"]), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
