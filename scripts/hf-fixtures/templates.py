#!/usr/bin/env python3
"""Records how transformers renders this project's chat templates.

The Swift `Jinja` target must render chat templates byte for byte as
transformers' `apply_chat_template(..., tokenize=False)` does. This script
renders the templates in Tests/JinjaTests/Fixtures/templates (all written
for aepo, none copied from a model repository) with transformers and jinja2
and writes what they produce to Tests/JinjaTests/Fixtures/expected.json,
plus tiny checkpoint directories (tokenizer files only) under
Tests/JinjaTests/Fixtures/checkpoints. CI never runs this; the Swift tests
compare against the committed output.

Interpreter: $FIXTURE_PYTHON, default .venv-fixtures/bin/python in the repo.
Create that venv once (CPU-only, no model downloads are needed):

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install transformers tokenizers jinja2

Run from the repository root:

    scripts/hf-fixtures/templates.py        (or: $FIXTURE_PYTHON scripts/hf-fixtures/templates.py)
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the repository free of __pycache__

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WANTED = os.environ.get("FIXTURE_PYTHON", os.path.join(REPO, ".venv-fixtures", "bin", "python"))
if not os.environ.get("AEPO_FIXTURE_REEXEC"):  # always run under the chosen interpreter
    if not os.path.exists(WANTED):
        sys.exit(f"no interpreter at {WANTED}: create the venv (see this file's docstring) or set FIXTURE_PYTHON")
    os.environ["AEPO_FIXTURE_REEXEC"] = "1"
    os.execv(WANTED, [WANTED, os.path.abspath(__file__), *sys.argv[1:]])

import datetime as _dt  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402

import jinja2  # noqa: E402
import transformers  # noqa: E402
from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: E402
from transformers import AutoTokenizer, PreTrainedTokenizerFast  # noqa: E402
from transformers.utils import chat_template_utils  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from template_cases import CHECKPOINT_CASES, FAMILY_CASES, FEATURE_CASES, INLINE_CASES  # noqa: E402

FIXTURES = os.path.join(REPO, "Tests", "JinjaTests", "Fixtures")
TEMPLATES = os.path.join(FIXTURES, "templates")

# strftime_now reads datetime.now(): freeze it so the Llama-style date is stable.
FROZEN_NOW = _dt.datetime(2025, 3, 7, 14, 5, 9, 123456)


class _FrozenDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return FROZEN_NOW


chat_template_utils.datetime = _FrozenDatetime

SPECIAL = {"bos_token": "<|bos|>", "eos_token": "<|eos|>", "unk_token": "<|unk|>", "pad_token": "<|pad|>"}


def tiny_tokenizer():
    """A word-level tokenizer made here: apply_chat_template needs a
    tokenizer object, not a real vocabulary."""
    vocab = {t: i for i, t in enumerate(list(SPECIAL.values()) + ["hello", "world"])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=SPECIAL["unk_token"]))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=tok, **SPECIAL)


def read_template(name):
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as f:
        return f.read()


def outcome(fn):
    try:
        return {"expected": fn()}
    except Exception as e:  # the error type and message are part of the fixture
        return {"error": {"type": type(e).__name__, "message": str(e)}}


def apply(tokenizer, case, template):
    kwargs = dict(case.get("kwargs") or {})
    return tokenizer.apply_chat_template(
        case["messages"],
        tools=case.get("tools"),
        documents=case.get("documents"),
        chat_template=template,
        add_generation_prompt=case.get("add_generation_prompt", False),
        continue_final_message=case.get("continue_final_message") or False,
        tokenize=False,
        **kwargs,
    )


def family_cases(tokenizer):
    out = []
    for case in FAMILY_CASES:
        template = read_template(case["template"])
        record = dict(case)
        record["special_tokens"] = tokenizer.special_tokens_map
        record.update(outcome(lambda: apply(tokenizer, case, template)))
        out.append(record)
    return out


def jinja_render(source, context):
    return chat_template_utils._compile_jinja_template(source).render(**context)


def feature_cases():
    out = []
    for case in FEATURE_CASES:
        record = dict(case)
        record.update(outcome(lambda: jinja_render(read_template(case["template"]), case["context"])))
        out.append(record)
    for case in INLINE_CASES:
        record = dict(case)
        record.update(outcome(lambda: jinja_render(case["source"], case.get("context", {}))))
        if "error" in record and record["error"]["type"] == "TemplateSyntaxError":
            # jinja2 puts the line in the exception object, not in str(e).
            try:
                jinja_render(case["source"], case.get("context", {}))
            except jinja2.TemplateSyntaxError as e:
                record["error"]["line"] = e.lineno
        out.append(record)
    return out


def write_checkpoint(case):
    """A checkpoint directory with only tokenizer files, laid out as the case says."""
    path = os.path.join(FIXTURES, "checkpoints", case["dir"])
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    tiny_tokenizer().save_pretrained(path)
    for leftover in ("chat_template.jinja", "special_tokens_map.json"):
        if os.path.exists(os.path.join(path, leftover)):
            os.remove(os.path.join(path, leftover))
    config_path = os.path.join(path, "tokenizer_config.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    config.update(case.get("config", {}))
    for key in case.get("drop_config", []):
        config.pop(key, None)
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
    for rel, template_name in case.get("files", {}).items():
        os.makedirs(os.path.dirname(os.path.join(path, rel)), exist_ok=True)
        shutil.copy(os.path.join(TEMPLATES, template_name), os.path.join(path, rel))
    for rel, content in case.get("json_files", {}).items():
        with open(os.path.join(path, rel), "w", encoding="utf-8") as f:
            json.dump(content, f, indent=2, ensure_ascii=False)
    return path


def checkpoint_cases():
    out = []
    for case in CHECKPOINT_CASES:
        path = write_checkpoint(case)
        tokenizer = AutoTokenizer.from_pretrained(path)
        record = dict(case)
        record["special_tokens"] = tokenizer.special_tokens_map
        record.update(
            outcome(
                lambda: tokenizer.apply_chat_template(
                    case["messages"],
                    tools=case.get("tools"),
                    chat_template=case.get("template_name"),
                    add_generation_prompt=case.get("add_generation_prompt", False),
                    tokenize=False,
                )
            )
        )
        out.append(record)
    return out


def main():
    tokenizer = tiny_tokenizer()
    result = {
        "generated_by": "scripts/hf-fixtures/templates.py",
        "transformers": transformers.__version__,
        "jinja2": jinja2.__version__,
        "frozen_now": FROZEN_NOW.isoformat(),
        "family": family_cases(tokenizer),
        "features": feature_cases(),
        "checkpoints": checkpoint_cases(),
    }
    with open(os.path.join(FIXTURES, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")
    counts = {k: len(v) for k, v in result.items() if isinstance(v, list)}
    errors = sum(1 for k in counts for r in result[k] if "error" in r)
    print(f"wrote {counts} ({errors} expected errors) to {os.path.relpath(FIXTURES, REPO)}/expected.json")


if __name__ == "__main__":
    main()
