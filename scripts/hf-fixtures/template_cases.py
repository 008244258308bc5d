"""Inputs of the chat-template fixtures (see templates.py). Every text here
was written for aepo's tests."""

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "search",
            "description": "Look something up on the web",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string", "description": "what to look for"}},
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "python",
            "description": "Run Python code and return stdout",
            "parameters": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]},
        },
    },
]

M = {
    "one": [{"role": "user", "content": "What is 2 + 3?"}],
    "system": [
        {"role": "system", "content": "You are a careful math tutor."},
        {"role": "user", "content": "What is 2 + 3?"},
    ],
    "multi": [
        {"role": "system", "content": "  Answer briefly.  "},
        {"role": "user", "content": "Name a prime."},
        {"role": "assistant", "content": "7"},
        {"role": "user", "content": "Another one?"},
    ],
    "think": [
        {"role": "user", "content": "Is 91 prime?"},
        {"role": "assistant", "content": "<think>\n91 = 7 * 13.\n</think>\n\nNo, 91 = 7 x 13."},
        {"role": "user", "content": "And 97?"},
        {"role": "assistant", "content": "Yes, 97 is prime.", "reasoning_content": "No divisor up to 9 works."},
    ],
    "reasoning_alias": [
        {"role": "user", "content": "Pick a colour."},
        {"role": "assistant", "content": "Blue.", "reasoning": "Blue is common.", "extra": None},
    ],
    "tools": [
        {"role": "system", "content": "Use tools when needed."},
        {"role": "user", "content": "Who wrote Dune, and what is 6*7?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_a1", "type": "function", "function": {"name": "search", "arguments": {"query": "Dune author"}}},
                {"id": "call_b2", "type": "function", "function": {"name": "python", "arguments": "{\"code\": \"print(6*7)\"}"}},
            ],
        },
        {"role": "tool", "tool_call_id": "call_a1", "content": "Frank Herbert wrote Dune (1965)."},
        {"role": "tool", "tool_call_id": "call_b2", "content": "42"},
        {"role": "assistant", "content": "Frank Herbert; 6*7 = 42."},
    ],
    "one_call": [
        {"role": "user", "content": "Search for the tallest tree."},
        {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "search", "arguments": {"query": "tallest tree", "limit": 3}}}]},
        {"role": "tool", "content": {"result": "Hyperion, 116 m"}},
        {"role": "assistant", "content": "Hyperion, about 116 m."},
    ],
    "unicode": [
        {"role": "system", "content": "Réponds en français. 日本語もOK. Emoji 😀 welcome."},
        {"role": "user", "content": "Ünïcödé test: naïve café — “quotes” ‘single’ \u00a0nbsp\ttab"},
        {"role": "assistant", "content": "D'accord ✓"},
        {"role": "user", "content": "Template-looking text: {{ messages }} {% if true %}x{% endif %} {# c #} <|im_end|>"},
    ],
    "continue": [
        {"role": "user", "content": "Finish the sentence: the sky is"},
        {"role": "assistant", "content": "The sky is blue because  "},
    ],
    "bad_alternation": [
        {"role": "user", "content": "first"},
        {"role": "user", "content": "second"},
    ],
    "odd_role": [
        {"role": "user", "content": "hi"},
        {"role": "narrator", "content": "meanwhile"},
    ],
    "systems": [
        {"role": "system", "content": "First rule."},
        {"role": "system", "content": "Second rule."},
        {"role": "user", "content": "ok?"},
    ],
}


def case(template, messages, tag, **kw):
    d = {"id": f"{template.removesuffix('.jinja')}/{messages}/{tag}", "template": template, "messages": M[messages]}
    d.update(kw)
    return d


