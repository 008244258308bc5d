import Testing

@testable import Jinja

/// Whitespace control, one rule at a time (expected texts worked out from
/// jinja2's lexer rules with trim_blocks and lstrip_blocks on).
@Suite struct LexerTests {
    private func render(_ source: String) throws -> String {
        try Template(source).render([:])
    }

    @Test func newlinesAreNormalisedAndOneTrailingNewlineDropped() {
        #expect(Lexer.normalizeNewlines("a\r\nb\rc\n") == "a\nb\nc")
        #expect(Lexer.normalizeNewlines("x\n\n") == "x\n")
        #expect(Lexer.normalizeNewlines("") == "")
    }

    @Test func trimBlocksDropsOneNewlineAfterABlockTag() throws {
        #expect(try render("{% if true %}\n\nx{% endif %}") == "\nx")
        #expect(try render("{% if true +%}\nx{% endif %}") == "\nx")
        #expect(try render("{{ 'v' }}\nx") == "v\nx")
    }

    @Test func lstripBlocksOnlyStripsIndentationBeforeATag() throws {
        #expect(try render("a\n    {% if true %}b{% endif %}") == "a\nb")
        #expect(try render("a  {% if true %}b{% endif %}") == "a  b")
        #expect(try render("a\n    {%+ if true %}b{% endif %}") == "a\n    b")
        #expect(try render("a\n    {{ 'v' }}") == "a\n    v")
        #expect(try render("  {# c #}x") == "x")
    }

    @Test func dashesStripAllWhitespaceOnTheirSide() throws {
        #expect(try render("a \n\t {{- 'b' -}} \n c") == "abc")
        #expect(try render("a\n\n{%- if true -%}\n\n b {%- endif %}") == "ab")
        #expect(try render("a {#- c -#} b") == "ab")
    }

    @Test func rawBlocksKeepTagsAsText() throws {
        #expect(try render("{% raw %}{{ x }}{% if %}{% endraw %}") == "{{ x }}{% if %}")
        #expect(try render("{%- raw -%}  {{ x }}  {%- endraw %}") == "{{ x }}")
    }

    @Test func syntaxErrorsCarryTheLine() {
        #expect(throws: JinjaError.syntax(message: "Missing end of comment tag", line: 2)) { try render("a\n{# open") }
        #expect(throws: JinjaError.syntax(message: "unexpected '}', expected ')'", line: 3)) { try render("\n\n{{ (1 }}") }
    }

    @Test func numbersAndStringsLexAsInPython() throws {
        #expect(try render("{{ 1_000 + 0x10 + 0o10 + 0b10 }} {{ 2.5e1 }} {{ 1e3 }}") == "1026 25.0 1000.0")
        #expect(try render(#"{{ 'a\tb\u00e9\x41\101\q' }}"#) == "a\tbéAA\\q")
    }
}
