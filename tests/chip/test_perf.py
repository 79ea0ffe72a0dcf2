import numpy as np
import pytest

from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B
from romalayout.chip.perf import decode_cycles, generation_tokens_per_s, perf, prefill_cycles
from romalayout.chip.spec import load_spec
from romalayout.chip.table import paper_table, table_text
from romalayout.errors import InputError

SPEC = load_spec()


def test_decode_lower_bound_is_rom_stream():
    # every base weight group passes one compute cell once per token (two passes for INT4)
    for m in (LLAMA32_3B, LLAMA3_8B):
        groups = sum(l.weights * (m.layers if l.per_layer else 1) for l in m.linears()) / 128
        floor = groups * (m.base_bits // 2) / (256 * SPEC["l_unit.compute_cells"])
        assert floor < float(decode_cycles(m, SPEC, 16, 0)) < 2 * floor


def test_monotone_and_vectorized():
    kv = np.array([0, 512, 1024, 4096])
    c = decode_cycles(LLAMA32_3B, SPEC, 16, kv)
    assert np.all(np.diff(c) > 0)
    assert float(c[2]) == float(decode_cycles(LLAMA32_3B, SPEC, 16, 1024))
    t = [prefill_cycles(LLAMA32_3B, SPEC, 16, n) for n in (256, 1024, 4096)]
    assert t[0] < t[1] < t[2] and t[2] > 16 * t[0] * 0.9


def test_more_compute_cells_is_faster():
    fast = SPEC.replace(l_unit__compute_cells=32)
    assert decode_cycles(LLAMA32_3B, fast, 16, 0) < decode_cycles(LLAMA32_3B, SPEC, 16, 0)


def test_fig9_between_decode_rates():
    g = generation_tokens_per_s(LLAMA32_3B, SPEC, 16, 256, 4096)
    assert perf(LLAMA32_3B, SPEC, 16, 1, 4352).decode_tokens_per_s < g < perf(LLAMA32_3B, SPEC, 16, 1, 256).decode_tokens_per_s


def test_bad_rank():
    with pytest.raises(InputError):
        perf(LLAMA32_3B, SPEC, -1, 10, 0)


def test_spec_every_param_has_unit_and_source():
    for p in SPEC.params.values():
        assert p.unit is not None and p.source.strip()
        if isinstance(p.value, (int, float)) and not isinstance(p.value, bool):
            assert p.source.startswith(("paper", "assumption", "repo", "Intel", "NVIDIA", "4 cores", "one add", "as above")), p.name


def test_paper_table():
    rows = {r.quantity: r for r in paper_table(SPEC)}
    assert rows["3B r16 TTFT, 256 tokens"].model == pytest.approx(perf(LLAMA32_3B, SPEC, 16, 256, 0).ttft_ms)
    assert rows["3B r16 TTFT, 256 tokens"].status.startswith("ok")
    assert rows["Fig. 10 3B max tokens, 64 MiB r64"].status == "ok"
    text = table_text(paper_table(SPEC))
    assert text.count("\n") == len(rows) + 1 and "DISAGREES" in text  # disagreements are reported, not hidden
