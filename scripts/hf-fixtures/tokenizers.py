#!/usr/bin/env python3
"""Tokenizer fixtures for Tests/TokenizersTests (issue 12, point 5).

Trains small tokenizers with Hugging Face `tokenizers` on a corpus generated
here (prose, code, numbers, accents in NFC and NFD, CJK, emoji, CRLF, tabs),
one per family the Swift `Tokenizers` target supports, and records what the
library computes on test strings, and how it decodes id sequences around added
tokens with non-ASCII content. CI never runs this; its output is committed.

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install tokenizers==0.23.3
    FIXTURE_PYTHON=.venv-fixtures/bin/python scripts/hf-fixtures/make-tokenizer-fixtures

Output: Tests/TokenizersTests/Fixtures/<name>/{tokenizer.json,tokenizer_config.json,expected.json}
"""
import json
import os
import random
import sys
import unicodedata

# This file is named tokenizers.py: drop its own folder from the import path
# so that `import tokenizers` finds the library, not this script.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

import tokenizers  # noqa: E402
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers  # noqa: E402
from tokenizers import pre_tokenizers, processors, trainers  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "TokenizersTests", "Fixtures")

QWEN2_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
LLAMA3_PATTERN = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""

# ---------------------------------------------------------------- corpus

SUBJECTS = ["The agent", "A small model", "Our reviewer", "The search tool", "Every student", "She", "They",
            "The old library", "A careful reader", "The compiler"]
VERBS = ["reads", "writes", "checks", "finds", "explains", "rewrites", "counts", "compares", "ignores", "answers"]
OBJECTS = ["the question", "three long documents", "a tricky proof", "the final answer", "every citation",
           "the weather report", "a list of numbers", "its own mistakes", "the README", "two Python files"]
TAILS = ["before lunch.", "without any help!", "again and again;", "in about 12 minutes.", "- quickly, then slowly.",
         "(as expected).", "and doesn't stop.", "because it's late?", "while we're waiting...", "but they'll see."]
ACCENTED = ["café", "naïve", "résumé", "über", "façade", "jalapeño", "Ångström", "crème brûlée", "Zürich", "São Paulo",
            "Dvořák", "Łódź", "smörgåsbord", "coöperate", "déjà vu"]
CJK = ["我们今天去公园散步。", "机器学习模型需要大量数据。", "東京タワーに行きました。", "ひらがなとカタカナ",
       "한국어 문장입니다.", "深度搜索代理", "数学题：1+1=2", "你好，世界！"]
EMOJI = ["👍", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "🇯🇵", "❤️", "🙂", "🚀✨", "🧑‍💻", "🏳️‍🌈"]
CODE = [
    "def add(a, b):\n    return a + b\n",
    "for i in range(10):\n\tif i % 2 == 0:\n\t\tprint(i)\n",
    "func main() {\n    let x = [1, 2, 3]\n    print(x.map { $0 * 2 })\n}\n",
    "if (x != null && y >= 0) {\r\n    z = x->next;\r\n}\r\n",
    "SELECT name, COUNT(*) FROM users WHERE age > 30 GROUP BY name;\n",
    "    # indented comment\n        deeper = {'key': \"value\", 'n': 42}\n",
    "<div class=\"row\">  <span>text</span>  </div>\n",
]


