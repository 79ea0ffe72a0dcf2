"""`romalayout chip perf | sweep | fit | capacity | rom | area | energy | table | functional | figures`: the ROMA chip model."""

from __future__ import annotations

import argparse
import json

from romalayout.errors import InputError


def _int_list(minimum: int, what: str):
    """argparse type: comma-separated integers >= minimum ("256,1024")."""

    def parse(text: str) -> list[int]:
        out = []
        for item in text.split(","):
            try:
                v = int(item)
            except ValueError:
                v = None
            if v is None or v < minimum:
                raise argparse.ArgumentTypeError("expected comma-separated %s >= %d, got %r" % (what, minimum, text))
            out.append(v)
        return out

    return parse


def _int_at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            v = None
        if v is None or v < minimum:
            raise argparse.ArgumentTypeError("expected an integer >= %d, got %r" % (minimum, text))
        return v

    return parse


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError("expected a number > 0, got %r" % text)
    return v


def _overlap_list(text: str) -> list[str]:
    from romalayout.chip.perf import OVERLAP_MODES

    items = text.split(",")
    bad = [i for i in items if i not in OVERLAP_MODES]
    if bad:
        raise argparse.ArgumentTypeError("expected comma-separated schedules from %s, got %r" % (",".join(OVERLAP_MODES), bad[0]))
    return items


