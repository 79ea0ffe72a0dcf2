"""`romalayout chip perf | capacity | rom | area | table | functional | figures`: the ROMA chip model."""

from __future__ import annotations

import json

from romalayout.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("chip", help="ROMA chip model: performance, capacity, area/power, figures")
    csub = p.add_subparsers(dest="chip_command", metavar="ACTION")
    csub.required = True

    def model_args(q, rank=True):
        q.add_argument("--model", required=True, help="llama3.2-3b, llama3-8b, or a path to a Hugging Face config.json")
        q.add_argument("--bits", type=int, default=None, help="base-weight bits (2 or 4); default: the preset's, 4 for a config.json")
        if rank:
            q.add_argument("--rank", type=int, default=16, help="LoRA rank (default 16)")
        q.add_argument("--json", action="store_true", help="print one JSON object")

    q = csub.add_parser("perf", help="TTFT of a prompt and decode tokens/s at a KV length")
    model_args(q)
    q.add_argument("--prompt", type=int, required=True, help="prompt tokens for the TTFT")
    q.add_argument("--kv", type=int, default=0, help="cached tokens for the decode speed (default 0)")
    q.set_defaults(func=_perf)
    q = csub.add_parser("capacity", help="max KV tokens in an SRAM size beside the LoRA weights")
    model_args(q)
    q.add_argument("--sram-mb", type=float, required=True, help="H-unit SRAM in MiB (the chip has 288)")
    q.set_defaults(func=_capacity)
    q = csub.add_parser("rom", help="base weights packed into ROM words, bytes per part")
    model_args(q, rank=False)
    q.set_defaults(func=_rom)
    q = csub.add_parser("area", help="area and power roll-up beside Table I and Fig. 11")
    q.add_argument("--l-unit-area-mm2", type=float, default=None, help="override the L-unit area (e.g. the fused-cell estimate)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_area)
    q = csub.add_parser("table", help="the paper's numbers beside the model's")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_table)
    q = csub.add_parser("functional", help="small Llama through the chip arithmetic vs float64: next-token agreement")
    q.add_argument("--steps", type=int, default=300, help="decode steps (default 300)")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_functional)
    q = csub.add_parser("figures", help="write Figs. 6-11 (PNG) and their data (CSV)")
    q.add_argument("--out", required=True, help="output directory")
    q.set_defaults(func=_figures)


def _spec():
    from romalayout.chip.spec import load_spec

    return load_spec()


def _model(args):
    from romalayout.chip.models import get_model

    if args.bits is not None and args.bits not in (2, 4):
        raise InputError("--bits must be 2 or 4, got %d" % args.bits)
    return get_model(args.model, args.bits)


def _rank(args) -> int:
    if args.rank < 0:
        raise InputError("--rank must be >= 0, got %d" % args.rank)
    return args.rank


def _print(obj: dict, as_json: bool, text: str) -> int:
    print(json.dumps(obj, indent=1, sort_keys=True) if as_json else text)
    return 0


def _perf(args) -> int:
    from romalayout.chip.perf import perf

    if args.prompt < 1:
        raise InputError("--prompt must be >= 1 token, got %d" % args.prompt)
    if args.kv < 0:
        raise InputError("--kv must be >= 0 tokens, got %d" % args.kv)
    r = perf(_model(args), _spec(), _rank(args), args.prompt, args.kv)
    return _print(r.to_json(), args.json, "%s rank %d: TTFT %.2f ms for %d prompt tokens; decode %.0f tokens/s at %d cached tokens"
                  % (r.model, r.rank, r.ttft_ms, r.prompt_tokens, r.decode_tokens_per_s, r.kv_tokens))


def _capacity(args) -> int:
    from romalayout.chip.capacity import max_kv_tokens

    if not args.sram_mb >= 0:
        raise InputError("--sram-mb must be >= 0, got %s" % args.sram_mb)
    r = max_kv_tokens(_model(args), _rank(args), args.sram_mb, _spec())
    return _print(r.to_json(), args.json, "%s rank %d, %g MiB SRAM: LoRA %d B, KV %d B/token -> max %d tokens"
                  % (r.model, r.rank, args.sram_mb, r.lora_bytes, r.kv_bytes_per_token, r.max_tokens))


def _rom(args) -> int:
    from romalayout.chip.capacity import rom_packing

    r = rom_packing(_model(args), _spec())
    lines = ["%-32s %14s %12s %10s %10s %14s" % ("part", "weight_bytes", "scale_bytes", "zp_bytes", "pad_bytes", "total_bytes")]
    for p in r.parts + ((r.input_embedding,) if r.input_embedding else ()):
        lines.append("%-32s %14d %12d %10d %10d %14d" % (p.name, p.weight_bytes, p.scale_bytes, p.zero_point_bytes, p.pad_bytes, p.total_bytes))
    lines.append("ROM total %d B of %d B (%.1f%%): %s; with the input embedding: %s" % (
        r.total_bytes, r.capacity_bytes, 100 * r.total_bytes / r.capacity_bytes, "fits" if r.fits else "DOES NOT FIT",
        "fits" if r.fits_with_input_embedding else "does not fit"))
    return _print(r.to_json(), args.json, "\n".join(lines))


def _area(args) -> int:
    from romalayout.chip.area import area_power

    if args.l_unit_area_mm2 is not None and not args.l_unit_area_mm2 > 0:
        raise InputError("--l-unit-area-mm2 must be > 0, got %s" % args.l_unit_area_mm2)
    r = area_power(_spec(), l_unit_area_mm2=args.l_unit_area_mm2)
    lines = ["%-16s %10s %8s" % ("block", "mm^2", "W")] + ["%-16s %10.1f %8.2f" % (b.name, b.area_mm2, b.power_w) for b in r.blocks]
    lines.append("%-16s %10.1f %8.2f   (paper Table I: 503.7 mm^2, 33.1 W; power at %s)" % ("total", r.total_mm2, r.power_w, r.workload))
    return _print(r.to_json(), args.json, "\n".join(lines))


def _table(args) -> int:
    from romalayout.chip.table import paper_table, table_text

    rows = paper_table(_spec())
    return _print({"rows": [r.to_json() for r in rows]}, args.json, table_text(rows))


def _functional(args) -> int:
    from romalayout.chip.functional import run_agreement

    if args.steps < 1:
        raise InputError("--steps must be >= 1, got %d" % args.steps)
    r = run_agreement(decode_steps=args.steps, seed=args.seed)
    return _print(r.to_json(), args.json, "%s: %d/%d decode steps agree (%.2f%%); max |logit error| %.3g (logit rms %.3g); chip model %.0f tokens/s"
                  % (r.model, r.agreeing_steps, r.decode_steps, 100 * r.agreement, r.max_abs_logit_error, r.logit_rms, r.chip_tokens_per_s))


def _figures(args) -> int:
    from romalayout.chip.figures import write_figures

    for p in write_figures(_spec(), args.out):
        print(p)
    return 0