FAMILY_CASES = [
    case("family_chatml.jinja", "one", "gen", add_generation_prompt=True),
    case("family_chatml.jinja", "one", "nogen"),
    case("family_chatml.jinja", "system", "gen-nothink", add_generation_prompt=True, kwargs={"enable_thinking": False}),
    case("family_chatml.jinja", "multi", "gen", add_generation_prompt=True, kwargs={"enable_thinking": True}),
    case("family_chatml.jinja", "think", "nogen"),
    case("family_chatml.jinja", "reasoning_alias", "nogen"),
    case("family_chatml.jinja", "tools", "tools", tools=TOOLS, add_generation_prompt=True),
    case("family_chatml.jinja", "tools", "no-tools"),
    case("family_chatml.jinja", "unicode", "gen", add_generation_prompt=True),
    case("family_chatml.jinja", "continue", "continue", continue_final_message=True),
    case("family_chatml.jinja", "think", "continue-reasoning", continue_final_message="reasoning_content"),
    case("family_llama3.jinja", "system", "dated", add_generation_prompt=True, kwargs={"date_string": "26 Jul 2024"}),
    case("family_llama3.jinja", "multi", "frozen-clock", add_generation_prompt=True),
    case("family_llama3.jinja", "one_call", "tools", tools=TOOLS, kwargs={"date_string": "1 Jan 2025"}),
    case("family_llama3.jinja", "tools", "two-calls-raise", kwargs={"date_string": "1 Jan 2025"}),
    case("family_llama3.jinja", "unicode", "gen", add_generation_prompt=True, kwargs={"date_string": "2 Feb 2025"}),
    case("family_llama3.jinja", "continue", "continue", continue_final_message=True, kwargs={"date_string": "3 Mar 2025"}),
    case("family_mistral.jinja", "one", "plain"),
    case("family_mistral.jinja", "multi", "system-folded"),
    case("family_mistral.jinja", "tools", "tools", tools=TOOLS),
    case("family_mistral.jinja", "bad_alternation", "raise"),
    case("family_mistral.jinja", "odd_role", "raise-role"),
    case("family_mistral.jinja", "unicode", "unicode"),
    case("family_mistral.jinja", "continue", "continue", continue_final_message=True),
    case("family_deepseek.jinja", "one", "gen", add_generation_prompt=True),
    case("family_deepseek.jinja", "systems", "systems", add_generation_prompt=True),
    case("family_deepseek.jinja", "think", "think"),
    case("family_deepseek.jinja", "tools", "tools", tools=TOOLS, add_generation_prompt=True),
    case("family_deepseek.jinja", "unicode", "unicode"),
    case("family_chatml.jinja", "one", "extra-kwargs-override", add_generation_prompt=True, kwargs={"bos_token": "<override>", "custom": [1, 2]}),
]

CONTEXT = {
    "numbers": [1, 2, 3, 4, 5],
    "matrix": [[1, 2], [3]],
    "mapping": {"k": 1, "b": 2, "a": 3},
    "items": [
        {"name": "apple", "qty": 3, "flag": True},
        {"name": "pear", "qty": 1},
        {"name": "fig", "qty": 2, "color": "purple", "flag": False},
    ],
    "text": "héllo",
    "padded": "  \t padded text \n ",
    "csv": "a,b,,c",
    "nested": {"a": {"b": [10, {"c": "deep"}]}},
    "words": ["banana", "Apple", "cherry", "apple", "Banana"],
    "multiline": "first\nsecond\n\nfourth",
    "record": {"name": "Zoë", "tags": ["a", "b"], "n": 1, "x": 1.5, "ok": True, "none": None, "emoji": "😀", "nested": {"k": []}},
    "tools": TOOLS[:1],
}

FEATURE_CASES = [
    {"id": f"feature/{name}", "template": f"feature_{name}.jinja", "context": CONTEXT}
    for name in ["whitespace", "control", "set", "macro", "expressions", "tests", "strings", "filters", "json"]
]


def inline(tag, source, **context):
    return {"id": f"inline/{tag}", "source": source, "context": context}


