"""The side-by-side table: every number of the paper's evaluation beside the model, under
each schedule (`--overlap` serial, pipelined, full).

Every paper value is quoted from the text (the figures' plotted data are not available);
`source` names the section. A point that does not fit the chip (capacity.fit) shows "does
not fit" unless an external memory bandwidth is given, in which case the spill is modelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from romalayout.chip.area import PAPER_AREA_MM2, PAPER_POWER_W, chip_area
from romalayout.chip.capacity import fit, max_kv_tokens, rom_packing
from romalayout.chip.energy import action_energies, point_energy
from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B, get_model
from romalayout.chip.perf import DEFAULT_OVERLAP, OVERLAP_MODES, DoesNotFit, baselines, generation_tokens_per_s, perf
from romalayout.chip.spec import ChipSpec

TOLERANCE = 0.15  # |model / paper - 1| within which a value counts as agreeing

DEFAULT_REASON = (
    "full: the paper builds ROMA as a dataflow architecture (III-A), in which an operator fires when its operands "
    "arrive, so routers forward data as it comes (cut-through) and the tokens of a prompt (or the sequences of a "
    "batch) stream through a layer's operators, attention on the H-units beside the GEMMs on the L-units; serial "
    "and pipelined are the schedules of an implementation that does less. Chosen from the architecture, not from "
    "the table.")


@dataclass(frozen=True)
class Row:
    """One comparison. kind "value": |model/paper - 1| <= 15%; "max"/"min": the paper gives a
    bound the model must meet; "upper": the model is a roofline bound on a measured number;
    "lower": the model is a lower bound on a measured ratio; "bool": 1 = yes, 0 = no."""

    quantity: str
    paper: float
    unit: str
    kind: str
    source: str
    model: dict  # overlap mode -> value, or None when the point does not fit
    note: dict = field(default_factory=dict)  # overlap mode -> why there is no value

    def status(self, mode: str = DEFAULT_OVERLAP) -> str:
        m = self.model[mode]
        if m is None:
            return "DOES NOT FIT"
        if self.kind == "max":
            return "ok (bound)" if m < self.paper else "BOUND MISSED"
        if self.kind == "min":
            return "ok (bound)" if m > self.paper else "BOUND MISSED"
        if self.kind == "upper":
            return "ok (bound >= measured)" if m >= self.paper else "BOUND BELOW MEASURED"
        if self.kind == "lower":
            return "ok (bound <= measured)" if m <= self.paper else "BOUND ABOVE MEASURED"
        if self.kind == "bool" or self.paper == 0:
            return "ok" if m == self.paper else "DISAGREES"
        d = m / self.paper - 1
        return ("ok (%+.0f%%)" if abs(d) <= TOLERANCE else "DISAGREES (%+.0f%%)") % (100 * d)

    def to_json(self) -> dict:
        return {"quantity": self.quantity, "paper": self.paper, "unit": self.unit, "kind": self.kind, "source": self.source,
                "modes": {m: {"model": v, "status": self.status(m), "note": self.note.get(m, "")} for m, v in self.model.items()},
                "default_overlap": DEFAULT_OVERLAP, "status": self.status()}


def _per_mode(fn, modes) -> tuple[dict, dict]:
    vals, notes = {}, {}
    for m in modes:
        try:
            vals[m] = float(fn(m))
        except DoesNotFit as e:
            vals[m], notes[m] = None, str(e)
    return vals, notes


def paper_table(spec: ChipSpec, external_memory_gbps: float | None = None, modes=OVERLAP_MODES) -> tuple[Row, ...]:
    """Every number of the paper's evaluation that the model can compute, per schedule."""
    ext = external_memory_gbps
    b3, b8 = LLAMA32_3B, LLAMA3_8B
    ttft = lambda m, r, n: lambda mode: perf(m, spec, r, n, 0, 1, mode, ext).ttft_ms
    tps = lambda m, r, k: lambda mode: perf(m, spec, r, 1, k, 1, mode, ext).decode_tokens_per_s
    gen = lambda n: lambda mode: generation_tokens_per_s(b3, spec, 16, n, 4096, 1, mode, ext)
    same = lambda v: lambda mode: v

    def rank_increase(m):
        return lambda mode: 100 * (ttft(m, 64, 1024)(mode) / ttft(m, 16, 1024)(mode) - 1)

    cpu, gpu = baselines(spec)
    inputs = (256, 512, 1024, 2048)

    def speedup_over(dev):
        def f(mode):
            ours = np.mean([gen(n)(mode) for n in inputs])
            return ours / np.mean([dev.generation_tokens_per_s(b3, spec, 16, n, 4096) for n in inputs])
        return f

    rom3, rom8 = rom_packing(b3, spec), rom_packing(b8, spec)
    area = chip_area(spec)
    energies = action_energies(spec, area=area)
    wl = get_model(spec["workload.power_model"])
    power = lambda mode: point_energy(wl, spec, perf(wl, spec, spec["workload.power_rank"], 1, spec["workload.power_kv_tokens"], 1, mode, ext),
                                      energies).decode.power_w
    s4k = fit(b3, spec, 64, 4096)
    spec_rows = [
        ("3B r16 TTFT, 256 tokens", 5.6, "ms", "value", "I", ttft(b3, 16, 256)),
        ("3B r16 TTFT, 4K tokens", 140.2, "ms", "value", "I", ttft(b3, 16, 4096)),
        ("8B r16 TTFT, 256 tokens", 7.0, "ms", "max", "IV-B (Fig. 6)", ttft(b8, 16, 256)),
        ("8B r16 TTFT, 4K tokens", 190.0, "ms", "max", "IV-B (Fig. 6)", ttft(b8, 16, 4096)),
        ("3B r16 TTFT, 1K tokens", 30.0, "ms", "max", "IV-B (Fig. 8)", ttft(b3, 16, 1024)),
        ("8B r16 TTFT, 1K tokens", 30.0, "ms", "max", "IV-B (Fig. 8)", ttft(b8, 16, 1024)),
        ("3B TTFT 1K: rank 16 -> 64 increase", 5.0, "%", "max", "IV-B (Fig. 8)", rank_increase(b3)),
        ("8B TTFT 1K: rank 16 -> 64 increase", 5.0, "%", "max", "IV-B (Fig. 8)", rank_increase(b8)),
        ("3B r16 decode, empty KV", 31800, "tok/s", "value", "I, IV-B (Fig. 7)", tps(b3, 16, 0)),
        ("8B r16 decode, empty KV", 24100, "tok/s", "value", "IV-B (Fig. 7)", tps(b8, 16, 0)),
        ("3B r16 decode, 1K cached", 24600, "tok/s", "value", "I", tps(b3, 16, 1024)),
        ("3B r16 decode, 4K cached", 10000, "tok/s", "min", "IV-B (Fig. 7)", tps(b3, 16, 4096)),
        ("8B r16 decode, 4K cached", 10000, "tok/s", "min", "IV-B (Fig. 7)", tps(b8, 16, 4096)),
        ("Fig. 9 ROMA 3B, 256 in + 4K out", 20078, "tok/s", "value", "IV-B (Fig. 9)", gen(256)),
        ("Fig. 9 ROMA 3B, 2K in + 4K out", 8533, "tok/s", "value", "IV-B (Fig. 9)", gen(2048)),
        ("Fig. 9 CPU 3B, 256 in (roofline bound)", 6.8, "tok/s", "upper", "IV-B (Fig. 9)", same(cpu.generation_tokens_per_s(b3, spec, 16, 256, 4096))),
        ("Fig. 9 GPU 3B, 256 in (roofline bound)", 219, "tok/s", "upper", "IV-B (Fig. 9)", same(gpu.generation_tokens_per_s(b3, spec, 16, 256, 4096))),
        ("Fig. 9 ROMA / CPU, mean over 256-2K in", 2785, "x", "lower", "IV-B (Fig. 9)", speedup_over(cpu)),
        ("Fig. 9 ROMA / GPU, mean over 256-2K in", 70.5, "x", "lower", "IV-B (Fig. 9)", speedup_over(gpu)),
        ("Fig. 10 3B max tokens, 64 MiB r16", 736, "tokens", "value", "IV-B (Fig. 10)", same(max_kv_tokens(b3, 16, 64, spec).max_tokens)),
        ("Fig. 10 3B max tokens, 256 MiB r16", 3808, "tokens", "value", "IV-B (Fig. 10)", same(max_kv_tokens(b3, 16, 256, spec).max_tokens)),
        ("Fig. 10 3B max tokens, 64 MiB r64", 0, "tokens", "value", "IV-B (Fig. 10)", same(max_kv_tokens(b3, 64, 64, spec).max_tokens)),
        ("3B: 4K KV + rank-64 LoRA fit in SRAM (1 = yes)", 1, "", "bool", "I", same(int(s4k.sram))),
        ("ROM use 3B INT4 (<= 1.86 GiB)", rom3.capacity_bytes / 1e9, "GB", "max", "I, Table I", same(rom3.total_bytes / 1e9)),
        ("ROM use 8B INT2 incl. lm_head (<= 1.86 GiB)", rom8.capacity_bytes / 1e9, "GB", "max", "I, Table I", same(rom8.total_bytes / 1e9)),
        ("Table I area", PAPER_AREA_MM2, "mm^2", "value", "Table I", same(area.total_mm2)),
        ("Table I power (workload: see README)", PAPER_POWER_W, "W", "value", "Table I", power),
    ]
    rows = []
    for q, paper, unit, kind, source, fn in spec_rows:
        vals, notes = _per_mode(fn, modes)
        rows.append(Row(q, paper, unit, kind, source, vals, notes))
    return tuple(rows)


