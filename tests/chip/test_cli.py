import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "romalayout.cli", "chip", *args], capture_output=True, text=True)


def test_perf_contract():
    r = run("perf", "--model", "llama3.2-3b", "--rank", "16", "--prompt", "256", "--kv", "1024", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["ttft_ms"] > 0 and d["decode_tokens_per_s"] > 0


def test_perf_config_json(tmp_path):
    cfg = {"num_hidden_layers": 2, "hidden_size": 256, "intermediate_size": 512, "num_attention_heads": 4,
           "num_key_value_heads": 2, "vocab_size": 1000}
    p = tmp_path / "config.json"
    p.write_text(json.dumps(cfg))
    d = json.loads(run("perf", "--model", str(p), "--prompt", "8", "--json").stdout)
    assert d["decode_tokens_per_s"] > 100000  # a tiny model decodes far faster than the 3B


def test_capacity_and_area_contract():
    d = json.loads(run("capacity", "--model", "llama3.2-3b", "--rank", "64", "--sram-mb", "64", "--json").stdout)
    assert d["max_tokens"] == 0
    d = json.loads(run("area", "--json").stdout)
    assert d["total_mm2"] == pytest.approx(sum(b["area_mm2"] for b in d["breakdown"].values()))
    assert d["power_w"] > 0 and "l_unit" in d["breakdown"]


def test_figures(tmp_path):
    r = run("figures", "--out", str(tmp_path / "f"))
    assert r.returncode == 0, r.stderr
    names = {p.name for p in (tmp_path / "f").iterdir()}
    assert {"fig6_ttft.png", "fig9_compare.csv", "fig11_breakdown.png", "paper_vs_model.md"} <= names
    first = (tmp_path / "f" / "fig7_decode.png").read_bytes()
    run("figures", "--out", str(tmp_path / "f"))
    assert (tmp_path / "f" / "fig7_decode.png").read_bytes() == first  # byte-identical rerun


@pytest.mark.parametrize("args,needle", [
    (("perf", "--model", "gpt5", "--prompt", "8"), "unknown model 'gpt5'"),
    (("perf", "--model", "llama3-8b", "--rank", "-1", "--prompt", "8"), "--rank must be >= 0, got -1"),
    (("perf", "--model", "llama3-8b", "--prompt", "0"), "--prompt must be >= 1"),
    (("capacity", "--model", "llama3-8b", "--rank", "16", "--sram-mb", "-1"), "--sram-mb must be >= 0"),
    (("perf", "--model", "llama3-8b", "--prompt", "x"), "invalid int value: 'x'"),
    (("perf", "--model", "/nonexistent/config.json", "--prompt", "8"), "cannot read model config"),
    (("area", "--l-unit-area-mm2", "0"), "--l-unit-area-mm2 must be > 0"),
])
def test_bad_input(args, needle):
    r = run(*args)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("romalayout: error: ") and needle in lines[0]
    assert "Traceback" not in r.stderr
