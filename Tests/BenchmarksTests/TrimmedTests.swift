import Testing

@testable import Benchmarks

/// Trimming walks from the ends by Character: Unicode spaces count,
/// combining marks stay with their letter.
@Suite("Trimming")
struct TrimmedTests {
    @Test(arguments: [
        ("  a b \n\t", "a b", "  a b"),
        ("", "", ""),
        (" \n ", "", ""),
        ("\u{3000}x\u{3000}", "x", "\u{3000}x"),
        ("e\u{301} \r\n", "e\u{301}", "e\u{301}"),
        ("<answer>72</answer>\n\n", "<answer>72</answer>", "<answer>72</answer>"),
    ])
    func bothEnds(input: String, trimmed: String, trailing: String) {
        #expect(input.trimmed == trimmed)
        #expect(input.trailingWhitespaceRemoved == trailing)
        #expect(Substring(input).trimmed == trimmed)
    }
}