INLINE_CASES = [
    inline("crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n"),
    inline("trailing-newlines", "x\n\n"),
    inline("only-newline", "\n"),
    inline("lstrip-after-text", "a  {% if true %}b{% endif %}"),
    inline("lstrip-line-start", "a\n  {% if true %}b{% endif %}\n  {{ 'v' }}"),
    inline("trim-comment", "a{# c #}\nb"),
    inline("dash-var-end", "{{ 'a' -}}\n\n  b"),
    inline("plus-block-end", "{% if true +%}\nkept{% endif %}"),
    inline("odd-test-swallows-if", "{{ 3 is odd if true else 'x' }}"),
    inline("dict-in-var", "{{ {'a': {'b': 1}} }}"),
    inline("string-concat-literals", "{{ 'a' 'b' \"c\" }}"),
    inline("unicode-escapes", "{{ '\\u00e9\\x41\\U0001F600\\101\\q' }}"),
    inline("slice-step-zero", "{{ [1, 2][::0] }}"),
    inline("raise", "{{ raise_exception('Bad input: ' ~ x) }}", x=3),
    inline("raise-in-loop", "{% for m in ms %}{% if m > 1 %}{{ raise_exception('too big') }}{% endif %}{{ m }}{% endfor %}", ms=[1, 2]),
    inline("undefined-attr", "{{ nope.attr }}"),
    inline("undefined-nested", "{{ d.missing.deeper }}", d={}),
    inline("undefined-add", "{{ nope + 1 }}"),
    inline("type-error-add", "{{ 'a' + 1 }}"),
    inline("type-error-compare", "{{ 1 < 'a' }}"),
    inline("zero-division", "{{ 1 / 0 }}"),
    inline("mutate-list", "{% set l = [1] %}{{ l.append(2) }}"),
    inline("mutate-dict", "{% set d = {} %}{{ d.update({'a': 1}) }}"),
    inline("namespace-underscore", "{% set ns = namespace(_x=1) %}"),
    inline("namespace-set-underscore", "{% set ns = namespace() %}{% set ns._y = 1 %}"),
    inline("syntax-unclosed-if", "line1\n{% if true %}\nno end"),
    inline("syntax-unknown-tag", "a\n{% frobnicate %}"),
    inline("syntax-bad-expr", "{{ 1 + }}"),
    inline("syntax-unclosed-var", "{{ x "),
    inline("syntax-endfor-mismatch", "{% if x %}{% endfor %}"),
    inline("syntax-missing-comment-end", "text {# never closed"),
    inline("syntax-unexpected-paren", "{{ (1 + 2 }}"),
    inline("unpack-mismatch", "{% for a, b in [[1, 2, 3]] %}{% endfor %}"),
    inline("macro-too-many", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}"),
    inline("macro-missing-arg", "{% macro m(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(1) }}"),
    inline("macro-kwarg-unknown", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(a=1, z=2) }}"),
    inline("loop-outside", "{{ loop is defined }}"),
    inline("range", "{{ range(3) | list }} {{ range(1, 10, 3) | list }} {{ range(5, 0, -2) | list }}"),
    inline("dict-global", "{{ dict(a=1, b='x') }} {{ dict([('k', 2)]) }}"),
    inline("int-overflow", "{{ 9223372036854775807 + 1 }}"),
    inline("filter-chain-precedence", "{{ -3 | abs }} {{ 'a' ~ 'b' | upper }} {{ not true | string }}"),
    inline("is-precedence", "{{ 1 + 1 is even }} {{ not 1 is odd }}"),
    inline("nested-namespace-loop", "{% set ns = namespace(c=0) %}{% for i in range(3) %}{% for j in range(2) %}{% set ns.c = ns.c + 1 %}{% endfor %}{% endfor %}{{ ns.c }}"),
    inline("tojson-nonserializable", "{{ nope | tojson }}"),
    inline("items-on-list", "{{ [1] | items | list }}"),
    inline("strftime", "{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %p %I %y %a %b %%') }}|{{ strftime_now('%f') }}|{{ strftime_now('%Z%z') }}"),
    inline("getattr-on-none", "{{ none.x }}"),
    inline("index-string-key-on-list", "{{ [1, 2]['count'] is callable }}"),
    inline("generation-tag", "{% generation %}assistant text{% endgeneration %} done"),
    inline("print-tag", "{% print 'a', 'b' %}|"),
    inline("block-tag", "{% block body %}in block{% endblock %}"),
    inline("set-in-if-leaks", "{% if true %}{% set v = 1 %}{% endif %}{{ v }}"),
    inline("loop-changed-scope", "{% for i in [1, 2] %}{% set last = i %}{% endfor %}[{{ last }}]"),
    inline("caller-undefined", "{% macro m() %}{{ caller is defined }}{% endmacro %}{{ m() }}"),
    inline("str-format-sandboxed", "{{ '{0}-{name}'.format(1, name='n') }}"),
    inline("percent-dict", "{{ '%(a)s=%(b)d' % {'a': 'x', 'b': 2} }}"),
    inline("float-repr", "{{ [0.1, 1/3, 2/3, 1e22, 1e-7, 100.0, 5e-324, 1.7976931348623157e308] }}"),
    inline("none-in-message-default", "{{ m.content | default('empty') }}|{{ m.content is none }}", m={"content": None}),
    inline("dict-attr-vs-method", "{{ d.items is callable }} {{ d['items'] }} {{ d.get('get') }}", d={"items": "the key", "get": "g"}),
    inline("not-in-precedence", "{{ 'a' not in 'abc' }} {{ not 'a' in 'abc' }}"),
    inline("cond-without-else", "[{{ 'x' if false }}]"),
    inline("string-multiply-neg", "[{{ 'ab' * -1 }}]"),
    inline("sort-mixed", "{{ [1, 'a'] | sort }}"),
    inline("join-non-str", "{{ [1, none, true] | join(',') }}"),
    inline("length-int", "{{ 5 | length }}"),
]

