import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from romalayout.chip.spec import SPEC_PATH


def run(*args):
    return subprocess.run([sys.executable, "-m", "romalayout.cli", "chip", *args], capture_output=True, text=True)


def one_line_error(r, needle):
    assert r.returncode == 2 and r.stdout == "", r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("romalayout: error: ") and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_perf_contract():
    r = run("perf", "--model", "llama3.2-3b", "--prompt", "256", "--kv", "1024", "--batch", "2", "--overlap", "pipelined", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    for key in ("model", "rank", "prompt_tokens", "kv_tokens", "ttft_ms", "decode_tokens_per_s", "decode_ms_per_token", "decode_stage_cycles"):
        assert key in d
    assert d["overlap"] == "pipelined" and d["batch"] == 2
    assert d["fits"] == {"rom": True, "sram": True}
    assert d["energy_per_token_uj"] > 0 and d["power_w"] > 0
    default = json.loads(run("perf", "--model", "llama3.2-3b", "--prompt", "256", "--kv", "1024", "--json").stdout)
    assert default["overlap"] == "full" and default["batch"] == 1


def test_perf_refuses_what_does_not_fit():
    one_line_error(run("perf", "--model", "llama3.2-3b", "--prompt", "256", "--kv", "4096"), "exceeds the 2421 tokens")
    one_line_error(run("perf", "--model", "llama3-8b", "--prompt", "256", "--kv", "0", "--json"), "base weights need 2008082432 B of ROM")
    r = run("perf", "--model", "llama3.2-3b", "--prompt", "256", "--kv", "4096", "--external-memory-gbps", "68.3", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["fits"] == {"rom": True, "sram": False}


def test_sweep_contract(tmp_path):
    out = tmp_path / "sw"
    r = run("sweep", "--model", "llama3.2-3b", "--prompt", "256,1024", "--kv", "0,1024", "--out", str(out))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert [(int(x["prompt_tokens"]), int(x["kv_tokens"])) for x in rows] == [(256, 0), (256, 1024), (1024, 0), (1024, 1024)]
    j = json.loads((out / "sweep.json").read_text())
    assert len(j["rows"]) == 4 and all(x["fits_sram"] and x["energy_per_token_uj"] > 0 for x in j["rows"])
    # a point that does not fit is a row with its reason, not an error
    r = run("sweep", "--model", "llama3.2-3b", "--kv", "0,4096", "--overlap", "serial,full", "--out", str(out))
    assert r.returncode == 0, r.stderr
    rows = json.loads((out / "sweep.json").read_text())["rows"]
    assert len(rows) == 4 and [x["fits_sram"] for x in rows] == [True, True, False, False]
    assert rows[2]["decode_tokens_per_s"] is None and rows[2]["status"].startswith("does not fit")


def test_set_and_spec(tmp_path):
    base = json.loads(run("perf", "--model", "llama3.2-3b", "--prompt", "8", "--json").stdout)
    fast = json.loads(run("perf", "--model", "llama3.2-3b", "--prompt", "8", "--json", "--set", "l_unit.compute_cells=32",
                          "--set", "clock.frequency_mhz=1000").stdout)
    assert fast["decode_tokens_per_s"] > 2 * base["decode_tokens_per_s"] * 0.9
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC_PATH.read_text().replace("frequency_mhz = { value = 500,", "frequency_mhz = { value = 250,"))
    slow = json.loads(run("perf", "--model", "llama3.2-3b", "--prompt", "8", "--json", "--spec", str(spec)).stdout)
    assert slow["decode_tokens_per_s"] == pytest.approx(base["decode_tokens_per_s"] / 2)
    partial = tmp_path / "partial.toml"
    partial.write_text('[clock]\nfrequency_mhz = { value = 250, unit = "MHz", source = "x" }\n')
    one_line_error(run("perf", "--model", "llama3.2-3b", "--prompt", "8", "--spec", str(partial)), "lacks parameter")


def test_fit_report_for_a_config(tmp_path):
    cfg = {"model_type": "qwen2", "num_hidden_layers": 24, "hidden_size": 896, "intermediate_size": 4864, "num_attention_heads": 14,
           "num_key_value_heads": 2, "vocab_size": 151936, "tie_word_embeddings": True}
    p = tmp_path / "config.json"
    p.write_text(json.dumps(cfg))
    d = json.loads(run("fit", "--model", str(p), "--kv", "4096", "--json").stdout)
    assert d["fits"] == {"rom": True, "sram": True}
    # KV per token: 2 x 24 layers x 2 KV heads x 64 x 2 B = 12,288 B
    assert d["sram"]["kv_bytes_per_token"] == 12288 and d["sram"]["kv_bytes"] == 4096 * 12288
    assert 0 < d["rom"]["utilization"] < 0.2
    p.write_text(json.dumps({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}))
    one_line_error(run("fit", "--model", str(p)), "architecture 'gpt2' (GPT2LMHeadModel) is not supported")


def test_table_names_default_and_refusals():
    r = run("table")
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0]
    assert "serial" in head and "pipelined" in head and "full (default)" in head
    assert "Default schedule: full" in r.stdout and "DOES NOT FIT" in r.stdout and "does not fit" in r.stdout
    d = json.loads(run("table", "--external-memory-gbps", "68.3", "--json").stdout)
    rows = {x["quantity"]: x for x in d["rows"]}
    assert rows["3B r16 decode, 4K cached"]["modes"]["full"]["model"] > 0
    assert set(rows["3B r16 decode, empty KV"]["modes"]) == {"serial", "pipelined", "full"}