def register(sub) -> None:
    from romalayout.chip.perf import DEFAULT_OVERLAP, OVERLAP_MODES

    p = sub.add_parser("chip", help="ROMA chip model: performance, energy, capacity, area, sweeps, figures")
    csub = p.add_subparsers(dest="chip_command", metavar="ACTION")
    csub.required = True

    def spec_args(q):
        q.add_argument("--spec", default=None, help="chip spec TOML replacing romalayout/chip/roma_spec.toml (every parameter)")
        q.add_argument("--set", action="append", default=[], metavar="SECTION.NAME=VALUE",
                       help="override one spec parameter (repeatable), e.g. --set l_unit.compute_cells=32")

    def model_args(q, rank=True):
        q.add_argument("--model", required=True, help="llama3.2-3b, llama3-8b, or a path to a Hugging Face config.json (Llama, Mistral, Qwen2)")
        q.add_argument("--bits", type=int, default=None, help="base-weight bits (2 or 4); default: the preset's, 4 for a config.json")
        if rank:
            q.add_argument("--rank", type=_int_at_least(0), default=16, help="LoRA rank (default 16)")
        q.add_argument("--json", action="store_true", help="print one JSON object")
        spec_args(q)

    def run_args(q, overlap=True):
        if overlap:
            q.add_argument("--overlap", choices=OVERLAP_MODES, default=DEFAULT_OVERLAP,
                           help="schedule (default %s; see romalayout/chip/README.md)" % DEFAULT_OVERLAP)
        q.add_argument("--external-memory-gbps", type=_positive_float, default=None,
                       help="model what does not fit the chip as streamed from an external memory of this bandwidth (GB/s)")

    q = csub.add_parser("perf", help="TTFT, decode speed, energy per token and power at one point")
    model_args(q)
    q.add_argument("--prompt", type=_int_at_least(1), required=True, help="prompt tokens for the TTFT")
    q.add_argument("--kv", type=_int_at_least(0), default=0, help="cached tokens for the decode step (default 0)")
    q.add_argument("--batch", type=_int_at_least(1), default=1, help="sequences decoded / prefilled together (default 1)")
    run_args(q)
    q.set_defaults(func=_perf)

    q = csub.add_parser("sweep", help="every combination of the listed values into DIR/sweep.csv and DIR/sweep.json")
    q.add_argument("--model", required=True, help="comma-separated models (presets or config.json paths)")
    q.add_argument("--bits", type=int, default=None, help="base-weight bits for every model (2 or 4)")
    q.add_argument("--rank", type=_int_list(0, "ranks"), default=[16], help="comma-separated LoRA ranks (default 16)")
    q.add_argument("--prompt", type=_int_list(1, "prompt lengths"), default=[256], help="comma-separated prompt lengths (default 256)")
    q.add_argument("--kv", type=_int_list(0, "KV lengths"), default=[0], help="comma-separated cached-token counts (default 0)")
    q.add_argument("--batch", type=_int_list(1, "batch sizes"), default=[1], help="comma-separated batch sizes (default 1)")
    q.add_argument("--overlap", type=_overlap_list, default=[DEFAULT_OVERLAP], help="comma-separated schedules (default %s)" % DEFAULT_OVERLAP)
    run_args(q, overlap=False)
    q.add_argument("--out", required=True, help="output directory")
    spec_args(q)
    q.set_defaults(func=_sweep)

    q = csub.add_parser("fit", help="ROM and SRAM use of a model: does it fit, and how many KV tokens")
    model_args(q)
    q.add_argument("--kv", type=_int_at_least(0), default=0, help="tokens of KV cache per sequence (default 0)")
    q.add_argument("--batch", type=_int_at_least(1), default=1, help="sequences sharing the SRAM (default 1)")
    q.set_defaults(func=_fit)

    q = csub.add_parser("capacity", help="max KV tokens in an SRAM size beside the LoRA weights")
    model_args(q)
    q.add_argument("--sram-mb", type=float, required=True, help="H-unit SRAM in MiB (the chip has 288)")
    q.set_defaults(func=_capacity)
    q = csub.add_parser("rom", help="base weights packed into ROM words, bytes per part")
    model_args(q, rank=False)
    q.set_defaults(func=_rom)
    q = csub.add_parser("area", help="area roll-up beside Table I (L-units from the layout record)")
    q.add_argument("--json", action="store_true")
    spec_args(q)
    q.set_defaults(func=_area)
    q = csub.add_parser("energy", help="energy of every action (ROM read, SRAM access, MAC, hop, ...) with its derivation")
    q.add_argument("--json", action="store_true")
    spec_args(q)
    q.set_defaults(func=_energy)
    q = csub.add_parser("table", help="the paper's numbers beside the model's, under each schedule")
    q.add_argument("--json", action="store_true")
    run_args(q, overlap=False)
    spec_args(q)
    q.set_defaults(func=_table)

    q = csub.add_parser("functional", help="small Llama through the chip arithmetic vs float64, over seeds, with the exact-product control")
    q.add_argument("--layers", type=_int_at_least(1), default=2)
    q.add_argument("--hidden", type=_int_at_least(1), default=256, help="hidden size, a multiple of 128 (default 256)")
    q.add_argument("--ffn", type=_int_at_least(1), default=512, help="MLP size, a multiple of 128 (default 512)")
    q.add_argument("--heads", type=_int_at_least(1), default=4, help="query heads (default 4)")
    q.add_argument("--kv-heads", type=_int_at_least(1), default=2, help="KV heads (default 2)")
    q.add_argument("--head-dim", type=_int_at_least(2), default=None, help="default hidden / heads")
    q.add_argument("--vocab", type=_int_at_least(2), default=512)
    q.add_argument("--bits", type=int, choices=(2, 4), default=4, help="base-weight bits (default 4)")
    q.add_argument("--rank", type=_int_at_least(0), default=8, help="LoRA rank (default 8)")
    q.add_argument("--prompt", type=_int_at_least(1), default=8, help="prompt tokens (default 8)")
    q.add_argument("--steps", type=_int_at_least(1), default=300, help="decode steps per seed (default 300)")
    q.add_argument("--seeds", type=_int_at_least(1), default=10, help="seeds 0..N-1 (default 10)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_functional)

    q = csub.add_parser("figures", help="write Figs. 6-12 (PNG), their data (CSV) and the paper-vs-model table")
    q.add_argument("--out", required=True, help="output directory")
    run_args(q)
    spec_args(q)
    q.set_defaults(func=_figures)


def _spec(args):
    from romalayout.chip.spec import load_spec

    spec = load_spec(args.spec)
    return spec.with_settings(args.set) if args.set else spec


def _model(name: str, bits):
    from romalayout.chip.models import get_model

    if bits is not None and bits not in (2, 4):
        raise InputError("--bits must be 2 or 4, got %d" % bits)
    return get_model(name, bits)


def _print(obj: dict, as_json: bool, text: str) -> int:
    print(json.dumps(obj, indent=1, sort_keys=True) if as_json else text)
    return 0


def _perf(args) -> int:
    from romalayout.chip.energy import point_energy
    from romalayout.chip.perf import perf

    spec = _spec(args)
    model = _model(args.model, args.bits)
    r = perf(model, spec, args.rank, args.prompt, args.kv, args.batch, args.overlap, args.external_memory_gbps)
    e = point_energy(model, spec, r)
    out = r.to_json()
    out.update(energy_per_token_uj=e.decode.per_token_uj, power_w=e.decode.power_w, prefill_energy_per_token_uj=e.prefill.per_token_uj,
               prefill_power_w=e.prefill.power_w, energy=e.to_json())
    text = ("%s rank %d, batch %d, %s schedule: TTFT %.2f ms for %d prompt tokens; decode %.0f tokens/s at %d cached tokens; "
            "%.1f uJ/token, %.1f W (ROM %s, SRAM %s)"
            % (r.model, r.rank, r.batch, r.overlap, r.ttft_ms, r.prompt_tokens, r.decode_tokens_per_s, r.kv_tokens,
               e.decode.per_token_uj, e.decode.power_w, "fits" if r.fits["rom"] else "spills", "fits" if r.fits["sram"] else "spills"))
    return _print(out, args.json, text)


def _sweep(args) -> int:
    from romalayout.chip.sweep import sweep_rows, write_sweep

    spec = _spec(args)
    models = [_model(m, args.bits) for m in args.model.split(",")]
    rows = sweep_rows(spec, models, args.rank, args.prompt, args.kv, args.batch, args.overlap, args.external_memory_gbps)
    for p in write_sweep(rows, args.out):
        print(p)
    return 0


def _fit(args) -> int:
    from romalayout.chip.capacity import fit

    r = fit(_model(args.model, args.bits), _spec(args), args.rank, args.kv, args.batch)
    j = r.to_json()
    text = ("%s rank %d: ROM %d of %d B (%.1f%%) %s; SRAM: LoRA %d B + KV %d tokens x %d B = %.1f%% of %d B, max %d KV tokens: %s"
            % (r.model, r.rank, r.rom_bytes, r.rom_capacity_bytes, 100 * j["rom"]["utilization"], "fits" if r.rom else "DOES NOT FIT",
               r.lora_bytes, r.kv_tokens, r.kv_bytes_per_token, 100 * j["sram"]["utilization"], r.sram_capacity_bytes, r.max_kv_tokens,
               "fits" if r.sram else "DOES NOT FIT"))
    j.update(model=r.model, rank=r.rank, batch=r.batch, kv_tokens_per_sequence=r.kv_tokens_per_sequence)
    return _print(j, args.json, text)


def _capacity(args) -> int:
    from romalayout.chip.capacity import max_kv_tokens

    if not args.sram_mb >= 0:
        raise InputError("--sram-mb must be >= 0, got %s" % args.sram_mb)
    r = max_kv_tokens(_model(args.model, args.bits), args.rank, args.sram_mb, _spec(args))
    return _print(r.to_json(), args.json, "%s rank %d, %g MiB SRAM: LoRA %d B, KV %d B/token -> max %d tokens"
                  % (r.model, r.rank, args.sram_mb, r.lora_bytes, r.kv_bytes_per_token, r.max_tokens))


def _rom(args) -> int:
    from romalayout.chip.capacity import rom_packing

    r = rom_packing(_model(args.model, args.bits), _spec(args))
    lines = ["%-32s %14s %12s %10s %10s %14s" % ("part", "weight_bytes", "scale_bytes", "zp_bytes", "pad_bytes", "total_bytes")]
    for p in r.parts + ((r.input_embedding,) if r.input_embedding else ()):
        lines.append("%-32s %14d %12d %10d %10d %14d" % (p.name, p.weight_bytes, p.scale_bytes, p.zero_point_bytes, p.pad_bytes, p.total_bytes))
    lines.append("ROM total %d B of %d B (%.1f%%): %s; with the input embedding: %s" % (
        r.total_bytes, r.capacity_bytes, 100 * r.total_bytes / r.capacity_bytes, "fits" if r.fits else "DOES NOT FIT",
        "fits" if r.fits_with_input_embedding else "does not fit"))
    return _print(r.to_json(), args.json, "\n".join(lines))


def _area(args) -> int:
    from romalayout.chip.area import area_report_text, chip_area

    spec = _spec(args)
    return _print(chip_area(spec).to_json(), args.json, area_report_text(spec))


def _energy(args) -> int:
    from romalayout.chip.energy import action_energies

    e = action_energies(_spec(args))
    lines = ["%-14s %12s  %s" % ("action", "energy", "derivation")]
    for key, value, unit in (("rom_read", e.rom_read_pj, "pJ/word"), ("lunit_op", e.lunit_op_pj, "pJ/group"), ("sram", e.sram_pj_per_bit, "pJ/bit"),
                             ("fp16_mac", e.fp16_mac_pj, "pJ/MAC"), ("vector_op", e.vector_op_pj, "pJ/op"), ("hop", e.hop_pj_per_bit, "pJ/bit"),
                             ("external", e.external_pj_per_bit, "pJ/bit")):
        lines.append("%-14s %8.4g %s  %s" % (key, value, unit, e.derivation[key]))
    lines.append("leakage (W): " + ", ".join("%s %.3g" % kv for kv in e.leakage_w.items()))
    return _print(e.to_json(), args.json, "\n".join(lines))


def _table(args) -> int:
    from romalayout.chip.perf import DEFAULT_OVERLAP
    from romalayout.chip.table import DEFAULT_REASON, paper_table, table_text, unfit_notes

    rows = paper_table(_spec(args), args.external_memory_gbps)
    notes = unfit_notes(rows)
    text = table_text(rows) + "\n\nDefault schedule: " + DEFAULT_REASON
    if notes:
        text += "\n\nPoints that do not fit (give --external-memory-gbps X to model the spill):\n" + "\n".join("- " + n for n in notes)
    return _print({"default_overlap": DEFAULT_OVERLAP, "default_reason": DEFAULT_REASON, "external_memory_gbps": args.external_memory_gbps,
                   "rows": [r.to_json() for r in rows]}, args.json, text)


def _functional(args) -> int:
    from romalayout.chip.functional import functional_model, run_seeds

    model = functional_model(args.layers, args.hidden, args.ffn, args.heads, args.kv_heads, args.vocab, args.head_dim, args.bits)
    r = run_seeds(model, args.rank, args.prompt, args.steps, range(args.seeds))
    lines = ["%s rank %d, %d decode steps per seed:" % (model.name, args.rank, args.steps)]
    lines += ["  seed %d: chip %d/%d, exact-product control %d/%d; max |logit error| chip %.3g, control %.3g (logit rms %.3g)"
              % (x.seed, x.agreeing_steps, x.decode_steps, x.control_agreeing_steps, x.decode_steps, x.max_abs_logit_error,
                 x.control_max_abs_logit_error, x.logit_rms) for x in r.runs]
    lines.append("agreement over %d seeds: chip %.2f%%, exact-product control %.2f%%" % (len(r.runs), 100 * r.agreement, 100 * r.control_agreement))
    out = r.to_json()
    out["model"] = model.to_json()
    return _print(out, args.json, "\n".join(lines))


def _figures(args) -> int:
    from romalayout.chip.figures import write_figures

    for p in write_figures(_spec(args), args.out, args.overlap, args.external_memory_gbps):
        print(p)
    return 0