CHECKPOINT_CASES = [
    {
        "id": "checkpoint/jinja-file-wins",
        "dir": "jinja-file-wins",
        "files": {"chat_template.jinja": "family_chatml.jinja"},
        "config": {"chat_template": "CONFIG TEMPLATE SHOULD NOT BE USED"},
        "messages": M["system"],
        "add_generation_prompt": True,
    },
    {
        "id": "checkpoint/config-string-addedtoken",
        "dir": "config-string",
        "config": {
            "chat_template": "{{ bos_token }}{% for m in messages %}{{ m.role }}: {{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}",
            "bos_token": {"content": "<s>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True, "__type": "AddedToken"},
            "eos_token": "</s>",
        },
        "messages": M["multi"],
        "add_generation_prompt": True,
    },
    {
        "id": "checkpoint/config-list-default",
        "dir": "config-list",
        "config": {
            "chat_template": [
                {"name": "default", "template": "DEFAULT{% for m in messages %} {{ m.content }}{% endfor %}"},
                {"name": "tool_use", "template": "TOOLS {{ tools | map(attribute='function.name') | join(',') }}{% for m in messages %} {{ m.content }}{% endfor %}"},
                {"name": "rag", "template": "RAG {{ documents }}"},
            ]
        },
        "messages": M["one"],
    },
    {
        "id": "checkpoint/config-list-tools",
        "dir": "config-list",
        "config": {
            "chat_template": [
                {"name": "default", "template": "DEFAULT{% for m in messages %} {{ m.content }}{% endfor %}"},
                {"name": "tool_use", "template": "TOOLS {{ tools | map(attribute='function.name') | join(',') }}{% for m in messages %} {{ m.content }}{% endfor %}"},
                {"name": "rag", "template": "RAG {{ documents }}"},
            ]
        },
        "messages": M["one"],
        "tools": TOOLS,
    },
    {
        "id": "checkpoint/config-list-named",
        "dir": "config-list",
        "config": {
            "chat_template": [
                {"name": "default", "template": "DEFAULT{% for m in messages %} {{ m.content }}{% endfor %}"},
                {"name": "tool_use", "template": "TOOLS {{ tools | map(attribute='function.name') | join(',') }}{% for m in messages %} {{ m.content }}{% endfor %}"},
                {"name": "rag", "template": "RAG {{ documents }}"},
            ]
        },
        "messages": M["one"],
        "template_name": "rag",
    },
    {
        "id": "checkpoint/additional-templates",
        "dir": "additional",
        "files": {"chat_template.jinja": "family_deepseek.jinja", "additional_chat_templates/plain.jinja": "family_mistral.jinja"},
        "messages": M["one"],
        "template_name": "plain",
    },
    {
        "id": "checkpoint/legacy-special-tokens-map",
        "dir": "legacy-map",
        "config": {"chat_template": "{{ bos_token }}|{{ eos_token }}|{{ pad_token }}|{{ messages[0].content }}"},
        "drop_config": ["added_tokens_decoder", "bos_token", "eos_token", "pad_token"],
        "json_files": {"special_tokens_map.json": {"bos_token": {"content": "<legacy-bos>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}, "eos_token": "<legacy-eos>", "pad_token": "<legacy-pad>"}},
        "messages": M["one"],
    },
    {
        "id": "checkpoint/no-template",
        "dir": "no-template",
        "messages": M["one"],
    },
]