def corpus(seed=12, lines=6000):
    rng = random.Random(seed)
    out = []
    for _ in range(lines):
        kind = rng.random()
        if kind < 0.45:
            sentence = " ".join([rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(TAILS)])
            if rng.random() < 0.3:
                sentence += " " + rng.choice(ACCENTED)
            out.append(sentence)
        elif kind < 0.6:
            out.append(rng.choice(CODE))
        elif kind < 0.7:
            n = rng.choice([rng.randint(0, 99), rng.randint(100, 99999), rng.randint(10**8, 10**15)])
            out.append(f"Item {rng.randint(1, 500)} costs ${n}.{rng.randint(0, 99):02d} on 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        elif kind < 0.8:
            word = rng.choice(ACCENTED)
            form = "NFD" if rng.random() < 0.4 else "NFC"
            out.append(unicodedata.normalize(form, f"{word} and {rng.choice(ACCENTED)}"))
        elif kind < 0.9:
            out.append(rng.choice(CJK) + " " + rng.choice(EMOJI))
        else:
            out.append(rng.choice(["\t", "  ", "    ", "\r\n", "\n\n"]).join(rng.sample(VERBS, 3)) + rng.choice(EMOJI))
    return out


# ---------------------------------------------------------------- test strings

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 8
COMMON = [
    "", " ", "     ", "\t", "\n", "\r\n", "\n\n\n", " \t \n ",
    "Hello world", "Hello  world", " leading space", "trailing space ", "Hello\nworld\r\n\r\nagain",
    "don't I'll we've THEY'RE She'S it'ſ 'tis",
    "1234567890 3.14159 1,000,000 -42 007 12345678901234567890",
    "Café naïve résumé", unicodedata.normalize("NFD", "Café naïve résumé"), "e\u0301\u0301 \u0301abc",
    "我们今天去公园散步。東京タワー 한국어 문장", "数学题：1+1=2 深度搜索",
    "👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 ❤️ 🧑‍💻", "emoji🚀inside✨words",
    CODE[0], CODE[1], CODE[3], CODE[5],
    LONG_WORD, "x" * 300, " ".join(["token"] * 60),
    "tabs\tand\t\tspaces    mixed \t end", "no\u00a0break\u3000ideographic\u2003em",
    "مرحبا بالعالم", "नमस्ते दुनिया", "∑∫√ ≤ ≥ ≠ ∞", "control\x00\x01\x7fchars",
    "literal <0x41> is text", "▁already▁has▁meta", "The quick brown fox jumps over the lazy dog. " * 3,
    "$$$ ### !!! ??? ... ---", "a\u200db\u200cc",
]


FUZZ_POOLS = [
    "abcXYZ", " ", "\t\n\r\u000b\u000c\u0085\u00a0\u1680\u2000\u2028\u2029\u202f\u205f\u3000",
    "0123456789\u0663\u06f4\u07c5\u0967\u0bebⅫ²½", "'’sStTmMdDrReEvVlLſK", ".,;:!?-_()[]{}<>/\\\"#$%&*+=@^`|~",
    "éüñçÅ", "\u0301\u0308\u0327\u20dd\u0903", "我们東京タ한국", "👍🏽👨‍👩‍👧‍👦🇫🇷❤️\u200d\u200c\ufe0f",
    "𝔘𝔫𝔦ᚠꙮ😀", "▁", "\x00\x01\x7f\ud7ff\ue000\uffff",
]
FUZZ_TOKENS = ["<|im_start|>", "<|im_end|>", "<think>", "<s>", "</s>", "[INST]", "<mask>", "word", "Café", "[DAY]",
               "<0x41>", "<|begin_of_text|>", "<|fim_pad|>", "<custom>", "<tool_call>"]


def fuzz_strings(seed=99, count=120, longest=40):
    """Random mixes of the character classes the pre-tokenizers care about, and added tokens."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(1, longest)):
            if rng.random() < 0.1:
                pieces.append(rng.choice(FUZZ_TOKENS))
            else:
                pieces.append(rng.choice(rng.choice(FUZZ_POOLS)))
        out.append("".join(pieces))
    return out


def random_id_sequences(vocab_size, seed, count=24, length=24):
    rng = random.Random(seed)
    return [[rng.randrange(vocab_size) for _ in range(rng.randint(1, length))] for _ in range(count)]


# ---------------------------------------------------------------- added tokens with non-ASCII content

# The library decodes an added token by handing its text to the decoder like any
# other token's: the content, or its normalized form when `normalized` and the
# normalizer changes it. A byte-level decoder thus reads "ñandú" as the bytes its
# characters stand for (F1, FA: invalid UTF-8), and skip_special_tokens drops a
# token only when that decoded-from text is a special token's content.
BYTE_LEVEL_ADDED = [
    AddedToken("ñandú", special=False, normalized=False),  # every character in the byte alphabet
    AddedToken("日本語", special=False, normalized=False),  # no character in it: the token's UTF-8
    AddedToken("é日", special=False, normalized=True),  # é in it, 日 not: the whole token's UTF-8
    AddedToken(unicodedata.normalize("NFD", "Zürich"), special=False, normalized=True),  # NFC changes it
]
BYTE_LEVEL_SPECIAL = [
    AddedToken("<|süß|>", special=True),
    # Normalized: decoded from its NFC form, which is no special token's content.
    AddedToken(unicodedata.normalize("NFD", "<|résumé|>"), special=True, normalized=True),
]
METASPACE_ADDED = [
    AddedToken("Ölçü", special=False, normalized=False),
    AddedToken("mañana tarde", special=False, normalized=True),  # Llama 2's normalizer writes ▁ for its space
    AddedToken("日本語", special=False, normalized=True),
]
METASPACE_SPECIAL = [
    AddedToken("<½>", special=True),
    AddedToken("<ß>", special=True, normalized=True),  # Llama 2's normalizer prepends ▁: then not skipped
]
ADDED_TEXT = "x ñandú y 日本語 é日 Zürich <|süß|> <|résumé|> Ölçü mañana tarde <½> <ß> z"


def byte_level_char(byte):
    """The character the byte-level alphabet writes for `byte` (GPT-2's table)."""
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    if byte in printable:
        return chr(byte)
    return chr(0x100 + [b for b in range(256) if b not in printable].index(byte))


def added_token_cases(tok):
    """Id sequences around the added tokens with non-ASCII content, and one ASCII special token:
    alone, between text, twice, all together, and next to byte tokens they complete or interrupt."""
    added = tok.get_added_tokens_decoder()
    chosen = sorted(i for i, t in added.items() if not t.content.isascii())
    if not chosen:
        return []
    chosen += sorted(i for i, t in added.items() if t.special and t.content.isascii())[:1]
    before = tok.encode("x ", add_special_tokens=False).ids
    after = tok.encode(" y", add_special_tokens=False).ids
    sequences = []
    for i in chosen:
        sequences += [[i], before + [i] + after, [i, i]]
    sequences.append(before + [j for i in chosen for j in (i, *after)])
    vocab = tok.get_vocab()
    if "<0xE2>" in vocab:
        euro = [vocab[f"<0x{b:02X}>"] for b in "€".encode()]
        first = chosen[0]
        sequences += [[first] + euro, [euro[0], first, euro[1]], euro[:2] + [first]]
    else:
        lead, *rest = [vocab[byte_level_char(b)] for b in "阀".encode()]  # E9 98 80
        cafe = vocab["Café"]  # its é is the alphabet's E9: the byte tokens 98 80 complete 阀
        sequences += [[cafe] + rest, [lead, chosen[0]], [lead, cafe] + rest]
    return [{"ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
             "decoded_skip_special": tok.decode(ids, skip_special_tokens=True)} for ids in sequences]


# ---------------------------------------------------------------- building


def train(tokenizer, lines, vocab_size, special, alphabet=None, limit_alphabet=None):
    kwargs = dict(vocab_size=vocab_size, special_tokens=special, show_progress=False, min_frequency=2)
    if alphabet is not None:
        kwargs["initial_alphabet"] = alphabet
    if limit_alphabet is not None:
        kwargs["limit_alphabet"] = limit_alphabet
    tokenizer.train_from_iterator(lines, trainers.BpeTrainer(**kwargs))
    return tokenizer


def byte_level(pattern, name, lines, ignore_merges, normalizer):
    tok = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    if normalizer:
        tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    return tok


def make_qwen2(lines):
    tok = byte_level(QWEN2_PATTERN, "qwen2-style", lines, False, normalizers.NFC())
    train(tok, lines, 2000, ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], pre_tokenizers.ByteLevel.alphabet())
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_tokens([AddedToken("<think>", special=False, normalized=False),
                    AddedToken("</think>", special=False, normalized=False),
                    AddedToken("<tool_call>", special=False, normalized=True),
                    AddedToken("Café", special=False, normalized=True)])
    tok.add_special_tokens([AddedToken("<|fim_pad|>", special=True, rstrip=True),
                            AddedToken("<|mask|>", special=True, lstrip=True),
                            AddedToken("word", special=True, single_word=True)])
    tok.add_tokens(BYTE_LEVEL_ADDED)
    tok.add_special_tokens(BYTE_LEVEL_SPECIAL)
    extra = ["<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n",
             "<think>\nreasoning here\n</think>\n\nAnswer: 42<|endoftext|>",
             "text<tool_call>{\"name\": \"search\"}</tool_call>", "Cafe\u0301 vs Café",
             "a <|fim_pad|>   b", "a   <|mask|> b", "word sword words word. (word)",
             "<|im_end|><|im_end|><|im_start|>", "<|im_start", "<|endoftext|>", ADDED_TEXT]
    return tok, {"bos_token": None, "eos_token": "<|im_end|>"}, extra, False


def make_llama3(lines):
    tok = byte_level(LLAMA3_PATTERN, "llama3-style", lines, True, None)
    train(tok, lines, 2500, ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
                             "<|eot_id|>"], pre_tokenizers.ByteLevel.alphabet())
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B:1",
                                      special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    extra = ["<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>",
             "<|begin_of_text|>already there", "numbers 1 12 123 1234 12345 123456",
             "The agent reads the question", " The agent reads the question", "reads"]
    return tok, {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}, extra, True