def _fmt(v: float) -> str:
    return ("%.4g" % v) if abs(v) < 1000 else ("%.0f" % v)


def table_text(rows, modes=OVERLAP_MODES) -> str:
    """Markdown table: the paper's value and source, the model under each schedule (default
    marked), and the default schedule's status."""
    head = ["quantity", "paper", "source"] + [m + (" (default)" if m == DEFAULT_OVERLAP else "") for m in modes] + ["unit", "status (%s)" % DEFAULT_OVERLAP]
    out = ["| " + " | ".join(head) + " |", "|---|---:|---|" + "---:|" * len(modes) + "---|---|"]
    for r in rows:
        paper = ("< " if r.kind == "max" else "> " if r.kind == "min" else "") + _fmt(r.paper)
        cells = []
        for m in modes:
            v = r.model[m]
            if v is None:
                cells.append("does not fit")
            elif r.kind == "value" and r.paper:
                cells.append("%s (%+.0f%%)" % (_fmt(v), 100 * (v / r.paper - 1)))
            else:
                cells.append(_fmt(v))
        out.append("| %s | %s | %s | %s | %s | %s |" % (r.quantity, paper, r.source, " | ".join(cells), r.unit, r.status()))
    return "\n".join(out)


def unfit_notes(rows) -> list[str]:
    """One line per row that does not fit (the default schedule's reason)."""
    return ["%s: %s" % (r.quantity, r.note[DEFAULT_OVERLAP]) for r in rows if r.model.get(DEFAULT_OVERLAP) is None]
