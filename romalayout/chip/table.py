"""The side-by-side table: the paper's numbers beside what this model computes."""

from __future__ import annotations

from dataclasses import dataclass

from romalayout.chip.area import area_power
from romalayout.chip.capacity import max_kv_tokens, rom_packing
from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B
from romalayout.chip.perf import baselines, decode_cycles, generation_tokens_per_s, prefill_cycles
from romalayout.chip.spec import ChipSpec

TOLERANCE = 0.15  # the "within 15%"


@dataclass(frozen=True)
class Row:
    """One comparison. kind "value": |model/paper - 1| <= 15%; "max"/"min": the paper gives a
    bound the model must meet; "upper": the model is a roofline bound on a measured number."""

    quantity: str
    paper: float
    model: float
    unit: str
    kind: str = "value"

    @property
    def status(self) -> str:
        if self.kind == "max":
            return "ok (bound)" if self.model < self.paper else "BOUND MISSED"
        if self.kind == "upper":  # the model is an upper bound on a measured number
            return "ok (bound >= measured)" if self.model >= self.paper else "BOUND BELOW MEASURED"
        if self.kind == "min":
            return "ok (bound)" if self.model > self.paper else "BOUND MISSED"
        if self.paper == 0:
            return "ok" if self.model == 0 else "DISAGREES"
        d = self.model / self.paper - 1
        return ("ok (%+.0f%%)" if abs(d) <= TOLERANCE else "DISAGREES (%+.0f%%)") % (100 * d)

    def to_json(self) -> dict:
        return {"quantity": self.quantity, "paper": self.paper, "model": self.model, "unit": self.unit,
                "kind": self.kind, "status": self.status}


def paper_table(spec: ChipSpec) -> tuple[Row, ...]:
    """Every number of the paper's evaluation that the model can compute."""
    ms = lambda m, r, n: prefill_cycles(m, spec, r, n) / spec.clock_hz * 1e3
    tps = lambda m, r, k: spec.clock_hz / float(decode_cycles(m, spec, r, k))
    b3, b8 = LLAMA32_3B, LLAMA3_8B
    cpu, gpu = baselines(spec)
    rom3, rom8 = rom_packing(b3, spec), rom_packing(b8, spec)
    ap = area_power(spec)
    rows = [
        Row("3B r16 TTFT, 256 tokens", 5.6, ms(b3, 16, 256), "ms"),
        Row("3B r16 TTFT, 4K tokens", 140.2, ms(b3, 16, 4096), "ms"),
        Row("8B r16 TTFT, 256 tokens", 7.0, ms(b8, 16, 256), "ms", "max"),
        Row("8B r16 TTFT, 4K tokens", 190.0, ms(b8, 16, 4096), "ms", "max"),
        Row("3B r16 TTFT, 1K tokens", 30.0, ms(b3, 16, 1024), "ms", "max"),
        Row("8B r16 TTFT, 1K tokens", 30.0, ms(b8, 16, 1024), "ms", "max"),
        Row("3B TTFT 1K: rank 16 -> 64 increase", 5.0, 100 * (ms(b3, 64, 1024) / ms(b3, 16, 1024) - 1), "%", "max"),
        Row("8B TTFT 1K: rank 16 -> 64 increase", 5.0, 100 * (ms(b8, 64, 1024) / ms(b8, 16, 1024) - 1), "%", "max"),
        Row("3B r16 decode, empty KV", 31800, tps(b3, 16, 0), "tok/s"),
        Row("8B r16 decode, empty KV", 24100, tps(b8, 16, 0), "tok/s"),
        Row("3B r16 decode, 1K cached", 24600, tps(b3, 16, 1024), "tok/s"),
        Row("3B r16 decode, 4K cached", 10000, tps(b3, 16, 4096), "tok/s", "min"),
        Row("8B r16 decode, 4K cached", 10000, tps(b8, 16, 4096), "tok/s", "min"),
        Row("Fig. 9 ROMA 3B, 256 in + 4K out", 20078, generation_tokens_per_s(b3, spec, 16, 256, 4096), "tok/s"),
        Row("Fig. 9 ROMA 3B, 2K in + 4K out", 8533, generation_tokens_per_s(b3, spec, 16, 2048, 4096), "tok/s"),
        Row("Fig. 9 CPU 3B, 256 in (roofline bound)", 6.8, cpu.generation_tokens_per_s(b3, spec, 16, 256, 4096), "tok/s", "upper"),
        Row("Fig. 9 GPU 3B, 256 in (roofline bound)", 219, gpu.generation_tokens_per_s(b3, spec, 16, 256, 4096), "tok/s", "upper"),
        Row("Fig. 10 3B max tokens, 64 MiB r16", 736, max_kv_tokens(b3, 16, 64, spec).max_tokens, "tokens"),
        Row("Fig. 10 3B max tokens, 256 MiB r16", 3808, max_kv_tokens(b3, 16, 256, spec).max_tokens, "tokens"),
        Row("Fig. 10 3B max tokens, 64 MiB r64", 0, max_kv_tokens(b3, 64, 64, spec).max_tokens, "tokens"),
        Row("ROM use 3B INT4 (<= 1.86 GiB)", rom3.capacity_bytes / 1e9, rom3.total_bytes / 1e9, "GB", "max"),
        Row("ROM use 8B INT2 incl. lm_head (<= 1.86 GiB)", rom8.capacity_bytes / 1e9, rom8.total_bytes / 1e9, "GB", "max"),
        Row("Table I area", 503.7, ap.total_mm2, "mm^2"),
        Row("Table I power", 33.1, ap.power_w, "W"),
    ]
    return tuple(rows)


def table_text(rows) -> str:
    """Fixed-width text (also valid Markdown) of the table."""
    out = ["| quantity | paper | model | unit | status |", "|---|---:|---:|---|---|"]
    for r in rows:
        fmt = lambda v: ("%.4g" % v) if abs(v) < 1000 else ("%.0f" % v)
        paper = ("< " if r.kind == "max" else "> " if r.kind == "min" else "") + fmt(r.paper)
        out.append("| %s | %s | %s | %s | %s |" % (r.quantity, paper, fmt(r.model), r.unit, r.status))
    return "\n".join(out)
