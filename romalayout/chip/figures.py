"""Figures 6-12 of the paper recomputed by the model, with their data as CSV.

The paper's published values are overlaid on Figs. 6-10; every one is quoted from the text
(section given in the legend and in paper_points.csv): the plotted data of the paper's
figures are not available. Values are drawn as stars, bounds ("< 7 ms", "> 10,000 tok/s")
as triangles pointing the way the bound allows. Points that do not fit the chip are left
out of the curves (their CSV rows say fits = false) unless an external memory is given.
Fig. 11 is drawn from the area and energy models, Fig. 12 from the layout record.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from romalayout.chip import functional
from romalayout.chip.area import chip_area, words_per_compute_cell
from romalayout.chip.capacity import max_kv_tokens
from romalayout.chip.energy import action_energies, point_energy
from romalayout.chip.layout import DESIGNS, load_layout_data
from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B, get_model
from romalayout.chip.perf import DEFAULT_OVERLAP, DoesNotFit, baselines, generation_tokens_per_s, perf
from romalayout.chip.spec import ChipSpec
from romalayout.chip.table import paper_table, table_text, unfit_notes
from romalayout.fileio import atomic_write_bytes, atomic_write_text, staged_directory

MODELS = (LLAMA32_3B, LLAMA3_8B)
PROMPTS = (256, 512, 1024, 2048, 4096)
KV = (0, 256, 512, 1024, 2048, 4096)
RANKS = (8, 16, 32, 64)
FIG_SIZE = (11, 6)  # inches at 100 dpi: 1100 px wide
FONT = 12

# The paper's numbers, quoted from its text: (figure, model, x, value, kind, section, what).
# kind: "value", "max" (the text says "less than"), "min" ("more than").
PAPER_POINTS = (
    ("fig6", "llama3.2-3b", 256, 5.6, "value", "I", "TTFT 5.6 ms at 256 tokens"),
    ("fig6", "llama3.2-3b", 4096, 140.2, "value", "I", "TTFT 140.2 ms at 4K tokens"),
    ("fig6", "both", 256, 7.0, "max", "IV-B", "prefill < 7 ms at 256 tokens for both models"),
    ("fig6", "both", 4096, 190.0, "max", "IV-B", "prefill < 190 ms at 4K tokens"),
    ("fig7", "llama3.2-3b", 0, 31800, "value", "I, IV-B", "peak decode 31.8K tokens/s"),
    ("fig7", "llama3-8b", 0, 24100, "value", "IV-B", "peak decode 24.1K tokens/s"),
    ("fig7", "llama3.2-3b", 1024, 24600, "value", "I", "24.6K tokens/s with 1K cached"),
    ("fig7", "both", 4096, 10000, "min", "IV-B", "above 10,000 tokens/s with 4K cached"),
    ("fig8", "both", 16, 30.0, "max", "IV-B", "prefill of 1K tokens under 30 ms at rank 16"),
    ("fig9", "ROMA", 256, 20078, "value", "IV-B", "ROMA 20,078 tokens/s, 256 in + 4K out"),
    ("fig9", "ROMA", 2048, 8533, "value", "IV-B", "ROMA 8,533 tokens/s, 2K in + 4K out"),
    ("fig9", "CPU", 256, 6.8, "value", "IV-B", "i5-1135G7 6.8 tokens/s (measured)"),
    ("fig9", "GPU", 256, 219, "value", "IV-B", "RTX 4090 219 tokens/s (measured)"),
    ("fig10", "rank 16", 64, 736, "value", "IV-B", "736 tokens in 64 MB at rank 16"),
    ("fig10", "rank 16", 256, 3808, "value", "IV-B", "3,808 tokens in 256 MB at rank 16"),
    ("fig10", "rank 64", 64, 0, "value", "IV-B", "0 tokens in 64 MB at rank 64"),
)
_MARKER = {"value": "*", "max": "v", "min": "^"}


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})  # no timestamp: reproducible bytes
    return buf.getvalue()


def _csv(header, rows) -> str:
    def fmt(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        return ("%.6g" % v) if isinstance(v, float) else str(v)

    return ",".join(header) + "\n" + "".join(",".join(fmt(v) for v in r) + "\n" for r in rows)


def _value(fn):
    """fn() or None when the point does not fit."""
    try:
        return float(fn())
    except DoesNotFit:
        return None


def _overlay(ax, figure: str, colors: dict, ys_log=False) -> None:
    for fig_name, who, x, y, kind, section, what in PAPER_POINTS:
        if fig_name != figure or (ys_log and y <= 0):
            continue
        ax.plot([x], [y], linestyle="none", marker=_MARKER[kind], markersize=15 if kind == "value" else 12,
                color=colors.get(who, "black"), markeredgecolor="black",
                label="paper (text, %s): %s" % (section, what))


def _axes(title: str, xlabel: str, ylabel: str, n: int = 1):
    fig = Figure(figsize=FIG_SIZE)
    axes = [fig.add_subplot(1, n, i + 1) for i in range(n)]
    for ax in axes:
        ax.tick_params(labelsize=FONT)
        ax.grid(True, alpha=0.3)
    axes[0].set_xlabel(xlabel, fontsize=FONT)
    axes[0].set_ylabel(ylabel, fontsize=FONT)
    fig.suptitle(title, fontsize=FONT + 2)
    return fig, axes


def _finish(fig, ax, note: str) -> bytes:
    ax.legend(fontsize=9, loc="best")
    if note:
        fig.text(0.01, 0.01, note, fontsize=9, color="dimgray")
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return _png(fig)


def _nan(v):
    return np.nan if v is None else v


def figure_data(spec: ChipSpec, overlap: str = DEFAULT_OVERLAP, external_memory_gbps: float | None = None,
                functional_runs: bool = True) -> dict[str, bytes | str]:
    """{file name: contents} of every figure and its CSV."""
    ext = external_memory_gbps
    out: dict[str, bytes | str] = {}
    colors = {"llama3.2-3b": "tab:blue", "llama3-8b": "tab:orange", "both": "gray", "ROMA": "tab:blue", "CPU": "tab:green",
              "GPU": "tab:red", "rank 16": "tab:blue", "rank 32": "tab:orange", "rank 64": "tab:green"}
    mode = "schedule: %s%s" % (overlap, "; external memory %g GB/s" % ext if ext else "; points that do not fit the chip are left out (--external-memory-gbps models them)")
    out["paper_points.csv"] = _csv(("figure", "series", "x", "value", "kind", "section", "text"), PAPER_POINTS)

    # Fig. 6: TTFT against the prompt
    rows = [(m.name, n, _value(lambda: perf(m, spec, 16, n, 0, 1, overlap, ext).ttft_ms)) for m in MODELS for n in PROMPTS]
    out["fig6_ttft.csv"] = _csv(("model", "prompt_tokens", "ttft_ms", "fits"), [r + (r[2] is not None,) for r in rows])
    fig, (ax,) = _axes("Fig. 6: prefill time (rank 16)", "input tokens", "TTFT (ms)")
    for m in MODELS:
        ax.plot(PROMPTS, [_nan(r[2]) for r in rows if r[0] == m.name], marker="o", color=colors[m.name], label="model: " + m.name)
    _overlay(ax, "fig6", colors)
    ax.set_xscale("log", base=2)
    out["fig6_ttft.png"] = _finish(fig, ax, mode)

    # Fig. 7: decode speed against the cached tokens
    rows = [(m.name, k, _value(lambda: perf(m, spec, 16, 1, k, 1, overlap, ext).decode_tokens_per_s)) for m in MODELS for k in KV]
    out["fig7_decode.csv"] = _csv(("model", "kv_tokens", "decode_tokens_per_s", "fits"), [r + (r[2] is not None,) for r in rows])
    fig, (ax,) = _axes("Fig. 7: decode speed (rank 16)", "cached tokens", "tokens/s")
    for m in MODELS:
        ax.plot(KV, [_nan(r[2]) for r in rows if r[0] == m.name], marker="o", color=colors[m.name], label="model: " + m.name)
    _overlay(ax, "fig7", colors)
    out["fig7_decode.png"] = _finish(fig, ax, mode)

    # Fig. 8: rank
    rows = [(m.name, r, _value(lambda: perf(m, spec, r, 1024, 0, 1, overlap, ext).ttft_ms),
             _value(lambda: perf(m, spec, r, 1, 1024, 1, overlap, ext).decode_tokens_per_s)) for m in MODELS for r in RANKS]
    out["fig8_rank.csv"] = _csv(("model", "rank", "ttft_ms_1k", "decode_tokens_per_s_1k_cached"), rows)
    fig, (a1, a2) = _axes("Fig. 8: QLoRA rank (1K prompt; 1K cached)", "LoRA rank", "TTFT (ms)", 2)
    a2.set_xlabel("LoRA rank", fontsize=FONT)
    a2.set_ylabel("decode tokens/s", fontsize=FONT)
    for m in MODELS:
        a1.plot(RANKS, [_nan(r[2]) for r in rows if r[0] == m.name], marker="o", color=colors[m.name], label="model: " + m.name)
        a2.plot(RANKS, [_nan(r[3]) for r in rows if r[0] == m.name], marker="o", color=colors[m.name], label="model: " + m.name)
    _overlay(a1, "fig8", colors)
    a2.legend(fontsize=9)
    out["fig8_rank.png"] = _finish(fig, a1, mode + "; paper: rank 16 -> 64 adds < 5% (IV-B)")

    # Fig. 9: ROMA against CPU and GPU rooflines, 3B, 4K output tokens
    inputs = (256, 512, 1024, 2048)
    cpu, gpu = baselines(spec)
    series = [("ROMA", [_value(lambda: generation_tokens_per_s(LLAMA32_3B, spec, 16, n, 4096, 1, overlap, ext)) for n in inputs])]
    series += [(k, [d.generation_tokens_per_s(LLAMA32_3B, spec, 16, n, 4096) for n in inputs]) for k, d in (("CPU", cpu), ("GPU", gpu))]
    out["fig9_compare.csv"] = _csv(("device", "input_tokens", "output_tokens", "tokens_per_s"), [(s, n, 4096, v) for s, vs in series for n, v in zip(inputs, vs)])
    fig, (ax,) = _axes("Fig. 9: Llama3.2-3B INT4 r16, 4K output tokens", "input tokens", "tokens/s")
    names = {"ROMA": "model: ROMA", "CPU": "model: %s roofline (upper bound)" % cpu.name, "GPU": "model: %s roofline (upper bound)" % gpu.name}
    for s, vs in series:
        ax.plot(inputs, [_nan(v) for v in vs], marker="o", color=colors[s], label=names[s])
    _overlay(ax, "fig9", colors, ys_log=True)
    ax.set_yscale("log")
    out["fig9_compare.png"] = _finish(fig, ax, mode)

    # Fig. 10: KV capacity
    sizes = (32, 64, 128, 256, 288, 384, 512)
    rows = [(LLAMA32_3B.name, r, s, max_kv_tokens(LLAMA32_3B, r, s, spec).max_tokens) for r in (16, 32, 64) for s in sizes]
    out["fig10_capacity.csv"] = _csv(("model", "rank", "sram_mib", "max_tokens"), rows)
    fig, (ax,) = _axes("Fig. 10: max KV tokens, Llama3.2-3B (FP16 KV)", "H-unit SRAM (MiB)", "tokens")
    for r in (16, 32, 64):
        ax.plot(sizes, [x[3] for x in rows if x[1] == r], marker="o", color=colors["rank %d" % r], label="model: rank %d" % r)
    _overlay(ax, "fig10", colors)
    out["fig10_capacity.png"] = _finish(fig, ax, "capacity does not depend on the schedule")

    # Fig. 11: area and power breakdown
    area = chip_area(spec)
    energies = action_energies(spec, area=area)
    wl = get_model(spec["workload.power_model"])
    wl_perf = perf(wl, spec, spec["workload.power_rank"], 1, spec["workload.power_kv_tokens"], 1, overlap, ext)
    dec = point_energy(wl, spec, wl_perf, energies).decode
    power = {k: v * 1e-6 / dec.seconds for k, v in dec.by_block_uj.items()}
    blocks = [b.name for b in area.blocks]
    group = {"l_unit": "l_unit", "h_unit_sram": "h_unit", "h_unit_compute": "h_unit", "vector_unit": "vector_unit", "router": "router"}
    area_by = {}
    for b in area.blocks:
        area_by[group[b.name]] = area_by.get(group[b.name], 0.0) + b.area_mm2
    names11 = ["l_unit", "h_unit", "vector_unit", "router", "external"]
    out["fig11_breakdown.csv"] = _csv(("block", "area_mm2", "power_w", "energy_per_token_uj"),
                                      [(n, area_by.get(n, 0.0), power[n], dec.by_block_uj[n] / dec.tokens) for n in names11])
    fig = Figure(figsize=FIG_SIZE)
    workload = "%s r%d decode, %d cached, %s" % (wl.name, spec["workload.power_rank"], spec["workload.power_kv_tokens"], overlap)
    for i, (vals, title, unit) in enumerate(((area_by, "area %.0f mm$^2$ (Table I: 503.7)" % area.total_mm2, "mm$^2$"),
                                             (power, "power %.1f W (Table I: 33.1)\nat %s" % (dec.power_w, workload), "W"))):
        ax = fig.add_subplot(1, 2, i + 1)
        ns = [n for n in names11 if vals.get(n, 0.0) > 0 or n != "external"]
        ys = [vals.get(n, 0.0) for n in ns]
        total = sum(ys)
        bars = ax.barh(ns[::-1], ys[::-1], color=["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"][: len(ns)][::-1])
        for bar, y in zip(bars, ys[::-1]):
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " %.3g %s (%.0f%%)" % (y, unit, 100 * y / total if total else 0),
                    va="center", fontsize=FONT)
        ax.set_xlim(0, 1.45 * max(ys))
        ax.set_title("Fig. 11: " + title, fontsize=FONT)
        ax.tick_params(labelsize=FONT)
    fig.tight_layout()
    out["fig11_breakdown.png"] = _png(fig)

    # Fig. 12: the four L-unit designs at the deepest measured depth, straight from the layout record
    layout = load_layout_data()
    rows = []
    for d in DESIGNS:
        p = layout.points(d)[-1]
        rows.append((d, p["depth"], p["area_um2"], p["power_mw"], layout.read_energy_pj(p), layout.compute_energy_pj(p)))
    out["fig12_lunit.csv"] = _csv(("design", "words", "area_um2", "power_mw", "read_pj", "compute_op_pj"), rows)
    fig = Figure(figsize=FIG_SIZE)
    for i, (col, label) in enumerate(((2, "area (um$^2$)"), (3, "power (mW)"))):
        ax = fig.add_subplot(1, 2, i + 1)
        bars = ax.bar(range(len(rows)), [r[col] for r in rows], color=["#8c8c8c", "#4c72b0", "#55a868", "#c44e52"])
        for b, r in zip(bars, rows):
            ax.text(b.get_x() + b.get_width() / 2, b.get_height(), ("%.0f" if col == 2 else "%.2f") % r[col], ha="center", va="bottom", fontsize=FONT)
        ax.set_xticks(range(len(rows)), [r[0].replace("+", "\n+ ") for r in rows], fontsize=FONT)
        ax.set_ylabel(label, fontsize=FONT)
        ax.tick_params(labelsize=FONT)
    fig.suptitle("Fig. 12: L-unit slice (%d words of %d bits + one compute cell), %s, %g MHz, from the layout record\n"
                 "(`%s`; the chip has %.0f words per compute cell)"
                 % (rows[0][1], layout.word_bits, layout.record["pdk"], layout.record["frequency_mhz"], layout.record["command"],
                    words_per_compute_cell(spec, layout.word_bits)), fontsize=FONT)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    out["fig12_lunit.png"] = _png(fig)

    if functional_runs:
        rows = []
        for bits in (2, 4):
            st = functional.group_error_stats(groups=5000, weight_bits=bits)
            rows.append((bits, st.groups, st.p50_rel_error, st.p99_rel_error, st.max_rel_error, st.bound_violations))
        out["lunit_error.csv"] = _csv(("weight_bits", "groups", "p50_rel_error", "p99_rel_error", "max_rel_error", "bound_violations"), rows)

    table = paper_table(spec, ext)
    out["paper_vs_model.csv"] = _csv(("quantity", "paper", "source", "unit", "kind", "serial", "pipelined", "full", "status_default"),
                                     [(r.quantity, float(r.paper), r.source, r.unit, r.kind, r.model["serial"], r.model["pipelined"], r.model["full"], r.status())
                                      for r in table])
    out["paper_vs_model.md"] = table_text(table) + "\n\n" + "".join("- %s\n" % n for n in unfit_notes(table))
    return out


def write_figures(spec: ChipSpec, out_dir: Path | str, overlap: str = DEFAULT_OVERLAP, external_memory_gbps: float | None = None) -> list[Path]:
    """Write every figure and CSV into out_dir atomically (all or nothing)."""
    data = figure_data(spec, overlap, external_memory_gbps)
    with staged_directory(out_dir) as tmp:
        for name, content in sorted(data.items()):
            (atomic_write_bytes if isinstance(content, bytes) else atomic_write_text)(tmp / name, content)
    return [Path(out_dir) / n for n in sorted(data)]
