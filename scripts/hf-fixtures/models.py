"""Parity fixtures for the built-in engine's Hugging Face decoder models.

Builds tiny random-weight Llama / Qwen2 / Qwen3 / Mistral models with
transformers itself (one directory per case), saves them with
`save_pretrained`, and records what transformers computes on them in float32:
logits at a few positions of a few prompts and 16-token greedy continuations.
The Swift tests (`HFModelParityTests`) load the same directories and compare.

CI never runs this script; its output under Tests/TrainerTests/Fixtures/hf is
committed. To regenerate:

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install torch
    .venv-fixtures/bin/pip install transformers safetensors numpy
    FIXTURE_PYTHON=.venv-fixtures/bin/python scripts/make-hf-fixtures

(`scripts/make-hf-fixtures` runs this file with `$FIXTURE_PYTHON`.)
Written against transformers 5.x; transformers 5 writes the new config
spelling (`rope_parameters`, `dtype`), so every case but one is rewritten
into the spelling released checkpoints use (`rope_theta`, `rope_scaling`,
`torch_dtype`) and the expectations are computed from the rewritten
directory: transformers itself shows both spellings mean the same model.
"""

import json
import os
import shutil
import sys

import torch
import transformers

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/TrainerTests/Fixtures/hf"

HIDDEN, HEADS, KV_HEADS, VOCAB, INTERMEDIATE = 64, 4, 2, 512, 96

COMMON = dict(
    vocab_size=VOCAB,
    hidden_size=HIDDEN,
    intermediate_size=INTERMEDIATE,
    num_hidden_layers=2,
    num_attention_heads=HEADS,
    num_key_value_heads=KV_HEADS,
    max_position_embeddings=64,
    rms_norm_eps=1e-5,
    # larger than the usual 0.02 so logits are spread out and greedy choices
    # are not decided by float rounding
    initializer_range=0.15,
    bos_token_id=1,
    eos_token_id=2,
)

# name: (config class, extra config, stored dtype, max shard size or None, released spelling?)
CASES = {
    "llama": (
        "LlamaConfig",
        dict(rope_theta=10000.0, tie_word_embeddings=False),
        torch.bfloat16, "150KB", True,
    ),
    "llama-llama3": (
        "LlamaConfig",
        dict(
            rope_theta=500000.0, num_hidden_layers=3, tie_word_embeddings=True,
            rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                              original_max_position_embeddings=16),
            eos_token_id=[2, 3],
        ),
        torch.bfloat16, None, True,
    ),
    "llama-linear": (
        "LlamaConfig",
        dict(rope_theta=10000.0, rope_scaling=dict(type="linear", factor=2.0), attention_bias=True, mlp_bias=True),
        torch.float16, None, True,
    ),
    "llama-dynamic": (
        "LlamaConfig",
        dict(rope_theta=10000.0, max_position_embeddings=24, rope_scaling=dict(rope_type="dynamic", factor=2.0)),
        torch.float32, None, True,
    ),
    "qwen2": (
        "Qwen2Config",
        dict(rope_theta=1000000.0, tie_word_embeddings=False, rms_norm_eps=1e-6),
        torch.bfloat16, None, True,
    ),
    "qwen3": (
        "Qwen3Config",
        dict(rope_theta=1000000.0, head_dim=24, tie_word_embeddings=True, rms_norm_eps=1e-6),
        torch.bfloat16, None, False,  # written in the transformers 5 spelling
    ),
    "mistral": (
        "MistralConfig",
        dict(rope_theta=10000.0, sliding_window=7, num_hidden_layers=3),
        torch.float16, None, True,
    ),
    "qwen2-yarn": (
        "Qwen2Config",
        dict(
            rope_theta=10000.0, tie_word_embeddings=True,
            rope_scaling=dict(type="yarn", factor=4.0, original_max_position_embeddings=16),
            use_sliding_window=True, sliding_window=9, max_window_layers=1,
        ),
        torch.bfloat16, None, True,
    ),
}

# Token-id prompts (no tokenizer here). The longest runs past the sliding
# windows, past `max_position_embeddings` of the dynamic case and past the
# yarn/llama3 original context.
def prompts():
    g = torch.Generator().manual_seed(1234)
    lengths = [5, 13, 30]
    return [[1] + torch.randint(4, VOCAB, (n - 1,), generator=g).tolist() for n in lengths]


GREEDY_TOKENS = 16
LOGIT_POSITIONS = [0, 3, -2, -1]


