"""Writes a complete, tiny Hugging Face checkpoint directory (Qwen3
architecture, random bf16 weights, a byte-level BPE tokenizer with ChatML
special tokens, a chat template and generation defaults) for the tests that
upload, serve and evaluate an `hf` checkpoint end to end.

Standard library only, deterministic: the same command writes the same bytes.
Parity with transformers is proven by the fixtures of scripts/make-hf-fixtures;
this one only has to be a valid checkpoint the built-in engine runs.

    python3 scripts/hf-fixtures/tiny_checkpoint.py Tests/ServerTests/Fixtures/hf-tiny-qwen3
"""
import json
import os
import random
import shutil
import struct
import sys

HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_DIM, FFN = 32, 2, 4, 2, 8, 64
VOCAB = 1024  # the tokenizer has 1010 ids; the rest is padding, as released models pad
CONTEXT = 4096
ROOT = os.path.dirname(os.path.abspath(__file__))
TOKENIZER = os.path.join(ROOT, "..", "..", "Tests", "TokenizersTests", "Fixtures", "qwen2-style", "tokenizer.json")
TEMPLATE = os.path.join(ROOT, "..", "..", "Tests", "JinjaTests", "Fixtures", "templates", "family_chatml.jinja")


def bf16(values):
    out = bytearray()
    for v in values:
        bits = struct.unpack("<I", struct.pack("<f", v))[0]
        bits += 0x7FFF + ((bits >> 16) & 1)  # round to nearest even
        out += struct.pack("<H", (bits >> 16) & 0xFFFF)
    return bytes(out)


def tensors(rng):
    def normal(shape, scale):
        n = 1
        for d in shape:
            n *= d
        return shape, [rng.gauss(0.0, scale) for _ in range(n)]

    def ones(n):
        return [n], [1.0 + rng.uniform(-0.1, 0.1) for _ in range(n)]

    out = {"model.embed_tokens.weight": normal([VOCAB, HIDDEN], 0.5), "model.norm.weight": ones(HIDDEN)}
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        out[p + "input_layernorm.weight"] = ones(HIDDEN)
        out[p + "post_attention_layernorm.weight"] = ones(HIDDEN)
        out[p + "self_attn.q_proj.weight"] = normal([HEADS * HEAD_DIM, HIDDEN], 0.2)
        out[p + "self_attn.k_proj.weight"] = normal([KV_HEADS * HEAD_DIM, HIDDEN], 0.2)
        out[p + "self_attn.v_proj.weight"] = normal([KV_HEADS * HEAD_DIM, HIDDEN], 0.2)
        out[p + "self_attn.o_proj.weight"] = normal([HIDDEN, HEADS * HEAD_DIM], 0.2)
        out[p + "self_attn.q_norm.weight"] = ones(HEAD_DIM)
        out[p + "self_attn.k_norm.weight"] = ones(HEAD_DIM)
        out[p + "mlp.gate_proj.weight"] = normal([FFN, HIDDEN], 0.2)
        out[p + "mlp.up_proj.weight"] = normal([FFN, HIDDEN], 0.2)
        out[p + "mlp.down_proj.weight"] = normal([HIDDEN, FFN], 0.2)
    return out


def write_safetensors(path, named):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(named):
        shape, values = named[name]
        blob = bf16(values)
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main(out):
    os.makedirs(out, exist_ok=True)
    config = {
        "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "attention_bias": False,
        "bos_token_id": None, "eos_token_id": 2, "head_dim": HEAD_DIM, "hidden_act": "silu",
        "hidden_size": HIDDEN, "intermediate_size": FFN, "max_position_embeddings": CONTEXT,
        "num_attention_heads": HEADS, "num_hidden_layers": LAYERS, "num_key_value_heads": KV_HEADS,
        "rms_norm_eps": 1e-6, "rope_scaling": None, "rope_theta": 1000000.0, "sliding_window": None,
        "tie_word_embeddings": True, "torch_dtype": "bfloat16", "use_sliding_window": False, "vocab_size": VOCAB,
    }
    generation = {"eos_token_id": [2, 0], "do_sample": True, "temperature": 0.7, "top_p": 0.8, "top_k": 30, "repetition_penalty": 1.05}
    with open(TEMPLATE) as f:
        template = f.read()
    tokenizer_config = {
        "bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
        "model_max_length": CONTEXT, "chat_template": template,
    }
    for name, value in [("config.json", config), ("generation_config.json", generation),
                        ("tokenizer_config.json", tokenizer_config)]:
        with open(os.path.join(out, name), "w") as f:
            json.dump(value, f, indent=2)
            f.write("\n")
    shutil.copyfile(TOKENIZER, os.path.join(out, "tokenizer.json"))
    write_safetensors(os.path.join(out, "model.safetensors"), tensors(random.Random(20261206)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/ServerTests/Fixtures/hf-tiny-qwen3")