BYTE_TOKENS = [f"<0x{i:02X}>" for i in range(256)]


def frequent_characters(pre_tokenizer, lines, limit):
    """The `limit` most frequent characters of the pre-tokenized corpus, ties by code point.

    The trainer's own `limit_alphabet` breaks ties in hash order, so two runs
    could keep different characters; given as the initial alphabet, exactly
    these are kept."""
    counts = {}
    for line in lines:
        for word, _ in pre_tokenizer.pre_tokenize_str(line):
            for c in word:
                counts[c] = counts.get(c, 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], ord(c)))
    return ranked[:limit]


def byte_fallback_model(lines, vocab_size, specials, metaspace):
    tok = Tokenizer(models.BPE(byte_fallback=True, unk_token="<unk>", fuse_unk=True))
    # Trained with a splitting Metaspace so merges stay inside words, as SentencePiece's do.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    alphabet = frequent_characters(tok.pre_tokenizer, lines, 120)
    train(tok, lines, vocab_size, ["<unk>", "<s>", "</s>"] + BYTE_TOKENS + specials,
          alphabet=alphabet, limit_alphabet=len(alphabet))
    tok.pre_tokenizer = metaspace
    return tok


def drop_byte_added_tokens(data):
    """Llama 2 keeps <0xNN> in the vocabulary but not among the added tokens."""
    data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] not in BYTE_TOKENS]


