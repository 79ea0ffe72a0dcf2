"""Figures 6-11 of the paper recomputed by the model, with their data as CSV."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from romalayout.chip import functional
from romalayout.chip.area import area_power
from romalayout.chip.capacity import max_kv_tokens
from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B
from romalayout.chip.perf import baselines, decode_cycles, generation_tokens_per_s, prefill_cycles
from romalayout.chip.spec import ChipSpec
from romalayout.chip.table import paper_table, table_text
from romalayout.fileio import atomic_write_bytes, atomic_write_text, staged_directory

MODELS = (LLAMA32_3B, LLAMA3_8B)
PROMPTS = (256, 512, 1024, 2048, 4096)
KV = (0, 256, 512, 1024, 2048, 4096)
RANKS = (8, 16, 32, 64)


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})  # no timestamp: reproducible bytes
    return buf.getvalue()


def _csv(header, rows) -> str:
    fmt = lambda v: ("%.6g" % v) if isinstance(v, float) else str(v)
    return ",".join(header) + "\n" + "".join(",".join(fmt(v) for v in r) + "\n" for r in rows)


def _lines(title, xlabel, ylabel, series, logy=False, logx=False) -> bytes:
    fig = Figure(figsize=(5, 3.4))
    ax = fig.add_subplot()
    for label, xs, ys in series:
        ax.plot(xs, ys, marker="o", label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log", base=2)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _png(fig)


def figure_data(spec: ChipSpec) -> dict[str, bytes | str]:
    """{file name: contents} of every figure and its CSV."""
    f = spec.clock_hz
    ms = lambda m, r, n: prefill_cycles(m, spec, r, n) / f * 1e3
    out: dict[str, bytes | str] = {}

    rows = [(m.name, n, ms(m, 16, n)) for m in MODELS for n in PROMPTS]
    out["fig6_ttft.csv"] = _csv(("model", "prompt_tokens", "ttft_ms"), rows)
    out["fig6_ttft.png"] = _lines("Fig. 6: prefill time (rank 16)", "input tokens", "TTFT (ms)",
                                  [(m.name, PROMPTS, [ms(m, 16, n) for n in PROMPTS]) for m in MODELS], logx=True)

    tps = {m.name: f / decode_cycles(m, spec, 16, np.array(KV)) for m in MODELS}
    out["fig7_decode.csv"] = _csv(("model", "kv_tokens", "decode_tokens_per_s"), [(m.name, k, float(t)) for m in MODELS for k, t in zip(KV, tps[m.name])])
    out["fig7_decode.png"] = _lines("Fig. 7: decode speed (rank 16)", "cached tokens", "tokens/s", [(m.name, KV, tps[m.name]) for m in MODELS])

    rows = [(m.name, r, ms(m, r, 1024), float(f / decode_cycles(m, spec, r, 1024))) for m in MODELS for r in RANKS]
    out["fig8_rank.csv"] = _csv(("model", "rank", "ttft_ms_1k", "decode_tokens_per_s_1k_cached"), rows)
    fig = Figure(figsize=(8, 3.2))
    a1, a2 = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for m in MODELS:
        a1.plot(RANKS, [r[2] for r in rows if r[0] == m.name], marker="o", label=m.name)
        a2.plot(RANKS, [r[3] for r in rows if r[0] == m.name], marker="o", label=m.name)
    a1.set(title="Fig. 8: prefill 1K vs rank", xlabel="LoRA rank", ylabel="TTFT (ms)")
    a2.set(title="decode at 1K cached vs rank", xlabel="LoRA rank", ylabel="tokens/s")
    a1.legend(fontsize=8)
    fig.tight_layout()
    out["fig8_rank.png"] = _png(fig)

    inputs = (256, 512, 1024, 2048)
    cpu, gpu = baselines(spec)
    series = [("ROMA (model)", [generation_tokens_per_s(LLAMA32_3B, spec, 16, n, 4096) for n in inputs])]
    series += [("%s roofline" % d.name, [d.generation_tokens_per_s(LLAMA32_3B, spec, 16, n, 4096) for n in inputs]) for d in (cpu, gpu)]
    out["fig9_compare.csv"] = _csv(("device", "input_tokens", "output_tokens", "tokens_per_s"), [(s, n, 4096, v) for s, vs in series for n, v in zip(inputs, vs)])
    out["fig9_compare.png"] = _lines("Fig. 9: 3B INT4 r16, 4K output tokens", "input tokens", "tokens/s",
                                     [(s, inputs, vs) for s, vs in series], logy=True)

    sizes = (32, 64, 128, 256, 288, 384, 512)
    rows = [(LLAMA32_3B.name, r, s, max_kv_tokens(LLAMA32_3B, r, s, spec).max_tokens) for r in (16, 32, 64) for s in sizes]
    out["fig10_capacity.csv"] = _csv(("model", "rank", "sram_mib", "max_tokens"), rows)
    out["fig10_capacity.png"] = _lines("Fig. 10: max KV tokens (3B)", "H-unit SRAM (MiB)", "tokens",
                                       [("rank %d" % r, sizes, [x[3] for x in rows if x[1] == r]) for r in (16, 32, 64)])

    ap = area_power(spec)
    out["fig11_breakdown.csv"] = _csv(("block", "area_mm2", "power_w"), [(b.name, b.area_mm2, b.power_w) for b in ap.blocks])
    fig = Figure(figsize=(8, 3.4))
    for i, (key, title) in enumerate((("area_mm2", "area %.0f mm^2" % ap.total_mm2), ("power_w", "power %.1f W" % ap.power_w))):
        ax = fig.add_subplot(1, 2, i + 1)
        ax.pie([getattr(b, key) for b in ap.blocks], labels=[b.name for b in ap.blocks], autopct="%.0f%%", textprops={"fontsize": 7})
        ax.set_title("Fig. 11: " + title)
    out["fig11_breakdown.png"] = _png(fig)

    rows = []
    for bits in (2, 4):
        st = functional.group_error_stats(groups=5000, weight_bits=bits)
        rows.append((bits, st.groups, st.p50_rel_error, st.p99_rel_error, st.max_rel_error, st.bound_violations))
    out["lunit_error.csv"] = _csv(("weight_bits", "groups", "p50_rel_error", "p99_rel_error", "max_rel_error", "bound_violations"), rows)

    table = paper_table(spec)
    out["paper_vs_model.csv"] = _csv(("quantity", "paper", "model", "unit", "kind", "status"),
                                     [(r.quantity, float(r.paper), float(r.model), r.unit, r.kind, r.status) for r in table])
    out["paper_vs_model.md"] = table_text(table) + "\n"
    return out


def write_figures(spec: ChipSpec, out_dir: Path | str) -> list[Path]:
    """Write every figure and CSV into out_dir atomically (all or nothing)."""
    data = figure_data(spec)
    with staged_directory(out_dir) as tmp:
        for name, content in sorted(data.items()):
            (atomic_write_bytes if isinstance(content, bytes) else atomic_write_text)(tmp / name, content)
    return [Path(out_dir) / n for n in sorted(data)]
