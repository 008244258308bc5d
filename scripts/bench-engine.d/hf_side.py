"""Python side of scripts/bench-engine: makes the Qwen2.5-0.5B-shaped random
model directory, and measures transformers on PyTorch CPU on it.

    python hf_side.py make DIR
    python hf_side.py bench DIR --threads N [--dtype bfloat16|float32] [--tokens 32]

`bench` prints one JSON object: decode tokens/s at batch 1 and 16, prefill
tokens/s of a 512-token prompt, and the process RSS after loading.
"""

import argparse
import json
import os
import resource
import sys
import time

import torch
import transformers


def make(directory):
    config = transformers.Qwen2Config(
        vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
        num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}, rms_norm_eps=1e-6,
        tie_word_embeddings=True, bos_token_id=151643, eos_token_id=151645, initializer_range=0.02,
    )
    torch.manual_seed(0)
    with torch.device("cpu"):
        model = transformers.Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(directory, max_shard_size="400MB")
    print(directory)


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def decode_rate(model, batch, prompt_len, tokens, vocab):
    g = torch.Generator().manual_seed(batch)
    ids = torch.randint(10, vocab - 10, (batch, prompt_len), generator=g)
    with torch.no_grad():
        out = model(ids, use_cache=True)
        past, nxt = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
        # one untimed step warms the allocator
        out = model(nxt, past_key_values=past, use_cache=True)
        past, nxt = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
        start = time.perf_counter()
        for _ in range(tokens):
            out = model(nxt, past_key_values=past, use_cache=True)
            past, nxt = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
        elapsed = time.perf_counter() - start
    return batch * tokens / elapsed


def prefill_rate(model, length, vocab, repeats=2):
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(10, vocab - 10, (1, length), generator=g)
    best = float("inf")
    with torch.no_grad():
        model(ids[:, :16], use_cache=True)
        for _ in range(repeats):
            start = time.perf_counter()
            model(ids, use_cache=True, logits_to_keep=1)
            best = min(best, time.perf_counter() - start)
    return length / best


def bench(directory, threads, dtype, tokens, prompt):
    torch.set_num_threads(threads)
    model = transformers.AutoModelForCausalLM.from_pretrained(directory, dtype=getattr(torch, dtype))
    model.eval()
    rss = rss_mib()
    vocab = model.config.vocab_size
    result = {
        "engine": f"transformers {transformers.__version__} / torch {torch.__version__} ({dtype})",
        "threads": threads,
        "decode_b1_tokens_per_s": decode_rate(model, 1, prompt, tokens, vocab),
        "decode_b16_tokens_per_s": decode_rate(model, 16, prompt, tokens, vocab),
        "prefill_512_tokens_per_s": prefill_rate(model, 512, vocab),
        "rss_after_load_mib": rss,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["make", "bench"])
    parser.add_argument("directory")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dtype", default="bfloat16")
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--prompt", type=int, default=32)
    args = parser.parse_args()
    if args.command == "make":
        make(args.directory)
    else:
        bench(args.directory, args.threads, args.dtype, args.tokens, args.prompt)


if __name__ == "__main__":
    main()