def make_llama2(lines):
    tok = byte_fallback_model(lines, 1500, [], None)
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.pre_tokenizer = None
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(content=" ", left=1, right=0)])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                       special_tokens=[("<s>", tok.token_to_id("<s>"))])
    tok.add_tokens([AddedToken("[DAY]", special=False, normalized=True),
                    AddedToken("<custom>", special=False, normalized=False)])
    tok.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    tok.add_tokens(METASPACE_ADDED)
    tok.add_special_tokens(METASPACE_SPECIAL)
    extra = ["<s>[INST] Hello [/INST]</s>", "I read a book   <s>Hey", "I read a book</s>Hey",
             "today is [DAY] ok", "today is[DAY]ok", "x<custom>y <custom> z", "fill   <mask> here",
             "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ᚠᛇᚻ ꙮ", "<unk> literal", "  two leading spaces", ADDED_TEXT]
    return tok, {"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": True, "add_eos_token": False}, extra, True


def make_mistral(lines, scheme="first", split=False):
    meta = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme=scheme, split=split)
    tok = byte_fallback_model(lines, 1500, ["[INST]", "[/INST]"], meta)
    tok.decoder = decoders.Sequence([decoders.ByteFallback(),
                                     decoders.Metaspace(replacement="▁", prepend_scheme=scheme, split=split)])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A $B",
                                                       special_tokens=[("<s>", tok.token_to_id("<s>"))])
    extra = ["<s>[INST] What is 2+2? [/INST]4</s>", "[INST]no spaces[/INST]", "  two leading spaces",
             "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ᚠᛇᚻ ꙮ", "</s> after eos", "▁ ▁▁ ▁"]
    return tok, {"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": True}, extra, False


