"""The Hugging Face side of scripts/bench-tokenizer, and the bench text.

    python bench-tokenizer.py text OUT_FILE          writes the ~1 MB text
    python bench-tokenizer.py rust TOKENIZER_DIR TEXT_FILE REPEATS
"""
import json
import os
import random
import sys
import time


def make_text(path, size=1_000_000, seed=7):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "hf-fixtures"))
    # The fixture corpus (prose, code, numbers, accents, CJK, emoji), with one
    # word in ten replaced by random letters so a word cache cannot hide the work.
    import importlib.util
    spec = importlib.util.spec_from_file_location("fixture_corpus", os.path.join(sys.path[0], "tokenizers.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = random.Random(seed)
    out, total = [], 0
    for line in module.corpus(seed=seed, lines=40_000):
        words = line.split(" ")
        for i in range(len(words)):
            if rng.random() < 0.1:
                words[i] = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéü") for _ in range(rng.randint(2, 12)))
        line = " ".join(words)
        out.append(line)
        total += len(line.encode()) + 1
        if total >= size:
            break
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def rust(directory, text_path, repeats):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))
    with open(text_path, encoding="utf-8", newline="") as f:  # keep \r\n as written
        text = f.read()
    size = len(text.encode())
    ids = tok.encode(text, add_special_tokens=False).ids
    h = 0xcbf29ce484222325
    for i in ids:
        h = ((h ^ i) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    print(json.dumps({"side": "rust", "case": "load", "ids": len(ids), "checksum": format(h, "x")}))
    lines = text.split("\n")
    for name, body in [("encode-whole-text", lambda: len(tok.encode(text, add_special_tokens=False).ids)),
                       ("encode-per-line", lambda: sum(len(tok.encode(l, add_special_tokens=False).ids) for l in lines))]:
        best, tokens = float("inf"), 0
        for _ in range(repeats):
            start = time.perf_counter()
            tokens = body()
            best = min(best, time.perf_counter() - start)
        print(json.dumps({"side": "rust", "case": name, "seconds": best, "mb_per_s": size / best / 1e6,
                          "tokens_per_s": tokens / best, "tokens": tokens}))


if __name__ == "__main__":
    if sys.argv[1] == "text":
        make_text(sys.argv[2])
    else:
        rust(sys.argv[2], sys.argv[3], int(sys.argv[4]))
