#!/usr/bin/env python3
"""The built-in trainer's GPT in PyTorch, for a like-for-like CPU comparison.

Same model as Sources/Trainer (pre-LayerNorm GPT-2: token + learned position
embeddings, causal self-attention with a fused qkv projection, GELU (tanh) MLP
4x, final LayerNorm, output projection tied to the token embedding; the
reference config V 512, C 256, 4 layers, 4 heads, context 256) and the same
workloads as `aepo bench trainer`:

- train: forward + backward + global-norm clipping + AdamW on a batch of
  16 x 256 random tokens (one warm-up step, then the mean of --train-steps);
- decode: batch 16, 16-token prompts, 128 new tokens each with a KV cache,
  sampling from the full softmax at temperature 1 and recording each token's
  log-probability and entropy (as the Swift generator does).

Prints one JSON object: {"train_tokens_per_s", "decode_tokens_per_s", ...}.
Usage: python scripts/torch_gpt.py --threads 1
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.NH = NH
        self.ln1 = nn.LayerNorm(C, eps=1e-5)
        self.qkv = nn.Linear(C, 3 * C)
        self.proj = nn.Linear(C, C)
        self.ln2 = nn.LayerNorm(C, eps=1e-5)
        self.fc = nn.Linear(C, 4 * C)
        self.fc_proj = nn.Linear(4 * C, C)

    def heads(self, x):
        B, T, C = x.shape
        return x.view(B, T, self.NH, C // self.NH).transpose(1, 2)

    def forward(self, x, cache=None, pos=0):
        """x: (B, T, C). With a cache (k, v of shape (B, NH, maxT, hs)), the new
        keys/values are written at positions pos..pos+T and attention reads the prefix."""
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = self.heads(q), self.heads(k), self.heads(v)
        if cache is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            keys, values = cache
            keys[:, :, pos:pos + T] = k
            values[:, :, pos:pos + T] = v
            k, v = keys[:, :, :pos + T], values[:, :, :pos + T]
            y = F.scaled_dot_product_attention(q, k, v, is_causal=T > 1)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, V=512, maxT=256, L=4, NH=4, C=256):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(maxT, C)
        self.blocks = nn.ModuleList(Block(C, NH) for _ in range(L))
        self.lnf = nn.LayerNorm(C, eps=1e-5)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * L) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, std=std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx, caches=None, pos=0):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(pos, pos + T))
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i], pos)
        return self.lnf(x) @ self.wte.weight.T  # tied output projection


def bench_train(model, B, T, steps, V):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    data = torch.randint(0, V, (B, T + 1))
    x, y = data[:, :-1], data[:, 1:]

    def step():
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - start) / steps
    return seconds, B * T / seconds


@torch.inference_mode()
def generate(model, prompts, new_tokens, L, NH, C, maxT, generator):
    B, P = prompts.shape
    hs = C // NH
    caches = [(torch.zeros(B, NH, maxT, hs), torch.zeros(B, NH, maxT, hs)) for _ in range(L)]
    logits = model(prompts, caches, 0)[:, -1]
    log_v = math.log(logits.shape[-1])
    tokens, logprobs, entropies = [], [], []
    pos = P
    for i in range(new_tokens):
        logp = torch.log_softmax(logits, dim=-1)
        probs = logp.exp()
        token = torch.multinomial(probs, 1, generator=generator)
        tokens.append(token)
        logprobs.append(logp.gather(1, token))
        entropies.append(-(probs * logp).sum(-1) / log_v)
        if i == new_tokens - 1:
            break
        logits = model(token, caches, pos)[:, -1]
        pos += 1
    return torch.cat(tokens, 1), torch.cat(logprobs, 1), torch.stack(entropies, 1)


def bench_decode(model, B, P, new_tokens, V, L, NH, C, maxT):
    generator = torch.Generator().manual_seed(4)
    prompts = torch.randint(0, 256, (B, P), generator=generator)
    generate(model, prompts, 8, L, NH, C, maxT, generator)  # warm-up
    start = time.perf_counter()
    generate(model, prompts, new_tokens, L, NH, C, maxT, generator)
    seconds = time.perf_counter() - start
    return seconds, B * new_tokens / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--train-steps", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    V, maxT, L, NH, C = 512, 256, 4, 4, 256
    model = GPT(V, maxT, L, NH, C)
    train_seconds, train_tps = bench_train(model, 16, 256, args.train_steps, V)
    model.eval()
    decode_seconds, decode_tps = bench_decode(model, 16, 16, 128, V, L, NH, C, maxT)
    print(json.dumps({
        "train_tokens_per_s": round(train_tps, 1),
        "decode_tokens_per_s": round(decode_tps, 1),
        "threads": args.threads,
        "train_seconds_per_step": round(train_seconds, 4),
        "decode_seconds": round(decode_seconds, 4),
        "torch": torch.__version__,
        "parameters": sum(p.numel() for p in model.parameters()),
    }))


if __name__ == "__main__":
    main()
