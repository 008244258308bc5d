"""llama.cpp side of scripts/bench-engine (optional column): converts the
random Qwen2.5-0.5B-shaped model to a bf16 GGUF with llama.cpp's own
converter, and measures llama.cpp (through llama-cpp-python) on it the way
hf_side.py measures transformers.

    python llama_side.py convert DIR OUT.gguf --converter LLAMA_CPP_DIR
        (a python with torch and transformers, e.g. the fixtures venv;
         LLAMA_CPP_DIR holds convert_hf_to_gguf.py, conversion/ and gguf-py/,
         as vendor/llama.cpp of the llama-cpp-python sdist does)
    python llama_side.py bench OUT.gguf --threads N [--tokens 32] [--prompt 32]
        (a python with llama-cpp-python)

The random model has no tokenizer. The converter needs one, so `convert`
writes a stand-in byte-level BPE tokenizer next to links to the weights, and
tells the converter to record it as Qwen2's pre-tokenizer (its check hashes
the tokenization of a sample text, which a stand-in cannot match). The
benchmark feeds token ids, so the tokenizer has no effect on the figures.

`bench` prints one JSON object with the keys of hf_side.py's.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time


def standin_tokenizer(directory):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    symbols = list(bytes_to_unicode().values())
    vocab = {s: i for i, s in enumerate(symbols)}
    merges = [("Ġ", "t"), ("h", "e"), ("i", "n")]
    for a, b in merges:
        vocab[a + b] = len(vocab)
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    PreTrainedTokenizerFast(tokenizer_object=tokenizer).save_pretrained(directory)


def convert(model_dir, out, converter):
    sys.path[:0] = [converter, os.path.join(converter, "gguf-py")]
    import convert_hf_to_gguf
    from conversion import base, qwen

    base.TextModel.get_vocab_base_pre = lambda self, tokenizer: "qwen2"
    # the sentencepiece route first would need that package only to find no tokenizer.model
    qwen.Qwen2Model.set_vocab = base.TextModel._set_vocab_gpt2
    with tempfile.TemporaryDirectory() as staging:
        for name in os.listdir(model_dir):
            os.symlink(os.path.abspath(os.path.join(model_dir, name)), os.path.join(staging, name))
        standin_tokenizer(staging)
        sys.argv = ["convert_hf_to_gguf.py", staging, "--outtype", "bf16", "--outfile", out]
        convert_hf_to_gguf.main()


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Runner:
    """One llama.cpp context of `sequences` sequences of up to `per_sequence` tokens each."""

    def __init__(self, llama, model, threads, sequences, per_sequence):
        self.L = llama
        params = llama.llama_context_default_params()
        params.n_ctx = sequences * per_sequence
        params.n_batch = params.n_ubatch = 512
        params.n_seq_max = sequences
        params.n_threads = params.n_threads_batch = threads
        self.ctx = llama.llama_init_from_model(model, params)
        if not self.ctx:
            raise RuntimeError("llama_init_from_model failed")
        self.batch = llama.llama_batch_init(512, 0, sequences)
        self.vocab = llama.llama_vocab_n_tokens(llama.llama_model_get_vocab(model))

    def close(self):
        self.L.llama_batch_free(self.batch)
        self.L.llama_free(self.ctx)

    def step(self, feeds, starts):
        """Appends feeds[s] at positions starts[s]...; returns the greedy next token of each sequence."""
        import numpy as np

        b, n, last = self.batch, 0, []
        for s, tokens in enumerate(feeds):
            for i, token in enumerate(tokens):
                b.token[n], b.pos[n], b.n_seq_id[n] = int(token), starts[s] + i, 1
                b.seq_id[n][0] = s
                b.logits[n] = 1 if i == len(tokens) - 1 else 0
                n += 1
            last.append(n - 1)
        b.n_tokens = n
        if self.L.llama_decode(self.ctx, b) != 0:
            raise RuntimeError("llama_decode failed")
        return [int(np.ctypeslib.as_array(self.L.llama_get_logits_ith(self.ctx, i), shape=(self.vocab,)).argmax()) for i in last]

    def clear(self):
        self.L.llama_memory_clear(self.L.llama_get_memory(self.ctx), True)


def decode_rate(llama, model, threads, batch, prompt_len, tokens):
    import numpy as np

    runner = Runner(llama, model, threads, batch, 128)
    rng = np.random.default_rng(batch)
    vocab = runner.vocab
    feeds = [list(rng.integers(10, vocab - 10, prompt_len)) for _ in range(batch)]
    starts = [0] * batch
    # the prompts (prefill) and one untimed step
    for _ in range(2):
        nxt = runner.step(feeds, starts)
        starts = [st + len(f) for st, f in zip(starts, feeds)]
        feeds = [[t] for t in nxt]
    start = time.perf_counter()
    for _ in range(tokens):
        nxt = runner.step(feeds, starts)
        starts = [st + 1 for st in starts]
        feeds = [[t] for t in nxt]
    elapsed = time.perf_counter() - start
    runner.close()
    return batch * tokens / elapsed


def prefill_rate(llama, model, threads, length, repeats=2):
    import numpy as np

    runner = Runner(llama, model, threads, 1, 1024)
    ids = list(np.random.default_rng(7).integers(10, runner.vocab - 10, length))
    runner.step([ids[:16]], [0])
    best = float("inf")
    for _ in range(repeats):
        runner.clear()
        start = time.perf_counter()
        runner.step([ids], [0])
        best = min(best, time.perf_counter() - start)
    runner.close()
    return length / best


def bench(path, threads, tokens, prompt):
    import llama_cpp as llama

    global _silent
    # kept alive in a global: llama.cpp calls it for every log line
    _silent = llama.llama_log_callback(lambda level, text, data: None)

    llama.llama_log_set(_silent, None)
    llama.llama_backend_init()
    params = llama.llama_model_default_params()
    model = llama.llama_model_load_from_file(path.encode(), params)
    if not model:
        raise RuntimeError(f"cannot load {path}")
    rss = rss_mib()
    result = {
        "engine": f"llama.cpp via llama-cpp-python {llama.__version__} (bf16 GGUF)",
        "threads": threads,
        "decode_b1_tokens_per_s": decode_rate(llama, model, threads, 1, prompt, tokens),
        "decode_b16_tokens_per_s": decode_rate(llama, model, threads, 16, prompt, tokens),
        "prefill_512_tokens_per_s": prefill_rate(llama, model, threads, 512),
        "rss_after_load_mib": rss,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    llama.llama_model_free(model)
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["convert", "bench"])
    parser.add_argument("path")
    parser.add_argument("out", nargs="?")
    parser.add_argument("--converter")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--prompt", type=int, default=32)
    args = parser.parse_args()
    if args.command == "convert":
        if not args.out or not args.converter:
            parser.error("convert needs DIR OUT.gguf --converter LLAMA_CPP_DIR")
        convert(args.path, args.out, args.converter)
    else:
        bench(args.path, args.threads, args.tokens, args.prompt)


if __name__ == "__main__":
    main()
