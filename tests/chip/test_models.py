import json

import pytest

from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B, from_hf_config, get_model
from romalayout.errors import InputError


@pytest.mark.parametrize("model,public", [(LLAMA32_3B, 3.21e9), (LLAMA3_8B, 8.03e9)])
def test_param_counts_within_1_percent(model, public):
    assert abs(model.param_count() / public - 1) < 0.01


def test_shapes():
    m = LLAMA32_3B
    assert m.linear("k").out_features == 8 * 128 and m.linear("q").out_features == 3072
    assert m.linear("down").in_features == 8192 and m.linear("lm_head").out_features == 128256
    assert m.kv_elements_per_token() == 2 * 28 * 8 * 128
    # tied: the embedding is counted once, so untying adds vocab x hidden
    assert LLAMA3_8B.param_count() - LLAMA3_8B.embedding_params == sum(
        l.weights * (32 if l.per_layer else 1) for l in LLAMA3_8B.linears()) + 65 * 4096


def test_lora_params_all_projections():
    # rank r on q,k,v,o,gate,up,down: r * sum(in + out) per layer
    per_layer = (3072 + 3072) + 2 * (3072 + 1024) + (3072 + 3072) + 3 * (3072 + 8192)
    assert LLAMA32_3B.lora_params(16) == 16 * 28 * per_layer


def test_hf_config_roundtrip(tmp_path):
    cfg = {"num_hidden_layers": 28, "hidden_size": 3072, "intermediate_size": 8192, "num_attention_heads": 24,
           "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 128256, "tie_word_embeddings": True}
    p = tmp_path / "config.json"
    p.write_text(json.dumps(cfg))
    m = from_hf_config(p)
    assert m.param_count() == LLAMA32_3B.param_count() and m.base_bits == 4
    assert get_model(str(p), 2).base_bits == 2


@pytest.mark.parametrize("text", ["[]", "{\"hidden_size\": 8}", "not json"])
def test_bad_config(tmp_path, text):
    p = tmp_path / "config.json"
    p.write_text(text)
    with pytest.raises(InputError):
        from_hf_config(p)


def test_unknown_model():
    with pytest.raises(InputError, match="unknown model 'gpt5'"):
        get_model("gpt5")
