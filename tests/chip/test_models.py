import json

import pytest

from romalayout.chip.capacity import fit, rom_packing
from romalayout.chip.models import LLAMA3_8B, LLAMA32_3B, from_hf_config, get_model
from romalayout.chip.perf import context_sum
from romalayout.chip.spec import load_spec
from romalayout.errors import InputError

SPEC = load_spec()

# Shapes as published in the models' Hugging Face config.json files.
LLAMA32_3B_CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "num_hidden_layers": 28, "hidden_size": 3072,
                     "intermediate_size": 8192, "num_attention_heads": 24, "num_key_value_heads": 8, "head_dim": 128,
                     "vocab_size": 128256, "tie_word_embeddings": True, "hidden_act": "silu", "attention_bias": False, "mlp_bias": False}
QWEN2_05B_CONFIG = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "num_hidden_layers": 24, "hidden_size": 896,
                    "intermediate_size": 4864, "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936,
                    "tie_word_embeddings": True, "hidden_act": "silu", "use_sliding_window": False, "sliding_window": 32768}
MISTRAL_7B_V01_CONFIG = {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "num_hidden_layers": 32, "hidden_size": 4096,
                         "intermediate_size": 14336, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000,
                         "tie_word_embeddings": False, "hidden_act": "silu", "sliding_window": 4096}


def _write(tmp_path, cfg, name="config.json"):
    p = tmp_path / name
    p.write_text(json.dumps(cfg))
    return p


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


def test_llama_config_roundtrip(tmp_path):
    m = from_hf_config(_write(tmp_path, LLAMA32_3B_CONFIG))
    assert m.param_count() == LLAMA32_3B.param_count() and m.base_bits == 4 and m.family == "llama"
    assert get_model(str(_write(tmp_path, LLAMA32_3B_CONFIG)), 2).base_bits == 2


def test_qwen2_gqa_tied_biases(tmp_path):
    m = from_hf_config(_write(tmp_path, QWEN2_05B_CONFIG))
    assert (m.family, m.q_heads, m.kv_heads, m.head_dim, m.tied_embeddings) == ("qwen2", 14, 2, 64, True)
    assert m.bias_projections == ("q", "k", "v")
    # Qwen2-0.5B has 494,032,768 parameters (its model card's 0.49B): 24 layers x (2 x 896^2 +
    # 2 x 128 x 896 + 3 x 4864 x 896) = 357,826,560; tied embedding 151,936 x 896 = 136,134,656;
    # 49 norms x 896 = 43,904; q/k/v biases 24 x (896 + 128 + 128) = 27,648
    assert m.param_count() == 494032768
    rom = rom_packing(m, SPEC)
    assert any(p.name.startswith("bias") and p.total_bytes == 27648 * 2 for p in rom.parts)


def test_mistral_sliding_window(tmp_path):
    m = from_hf_config(_write(tmp_path, MISTRAL_7B_V01_CONFIG))
    # Mistral-7B-v0.1: 7,241,732,096 parameters (its 7.24B)
    assert m.param_count() == 7241732096 and m.attention_window == 4096
    assert fit(m, SPEC, 16, 10000).kv_tokens_per_sequence == 4096  # a rolling window of 4096 tokens
    # 3 queries after 4094 cached: contexts 4095, 4096, 4096 (window)
    assert float(context_sum(m, 3, 4094)) == 4095 + 4096 + 4096
    assert float(context_sum(LLAMA32_3B, 3, 4094)) == 4095 + 4096 + 4097


@pytest.mark.parametrize("cfg,needle", [
    ({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": 12}, "architecture 'gpt2' (GPT2LMHeadModel) is not supported"),
    ({"model_type": "mixtral", "num_hidden_layers": 32}, "architecture 'mixtral' is not supported"),
    ({"architectures": ["FalconForCausalLM"]}, "architecture 'FalconForCausalLM' is not supported"),
    ({"num_hidden_layers": 2, "hidden_size": 256}, "no model_type or architectures"),
    (dict(LLAMA32_3B_CONFIG, hidden_act="gelu"), "hidden_act 'gelu' is not supported"),
    (dict(QWEN2_05B_CONFIG, use_sliding_window=True), "use_sliding_window"),
    (dict(LLAMA32_3B_CONFIG, num_key_value_heads=5), "not a multiple of kv_heads"),
    (dict(LLAMA32_3B_CONFIG, hidden_size=-1), "hidden_size must be a positive integer"),
])
def test_refused_by_name(tmp_path, cfg, needle):
    with pytest.raises(InputError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        from_hf_config(_write(tmp_path, cfg))


@pytest.mark.parametrize("text", ["[]", "not json"])
def test_bad_config(tmp_path, text):
    p = tmp_path / "config.json"
    p.write_text(text)
    with pytest.raises(InputError):
        from_hf_config(p)


def test_unknown_model():
    with pytest.raises(InputError, match="unknown model 'gpt5'"):
        get_model("gpt5")
