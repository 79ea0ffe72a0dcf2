"""`romalayout chip sweep`: every combination of models, ranks, prompts, KV lengths, batches
and schedules, one row per point, as CSV and JSON.

A point that does not fit (and no external memory is given) is a row with fits false, empty
metrics and the reason in `status`; the sweep itself does not stop.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

from romalayout.chip.capacity import fit
from romalayout.chip.energy import action_energies, point_energy
from romalayout.chip.models import ModelConfig
from romalayout.chip.perf import DoesNotFit, perf
from romalayout.chip.spec import ChipSpec
from romalayout.fileio import staged_directory

COLUMNS = ("model", "rank", "prompt_tokens", "kv_tokens", "batch", "overlap", "fits_rom", "fits_sram", "ttft_ms",
           "decode_tokens_per_s", "decode_ms_per_token", "energy_per_token_uj", "power_w", "prefill_energy_per_token_uj",
           "prefill_power_w", "external_memory_gbps", "status")


def sweep_rows(spec: ChipSpec, models: list[ModelConfig], ranks, prompts, kvs, batches, overlaps,
               external_memory_gbps: float | None = None) -> list[dict]:
    """One dict per point, in the order of the options (model slowest, overlap fastest)."""
    energies = action_energies(spec)
    rows = []
    for model, rank, prompt, kv, batch, overlap in itertools.product(models, ranks, prompts, kvs, batches, overlaps):
        row = dict.fromkeys(COLUMNS)
        row.update(model=model.name, rank=rank, prompt_tokens=prompt, kv_tokens=kv, batch=batch, overlap=overlap,
                   external_memory_gbps=external_memory_gbps)
        try:
            r = perf(model, spec, rank, prompt, kv, batch, overlap, external_memory_gbps)
        except DoesNotFit:
            fp, fd = fit(model, spec, rank, prompt, batch), fit(model, spec, rank, kv + 1, batch)
            problems = [p for p in dict.fromkeys((fp.problem(), fd.problem())) if p]
            row.update(fits_rom=fp.rom and fd.rom, fits_sram=fp.sram and fd.sram, status="does not fit: " + "; ".join(problems))
            rows.append(row)
            continue
        e = point_energy(model, spec, r, energies)
        row.update(fits_rom=r.fits["rom"], fits_sram=r.fits["sram"], ttft_ms=r.ttft_ms, decode_tokens_per_s=r.decode_tokens_per_s,
                   decode_ms_per_token=r.decode_step_ms / r.batch, energy_per_token_uj=e.decode.per_token_uj, power_w=e.decode.power_w,
                   prefill_energy_per_token_uj=e.prefill.per_token_uj, prefill_power_w=e.prefill.power_w,
                   status="ok" if all(r.fits.values()) else "spills to the external memory")
        rows.append(row)
    return rows


def sweep_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else ("%.6g" % v) if isinstance(v, float) else str(v).lower() if isinstance(v, bool) else v)
                    for k, v in r.items()})
    return buf.getvalue()


def write_sweep(rows: list[dict], out_dir: Path | str) -> list[Path]:
    """DIR/sweep.csv and DIR/sweep.json (one row per point), written together or not at all."""
    with staged_directory(out_dir) as tmp:
        (tmp / "sweep.csv").write_text(sweep_csv(rows))
        (tmp / "sweep.json").write_text(json.dumps({"columns": list(COLUMNS), "rows": rows}, indent=1, sort_keys=True) + "\n")
    return [Path(out_dir) / "sweep.csv", Path(out_dir) / "sweep.json"]
