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
    {"id": "family_chatml/continue-blocks", "template": "family_chatml.jinja", "messages": [
        {"role": "user", "content": "Go on"},
        {"role": "assistant", "content": [{"type": "text", "text": "First part. "}, {"type": "text", "text": "Second part"}]},
    ], "continue_final_message": True},
    {"id": "inline-template/documents", "template": "documents.jinja", "messages": [{"role": "user", "content": "Summarise."}],
     "documents": [{"title": "Doc A", "text": "Alpha text."}, {"title": "Doc B", "text": "Beta text."}], "add_generation_prompt": True},
    case("family_chatml.jinja", "continue", "continue-with-gen-prompt", continue_final_message=True, add_generation_prompt=True),
    {"id": "family_chatml/empty", "template": "family_chatml.jinja", "messages": []},
    {"id": "dump/reasoning-aliases", "template": "dump_context.jinja", "messages": [
        {"role": "user", "content": "q", "name": None},
        {"role": "assistant", "content": "a1", "reasoning_content": "r1"},
        {"role": "assistant", "thinking": "t2", "content": "a2"},
        {"role": "assistant", "content": "a3", "reasoning": "r3", "thinking": "t3"},
        {"role": "assistant", "content": "a4", "reasoning_content": None, "reasoning": "r4"},
    ]},
    {"id": "dump/tools-and-gen", "template": "dump_context.jinja", "messages": [{"role": "user", "content": "x"}],
     "tools": TOOLS[:1], "add_generation_prompt": True},
    {"id": "dump/continue-reasoning-fields", "template": "dump_context.jinja", "messages": [
        {"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "reasoning_content": "partial thought"}],
     "continue_final_message": "reasoning_content"},
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
    inline("ws-dash-after-text", "text   \n\n  {%- if true %}x{% endif %}"),
    inline("ws-var-dash-both", "a\n  {{- 'b' -}}  \n c"),
    inline("ws-lstrip-comment", "a\n    {# c #}\nb"),
    inline("ws-lstrip-after-var", "{{ 'v' }}\n   {% if true %}w{% endif %}"),
    inline("ws-lstrip-not-after-text", "x {% if true %}y{% endif %} z"),
    inline("ws-dash-end-then-var", "{% if true -%}   \n  {{ 'v' }}{% endif %}"),
    inline("ws-raw-lstrip", "a\n   {% raw %}\n  {{ x }}\n   {% endraw %}\nb"),
    inline("ws-macro-defs", "{% macro a() %}A{% endmacro %}\n{% macro b() %}B{% endmacro %}\n{{ a() }}{{ b() }}\n"),
    inline("ws-nested-blocks", "{% for i in [1, 2] %}\n  {% if i == 1 %}\n    one\n  {% else %}\n    other\n  {% endif %}\n{% endfor %}\n"),
    inline("ws-unicode-space", "a\u3000{%- if true %}b{% endif %}"),
    inline("macro-sees-later-global", "{% macro m() %}{{ later }}{% endmacro %}{% set later = 'L' %}{{ m() }}"),
    inline("macro-calls-later-macro", "{% macro a() %}a{{ b() }}{% endmacro %}{% macro b() %}b{% endmacro %}{{ a() }}"),
    inline("macro-set-local", "{% set v = 'outer' %}{% macro m() %}{% set v = 'inner' %}{{ v }}{% endmacro %}{{ m() }}{{ v }}"),
    inline("filtered-loop-previtem", "{% for n in [1, 2, 3, 4] if n is even %}{{ loop.previtem }}-{{ n }}-{{ loop.length }};{% endfor %}"),
    inline("string-index-negative", "{{ s[-1] }}{{ s[-2:] }}{{ s[0] | upper }}", s="chat😀"),
    inline("cond-attr-defined", "[{{ x.y if x is defined }}][{{ x.y if x is defined else 'none' }}]"),
    inline("dict-items-filter", "{% for k, v in d | items %}{{ k }}:{{ v }} {% endfor %}{% for k, v in d | dictsort %}{{ k }}{% endfor %}", d={"b": 1, "a": [2]}),
    inline("undefined-eq", "{{ nope == none }} {{ nope == nope2 }} {{ nope != 1 }} {{ 'x' in nope }} {{ nope | list }}"),
    inline("namespace-tojson", "{{ namespace(a=1) | tojson }}"),
    inline("namespace-print", "{{ namespace(a=1, b='x') }}"),
    inline("format-filter-numbers", "{{ '%d|%5.2f|%s|%r' | format(3.7, 2.5, none, 'q') }}"),
    inline("int-strings", "{{ '  12 ' | int }} {{ '1_000' | int }} {{ '-3' | int }} {{ '1e3' | int }} {{ 'nan' | int }} {{ '0b101' | int(0, 2) }}"),
    inline("string-plus", "{{ 5 | string + 'a' }} {{ (1, 2)[0] }} {{ 'abc'[1:] | upper }}"),
    inline("truthiness", "{{ {} and 'y' or 'n' }} {{ '0' and 'y' or 'n' }} {{ 0.0 and 'y' or 'n' }} {{ [[]] and 'y' or 'n' }} {{ none or 'fallback' }}"),
    inline("unicode-order", "{{ 'é' > 'z' }} {{ 'Z' < 'a' }} {{ ['b', 'A', 'é', 'a'] | sort }} {{ ['b', 'A', 'é', 'a'] | sort(case_sensitive=true) }}"),
    inline("float-math", "{{ 10 / 4 }} {{ 2 ** -1 }} {{ 7.0 // 2 }} {{ -7.5 % 2 }} {{ 1e300 * 1e10 }} {{ -1e300 * 1e10 }} {{ 0.1 * 3 }} {{ 1 / 3 * 3 }}"),
    inline("compare-none", "{{ 'a' < none }}"),
    inline("compare-lists", "{{ [1, 2] < [1, 3] }} {{ {'a': 1} == {'a': 1.0} }} {{ (1, 2) == [1, 2] }} {{ false is sameas false }} {{ 0 is sameas false }}"),
    inline("selectattr-first", "{{ (ms | selectattr('role', 'eq', 'user') | first).content }}", ms=[{"role": "system", "content": "s"}, {"role": "user", "content": "u1"}, {"role": "user", "content": "u2"}]),
    inline("caller-nested", "{% macro outer() %}<{{ caller() }}>{% endmacro %}{% macro inner() %}[{{ caller() }}]{% endmacro %}{% call outer() %}{% call inner() %}x{% endcall %}{% endcall %}"),
    inline("set-block-in-loop", "{% for i in [1, 2] %}{% set t %}item{{ i }}{% endset %}{{ t }},{% endfor %}[{{ t }}]"),
    inline("ns-list-append-pattern", "{% set ns = namespace(items=[]) %}{% for x in range(3) %}{% set ns.items = ns.items + [x * 2] %}{% endfor %}{{ ns.items }}"),
    inline("map-over-dict", "{{ d | map('upper') | list }}", d={"a": 1, "b": 2}),
    inline("default-chain", "{{ m.tool_calls | default([]) | length }} {{ m.missing.deep | default('x') }}", m={}),
    inline("not-missing", "{{ not m.content }} {{ m.content is not defined }}", m={}),
    inline("tojson-unicode-and-nested-indent", "{{ x | tojson(indent=1) }}", x={"a": [1, {"b": "é"}], "c": {}, "d": []}),
    inline("tojson-float-int-keys", "{{ {1.5: 'a', 2: 'b'} | tojson }} {{ [1.0, 2.50, 1e20, -0.0] | tojson }}"),
    inline("lists-with-strings-repr", "{{ ['a\\nb', 'tab\\t', 'uni\\u2028', '\\x00', \"'\", '\\\\'] }}"),
    inline("dict-repr-nested", "{{ {'outer': {'inner': [1, (2, 3), none, true, 1.5, 'x']}} }}"),
    inline("string-methods-edge", "{{ 'a,b,c'.split(',', -1) }} {{ ''.split() }} {{ ''.split(',') }} {{ 'abc'.split('b', 0) }} {{ 'aXbXc'.rsplit('X') }} {{ 'x'.replace('', '-') }}"),
    inline("strip-unicode-space", "[{{ '\u00a0\u2003 text \u3000'.strip() }}] [{{ '\u00a0x' | trim }}]"),
    inline("title-edge", "{{ 'hello   world-foo(bar) [baz] <q> x' | title }} {{ \"o'neil mc-donald\" | title }} {{ 'ǅungla 3rd' | title }} {{ '3rd ǅungla'.title() }}"),
    inline("capitalize-edge", "{{ 'ǆemal' | capitalize }} {{ 'ßtraße' | capitalize }}"),
    inline("wordcount-edge", "{{ 'hello, world! it\'s 3:45 — naïve_word' | wordcount }}"),
    inline("indent-edge", "[{{ '' | indent }}] [{{ 'a\n\nb\n' | indent(2) }}] [{{ 'a\r\nb' | indent(1, true, true) }}]"),
    inline("round-edge", "{{ 0.5 | round }} {{ 1.5 | round }} {{ -0.5 | round }} {{ 1.005 | round(2) }} {{ 12345.6789 | round(-2) }} {{ 7 | round(2) }}"),
    inline("sum-floats", "{{ [0.1, 0.2, 0.3] | sum }} {{ [1, 2.5] | sum(start=10) }}"),
    inline("batch-fill", "{{ 'abcde' | batch(2, '!') | list }}"),
    inline("unique-attr", "{{ xs | unique(attribute='k') | map(attribute='v') | list }}", xs=[{"k": "A", "v": 1}, {"k": "a", "v": 2}, {"k": "b", "v": 3}]),
    inline("min-max-strings", "{{ ['b', 'A', 'c'] | min }} {{ ['b', 'A', 'c'] | max }} {{ ['b', 'A', 'c'] | max(case_sensitive=true) }} {{ [] | max }}"),
    inline("replace-count-none", "{{ 'aaa' | replace('a', 'b', none) }}"),
    inline("escape-filter", "{{ '<a href=\"x\">&\'</a>' | escape }} {{ none | e }}"),
    inline("reverse-dict", "{{ d | reverse | list }}", d={"a": 1, "b": 2}),
    inline("first-last-dict", "{{ d | first }} {{ d | last }}", d={"a": 1, "b": 2}),
    inline("attribute-int-path", "{{ xs | map(attribute='0') | list }} {{ xs | map(attribute='1.k') | list }}", xs=[[1, {"k": "x"}], [2, {"k": "y"}]]),
    inline("loop-index-in-macro", "{% macro show(x) %}{{ x }}:{{ loop is defined }}{% endmacro %}{% for i in [1] %}{{ show(i) }}{% endfor %}"),
    inline("with-sees-outer", "{% set a = 1 %}{% with b = a + 1 %}{{ a }}{{ b }}{% set a = 5 %}{{ a }}{% endwith %}{{ a }}"),
    inline("nested-loop-outer-ref", "{% for i in [1, 2] %}{% set outer = loop %}{% for j in [1] %}{{ outer.index }}{{ loop.index }} {% endfor %}{% endfor %}"),
    inline("set-tuple-from-dict-items", "{% for pair in d.items() %}{% set k, v = pair %}{{ k }}{{ v }}{% endfor %}", d={"x": 1}),
    inline("string-in-list", "{{ 'a' in ['a', 'b'] }} {{ 1 in [1.0] }} {{ none in [none] }} {{ [1] in [[1]] }}"),
    inline("is-mapping-loop", "{% for i in [1] %}{{ loop is mapping }}{% endfor %}"),
    inline("call-non-callable", "{{ 'abc'() }}"),
    inline("unknown-filter-runtime", "{{ 'x' | nosuchfilter }}"),
    inline("unknown-filter-dead-branch", "{% if false %}{{ 'x' | nosuchfilter }}{% endif %}ok"),
    inline("unknown-test", "{{ 1 is nosuchtest }}"),
    inline("content-blocks", "{% for m in ms %}{% if m.content is string %}{{ m.content }}{% else %}{% for p in m.content %}{% if p.type == 'text' %}{{ p.text }}{% elif p.type == 'image' %}<img>{% endif %}{% endfor %}{% endif %}|{% endfor %}", ms=[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "describe"}]}, {"role": "assistant", "content": "a cat"}]),
    inline("map-tojson", "{{ tools | map('tojson') | join('\\n') }}", tools=[{"b": 1, "a": "é"}, [1, None]]),
    inline("map-tojson-indent", "{{ tools | map('tojson', indent=2) | join(',') }}", tools=[{"b": 1}]),
    inline("replace-newline-escape", "{{ s | replace('\\n', '\\\\n') }}", s="a\nb"),
    inline("strip-undefined-attr", "{{ m.content.strip() }}", m={}),
    inline("trim-undefined", "[{{ nope | trim }}]"),
    inline("messages-negative-index", "{{ ms[-1]['role'] }} {{ ms[-1].role }} {{ (ms | last).role }} {{ ms | length }}", ms=[{"role": "user"}, {"role": "assistant"}]),
    inline("undefined-plus-string", "{{ nope + 'x' }}"),
    inline("none-plus-string", "{{ m.content + 'x' }}", m={"content": None}),
    inline("is-not-none-chain", "{{ 'x' if a is not defined or a is none else 'y' }} {{ m.content is not none }}", m={"content": None}),
    inline("generation-in-loop", "{% for m in ['a', 'b'] %}{% generation %}<{{ m }}>{% endgeneration %}{% endfor %}"),
    inline("tojson-sort-nested", "{{ d | tojson(sort_keys=true, indent=2) }}", d={"b": {"z": 1, "a": 2}, "a": [{"y": 1, "x": 2}]}),
    inline("string-compare-ops", "{{ 'abc' == 'abc' }} {{ 'a' != 'b' }} {{ 'abc' >= 'abd' }} {{ 'é' == 'e\u0301' }}"),
    inline("dict-literal-key-order", "{{ {'z': 1, 'a': 2, 'z': 3} }}"),
    inline("deep-undefined-default", "{{ (m.a or {}).b | default('d') }}", m={}),
    inline("loop-over-none", "{% for x in none %}{% endfor %}"),
    inline("loop-over-int", "{% for x in 5 %}{% endfor %}"),
    inline("reassign-messages", "{% set messages = messages[1:] %}{{ messages | length }}{{ messages[0].role }}", messages=[{"role": "system"}, {"role": "user"}]),
    inline("reassign-loop-var", "{% for t in calls %}{% if t.function is defined %}{% set t = t.function %}{% endif %}{{ t.name }};{% endfor %}", calls=[{"function": {"name": "f"}}, {"name": "g"}]),
    inline("plus-filter-precedence", "{{ 'Tools: ' + xs | reject('equalto', 'b') | join(', ') + '!' }}", xs=["a", "b", "c"]),
    inline("string-is-iterable-tojson", "{% for c in [s, d, n] %}{{ (c is mapping or c is iterable) and c | tojson or c }}|{% endfor %}", s="text", d={"k": "v"}, n=5),
    inline("and-or-idiom", "{% for m in ms %}{{ (m.role == 'assistant') and 'model' or m.role }} {% endfor %}", ms=[{"role": "user"}, {"role": "assistant"}]),
    inline("recursive-macro-types", "{%- macro py_type(spec) -%}{%- set basic = {'string': 'str', 'number': 'float', 'integer': 'int', 'boolean': 'bool'} -%}{%- if spec.type in basic -%}{{ basic[spec.type] }}{%- elif spec.type == 'array' -%}list[{{ py_type(spec['items']) }}]{%- elif spec.type == 'object' -%}dict[str, {{ py_type(spec.additionalProperties) if spec.additionalProperties is defined else 'Any' }}]{%- elif spec.anyOf is defined -%}Union[{% for t in spec.anyOf %}{{ py_type(t) }}{{ ', ' if not loop.last }}{% endfor %}]{%- else -%}Any{%- endif -%}{%- endmacro -%}{{ py_type(s) }}", s={"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "object", "additionalProperties": {"type": "string"}}, {"type": "null"}]}),
    inline("id-length-check", "{% for c in cs %}{% if c.id | length != 9 %}{{ raise_exception('Tool call IDs must have length 9, got ' ~ c.id) }}{% endif %}{% endfor %}ok", cs=[{"id": "abcdefghi"}, {"id": "short"}]),
    inline("reverse-scan-namespace", "{% set ns = namespace(idx=-1) %}{% for m in ms[::-1] %}{% set i = ms | length - 1 - loop.index0 %}{% if ns.idx == -1 and m.role == 'user' %}{% set ns.idx = i %}{% endif %}{% endfor %}{{ ns.idx }}", ms=[{"role": "user"}, {"role": "assistant"}, {"role": "user"}, {"role": "tool"}]),
    inline("loop-index-even", "{% for m in 'abcd' %}{% if loop.index0 is even %}{{ m }}{% endif %}{% endfor %}"),
    inline("not-is-defined", "{% if not x is defined %}undef{% endif %}{% if x is not defined %}!{% endif %}"),
    inline("strftime-month", "{{ strftime_now('%B %d, %Y') }} {{ strftime_now('%-d') if false else '' }}"),
    inline("format-method-on-var", "{{ 'Hello {}, {}!'.format(name, n) }}", name="Zoë", n=3),
    inline("join-attribute-nested", "{{ fs | join(', ', attribute='function.name') }}", fs=[{"function": {"name": "a"}}, {"function": {"name": "b"}}]),
    inline("selectattr-defined", "{{ ms | selectattr('tool_calls', 'defined') | list | length }} {{ ms | rejectattr('tool_calls') | list | length }}", ms=[{"tool_calls": [1]}, {}, {"tool_calls": []}]),
    inline("include-no-loader", "before{% include 'other.jinja' ignore missing with context %}"),
    inline("import-no-loader", "{% from 'm.jinja' import a, b as c with context %}{{ a }}"),
    inline("extends-no-loader", "{% extends 'base.jinja' %}{% block x %}y{% endblock %}"),
    inline("joiner", "{% set sep = joiner(' | ') %}{% for x in 'abc' %}{{ sep() }}{{ x }}{% endfor %}"),
    inline("default-globals-defined", "{{ lipsum is defined }} {{ joiner is defined }} {{ range is defined }} {{ dict is defined }}"),
    inline("generator-exhausts", "{% set g = xs | select('odd') %}{{ g | list }}{{ g | list }}{% for x in xs | map('string') %}{{ x }}{% endfor %}", xs=[1, 2, 3]),
    inline("generator-truthy-when-empty", "{% if [2] | select('odd') %}truthy{% endif %}|{% if [2] | select('odd') | list %}never{% endif %}"),
    inline("generator-no-length", "{{ [1] | map('string') | length }}"),
    inline("reverse-iterator-first", "{% set g = xs | reverse %}{{ g | first }}{{ g | list }}", xs=[1, 2, 3]),
    inline("reverse-iterator-last", "{{ [1, 2] | reverse | last }}"),
    inline("generator-in", "{% set g = [1, 2, 3, 4] | select('even') %}{{ 2 in g }}{{ g | list }}"),
    inline("generator-tests", "{{ [1] | select is iterable }} {{ [1] | select is sequence }} {{ [1] | select is mapping }} {{ {'a': 1} | items is iterable }}"),
    inline("generator-loop", "{% for x in [3, 1, 2] | reject('equalto', 1) %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %}"),
    inline("undefined-owner-namespace", "{% set ns = namespace(a=1) %}{{ ns.missing.x }}"),
    inline("undefined-owner-loop", "{% for i in [1] %}{{ loop.missing.x }}{% endfor %}"),
    inline("undefined-owner-macro", "{% macro m() %}{% endmacro %}{{ m.x.y }}"),
    inline("undefined-owner-generator", "{{ ([1] | select).x.y }}"),
    inline("undefined-owner-function", "{{ raise_exception.x.y }}"),
    inline("undefined-owner-scalars", "{{ 1.5.x }}{{ none.x }}{{ 'abc'.x }}{{ (1, 2).x }}[{{ ''.strip.x }}]"),
    inline("recursive-loop", "{% for n in tree recursive %}<{{ n.name }}@{{ loop.depth }}{% if n.kids %}:{{ loop(n.kids) }}{% endif %}>{% endfor %}", tree=[{"name": "a", "kids": [{"name": "b", "kids": [{"name": "c"}]}, {"name": "d"}]}, {"name": "e"}]),
    inline("non-recursive-loop-call", "{% for n in [1] %}{{ loop([2]) }}{% endfor %}"),
    inline("loop-changed", "{% for x in [1, 1, 2, 2, 1] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}"),
    inline("loop-print", "{% for x in 'ab' %}{{ loop }} {{ loop.previtem is defined }} {{ loop.nextitem }}|{% endfor %}"),
    inline("loop-previtem-undefined-use", "{% for x in [1] %}{{ loop.previtem + 1 }}{% endfor %}"),
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
        "id": "checkpoint/model-specific-tokens",
        "dir": "model-specific",
        "config": {
            "chat_template": "{{ image_token | default('-') }}|{{ think_token | default('-') }}|{{ audio_token | default('-') }}|{{ max_token | default('-') }}|{{ sep_token | default('-') }}|{{ messages[0].content }}",
            "image_token": "<|img|>",
            "think_token": {"content": "<think>", "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True, "__type": "AddedToken"},
            "extra_special_tokens": {"audio_token": "<|aud|>"},
            "max_token": 5,
        },
        "messages": M["one"],
    },
    {
        "id": "checkpoint/no-template",
        "dir": "no-template",
        "messages": M["one"],
    },
]


def _generated_cases(count=240, seed=12):
    """Random pairings of literals with filters and operators (seeded, so the
    fixture is stable): they probe Python semantics no hand-written case thought of."""
    import random

    rng = random.Random(seed)
    values = ["0", "1", "-3", "2.5", "'abc'", "'Hé llo wörld'", "''", "[1, 2, 3]", "['b', 'a', 'B']", "{'x': 1, 'y': [2]}",
              "none", "true", "(1, 'a')", "'  pad  '", "[]", "{}", "-0.5", "'3'", "[0, '', none, 'x']", "'a-b c'"]
    filters = ["length", "string", "upper", "lower", "list", "first", "last", "reverse | list", "sort | list",
               "join(',')", "tojson", "int", "float", "abs", "round", "round(1)", "trim", "title", "capitalize",
               "default('d')", "default('d', true)", "count", "unique | list", "sum", "min", "max", "e",
               "wordcount", "center(9)", "indent(2)", "items | list", "dictsort", "batch(2) | list", "select | list",
               "reject | list", "map('string') | list", "replace('a', 'b')", "truncate(5)", "tojson(indent=1)",
               "string | length", "list | length", "trim | upper", "first | string", "float | round(1)"]
    ops = ["+", "-", "*", "/", "//", "%", "~", "==", "!=", "<", ">=", "in", "not in", "and", "or"]
    tests = ["string", "number", "iterable", "sequence", "mapping", "none", "defined", "odd", "even", "true", "integer"]
    cases = []
    for i in range(count):
        kind = rng.randrange(4)
        a, b = rng.choice(values), rng.choice(values)
        if kind == 0:
            source = f"{{{{ {a} | {rng.choice(filters)} }}}}"
        elif kind == 1:
            source = f"{{{{ {a} {rng.choice(ops)} {b} }}}}"
        elif kind == 2:
            source = f"{{{{ ({a} {rng.choice(ops)} {b}) | {rng.choice(filters)} }}}}"
        else:
            source = f"{{{{ {a} is {rng.choice(tests)} }}}}|{{{{ {a}[1:] if {a} is sequence else {a} }}}}"
        cases.append({"id": f"generated/{i:03d}", "source": source, "context": {}})
    return cases


INLINE_CASES += _generated_cases()
INLINE_CASES += [dict(c, id=c["id"].replace("generated/", "generated-b/")) for c in _generated_cases(count=500, seed=99)]