def make_gpt2(lines):
    """The qwen2-style vocabulary behind a plain ByteLevel(use_regex) pre-tokenizer, no normalizer."""
    tok, _, _, _ = make_qwen2(lines)
    tok.normalizer = None
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True)
    return tok, {"eos_token": "<|endoftext|>"}, ["Hello<|endoftext|>World", "  Hello", "it's 'S 'll"], False


def legacy_merges(data):
    data["model"]["merges"] = [f"{a} {b}" for a, b in data["model"]["merges"]]


def write(name, tok, config, extra, legacy, post=None):
    data = json.loads(tok.to_str())
    if name.startswith(("llama2", "mistral")):
        drop_byte_added_tokens(data)
    if legacy:
        legacy_merges(data)
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    # Expectations come from the file as written, reloaded.
    tok = Tokenizer.from_str(text)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)
    cases = []
    handwritten = COMMON + extra
    for number, s in enumerate(handwritten + fuzz_strings()):
        with_special = tok.encode(s, add_special_tokens=True).ids
        plain = tok.encode(s, add_special_tokens=False)
        cases.append({
            "text": s,
            "ids": with_special,
            "ids_no_special": plain.ids,
            # Token strings only for the hand-written texts (fuzz cases stay small).
            "tokens_no_special": plain.tokens if number < len(handwritten) else None,
            "decoded": tok.decode(with_special, skip_special_tokens=False),
            "decoded_skip_special": tok.decode(with_special, skip_special_tokens=True),
            "round_trip": tok.decode(plain.ids, skip_special_tokens=False) == s,
        })
    size = tok.get_vocab_size(with_added_tokens=True)
    decode_cases = []
    for ids in random_id_sequences(size, seed=len(name)):
        decode_cases.append({"ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
                             "decoded_skip_special": tok.decode(ids, skip_special_tokens=True)})
    expected = {"tokenizers_version": tokenizers.__version__, "vocab_size": size,
                "cases": cases, "decode_cases": decode_cases}
    lists = ["cases", "decode_cases"]
    added = added_token_cases(tok)
    if added:
        expected["added_token_cases"] = added
        lists.append("added_token_cases")
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
        # One case per line: small, and a regenerated file diffs readably.
        head = {k: v for k, v in expected.items() if k not in lists}
        f.write(json.dumps(head, ensure_ascii=False)[:-1])
        for key in lists:
            rows = ",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in expected[key])
            f.write(f',\n"{key}":[\n{rows}]')
        f.write("}\n")
    print(f"{name}: vocab {size}, {len(cases)} cases, tokenizer.json {len(text.encode()) // 1024} KiB")


def main():
    lines = corpus()
    write("qwen2-style", *make_qwen2(lines))
    write("llama3-style", *make_llama3(lines))
    write("llama2-style", *make_llama2(lines))
    tok, config, extra, legacy = make_mistral(lines)
    tok.add_tokens(METASPACE_ADDED)
    tok.add_special_tokens(METASPACE_SPECIAL)
    write("mistral-style", tok, config, extra + [ADDED_TEXT], legacy)
    for scheme in ["always", "never"]:
        tok, config, extra, legacy = make_mistral(lines, scheme=scheme, split=True)
        write(f"mistral-style-{scheme}-split", tok, config, extra, legacy)
    write("gpt2-style", *make_gpt2(lines))


if __name__ == "__main__":
    main()