def test_figures(tmp_path):
    r = run("figures", "--out", str(tmp_path / "f"))
    assert r.returncode == 0, r.stderr
    names = {p.name for p in (tmp_path / "f").iterdir()}
    assert {"fig6_ttft.png", "fig9_compare.csv", "fig11_breakdown.png", "fig12_lunit.png", "paper_points.csv", "paper_vs_model.md"} <= names
    from PIL import Image

    for n in names:
        if n.endswith(".png"):
            assert Image.open(tmp_path / "f" / n).size[0] >= 1000, n
    rows = list(csv.DictReader((tmp_path / "f" / "fig7_decode.csv").open()))
    assert {(x["model"], x["kv_tokens"], x["fits"]) for x in rows} >= {("llama3.2-3b", "4096", "false"), ("llama3.2-3b", "0", "true")}
    first = (tmp_path / "f" / "fig7_decode.png").read_bytes()
    run("figures", "--out", str(tmp_path / "f"))
    assert (tmp_path / "f" / "fig7_decode.png").read_bytes() == first  # byte-identical rerun


def test_functional_cli():
    r = run("functional", "--layers", "1", "--hidden", "128", "--ffn", "256", "--heads", "2", "--kv-heads", "1", "--vocab", "128",
            "--steps", "4", "--prompt", "2", "--seeds", "10", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["seeds"] == 10 and len(d["runs"]) == 10 and 0 <= d["control_agreement"] <= 1


@pytest.mark.parametrize("args,needle", [
    (("perf", "--model", "gpt5", "--prompt", "8"), "unknown model 'gpt5'"),
    (("perf", "--model", "llama3-8b", "--rank", "-1", "--prompt", "8"), "argument --rank: expected an integer >= 0, got '-1'"),
    (("perf", "--model", "llama3-8b", "--prompt", "0"), "argument --prompt: expected an integer >= 1, got '0'"),
    (("perf", "--model", "llama3.2-3b", "--prompt", "8", "--batch", "0"), "argument --batch: expected an integer >= 1"),
    (("perf", "--model", "llama3.2-3b", "--prompt", "8", "--overlap", "eager"), "argument --overlap: invalid choice: 'eager'"),
    (("perf", "--model", "llama3.2-3b", "--prompt", "8", "--external-memory-gbps", "0"), "expected a number > 0, got '0'"),
    (("perf", "--model", "llama3.2-3b", "--prompt", "8", "--set", "l_unit.compute_cells=abc"), "l_unit.compute_cells=abc: expected a finite number"),
    (("perf", "--model", "llama3.2-3b", "--prompt", "8", "--set", "nope.x=1"), "--set nope.x: unknown chip parameter"),
    (("perf", "--model", "llama3.2-3b", "--prompt", "8", "--set", "l_unit.compute_cells=0"), "l_unit.compute_cells must be a positive integer, got 0"),
    (("perf", "--model", "llama3.2-3b", "--prompt", "8", "--spec", "/nonexistent.toml"), "cannot read chip spec /nonexistent.toml"),
    (("capacity", "--model", "llama3-8b", "--rank", "16", "--sram-mb", "-1"), "--sram-mb must be >= 0"),
    (("perf", "--model", "llama3-8b", "--prompt", "x"), "expected an integer >= 1, got 'x'"),
    (("perf", "--model", "/nonexistent/config.json", "--prompt", "8"), "cannot read model config"),
    (("sweep", "--model", "llama3.2-3b", "--prompt", "256,x", "--out", "/tmp/never"), "expected comma-separated prompt lengths >= 1, got '256,x'"),
    (("sweep", "--model", "llama3.2-3b", "--overlap", "serial,eager", "--out", "/tmp/never"), "got 'eager'"),
    (("functional", "--hidden", "192", "--heads", "2", "--steps", "1"), "multiple of the 128-weight group"),
])
def test_bad_input(args, needle):
    one_line_error(run(*args), needle)
    assert not Path("/tmp/never").exists()


def test_area_and_energy_commands():
    d = json.loads(run("area", "--json").stdout)
    assert d["total_mm2"] == pytest.approx(sum(b["area_mm2"] for b in d["breakdown"].values()))
    assert "lunit_layout_asap7.json" in d["layout_source"]
    fused = json.loads(run("area", "--json", "--set", "l_unit.layout_design=fused").stdout)
    assert fused["l_unit_slice"]["design"] == "fused" and fused["breakdown"]["l_unit"]["area_mm2"] != d["breakdown"]["l_unit"]["area_mm2"]
    one_line_error(run("area", "--set", "l_unit.layout_design=nope"), "has no design 'nope'")
    one_line_error(run("area", "--set", "l_unit.rom_bank_words=2048"), "measured depths [512, 1024] only")
    e = json.loads(run("energy", "--json").stdout)
    assert set(e["leakage_w"]) == {"l_unit", "h_unit", "vector_unit", "router", "external"} and e["rom_read_pj"] > 0