def build(name, class_name, extra, dtype, shard, released):
    torch.manual_seed(sum(map(ord, name)))
    config_args = dict(COMMON)
    config_args.update(extra)
    rope_scaling = config_args.pop("rope_scaling", None)
    theta = config_args.pop("rope_theta")
    rope = dict(rope_scaling or {"rope_type": "default"})
    rope["rope_type"] = rope.pop("type", rope.get("rope_type"))
    rope["rope_theta"] = theta
    config = getattr(transformers, class_name)(rope_parameters=rope, **config_args)
    model = getattr(transformers, class_name.replace("Config", "ForCausalLM"))(config)
    with torch.no_grad():
        for p_name, p in model.named_parameters():
            if p_name.endswith("norm.weight"):
                # norms near 1 but not exactly, so a missing norm shows
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif p_name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
    model = model.to(dtype)
    directory = os.path.join(OUT, name)
    shutil.rmtree(directory, ignore_errors=True)
    model.save_pretrained(directory, max_shard_size=shard or "50MB")
    generation = {"bos_token_id": 1, "eos_token_id": config_args["eos_token_id"], "temperature": 0.7,
                  "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.05, "do_sample": True,
                  "max_new_tokens": 64}
    with open(os.path.join(directory, "generation_config.json"), "w") as f:
        json.dump(generation, f, indent=2, sort_keys=True)
    if released:
        rewrite_released_spelling(os.path.join(directory, "config.json"))
    return directory


def rewrite_released_spelling(path):
    """transformers 5's config.json -> the spelling of checkpoints released with transformers 4."""
    with open(path) as f:
        config = json.load(f)
    rope = config.pop("rope_parameters")
    config["rope_theta"] = rope.pop("rope_theta")
    if rope.get("rope_type", "default") != "default":
        rope_type = rope.pop("rope_type")
        # released configs use either key; keep the legacy "type" for linear to cover it
        rope["type" if rope_type == "linear" else "rope_type"] = rope_type
        config["rope_scaling"] = rope
    else:
        config["rope_scaling"] = None
    config["torch_dtype"] = config.pop("dtype")
    config.pop("layer_types", None)
    # released Llama 2 / Qwen2 / Mistral configs leave head_dim to be derived
    if config.get("head_dim") == config["hidden_size"] // config["num_attention_heads"]:
        del config["head_dim"]
    config["transformers_version"] = "4.51.3"
    with open(path, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)


def rounded(values, digits=5):
    return [round(float(v), digits) for v in values]


def expectations(directory):
    results = []
    for prompt in prompts():
        # a fresh model per prompt: dynamic RoPE keeps state across calls
        model = transformers.AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32)
        model.eval()
        ids = torch.tensor([prompt])
        with torch.no_grad():
            out = model(ids, use_cache=True)
        logits = out.logits[0]
        positions = sorted({p % len(prompt) for p in LOGIT_POSITIONS})
        # greedy continuation one token at a time through the KV cache, as the engine decodes
        past, greedy, margins = out.past_key_values, [], []
        next_logits = logits[-1]
        with torch.no_grad():
            for _ in range(GREEDY_TOKENS):
                top = torch.topk(next_logits, 2).values
                margins.append(float(top[0] - top[1]))
                token = int(torch.argmax(next_logits))
                greedy.append(token)
                step = model(torch.tensor([[token]]), past_key_values=past, use_cache=True)
                past, next_logits = step.past_key_values, step.logits[0, -1]
        results.append({
            "prompt": prompt,
            "logits": [{"position": p, "values": rounded(logits[p])} for p in positions],
            "greedy": greedy,
            "min_greedy_margin": round(min(margins), 6),
        })
    return results


def rope_reference(directory):
    """RoPE inverse frequencies and cos/sin factor as transformers builds them
    (for `dynamic`, also after a forward pass over 2 x max_position_embeddings)."""
    model = transformers.AutoModelForCausalLM.from_pretrained(directory, dtype=torch.float32)
    rotary = model.model.rotary_emb
    reference = {"inv_freq": [float(v) for v in rotary.inv_freq], "attention_scaling": float(rotary.attention_scaling)}
    if rotary.rope_type == "dynamic":
        length = 2 * model.config.max_position_embeddings
        x = torch.zeros(1, length, model.config.hidden_size)
        rotary(x, torch.arange(length)[None])
        reference["grown_length"] = length
        reference["grown_inv_freq"] = [float(v) for v in rotary.inv_freq]
    return reference


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    summary = {}
    for name, (class_name, extra, dtype, shard, released) in CASES.items():
        directory = build(name, class_name, extra, dtype, shard, released)
        expected = {"case": name, "transformers": transformers.__version__, "torch": torch.__version__,
                    "rope": rope_reference(directory), "prompts": expectations(directory)}
        with open(os.path.join(directory, "expected.json"), "w") as f:
            json.dump(expected, f, separators=(",", ":"))
        summary[name] = min(p["min_greedy_margin"] for p in expected["prompts"])
    for name, margin in summary.items():
        print(f"{name:14s} smallest greedy top-1/top-2 margin {margin}")


if __name__ == "__main__":
    main()
