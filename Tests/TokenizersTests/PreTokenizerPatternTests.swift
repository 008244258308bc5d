import Testing
@testable import Tokenizers

/// The hand-written matchers against hand-worked splits and against Swift `Regex` on the fixture texts.
@Suite struct PreTokenizerPatternTests {
    static let qwen2 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let llama3 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    private func pieces(_ pattern: String, _ text: String) throws -> [String] {
        let matcher = try #require(ContractionWordPattern.recognize(pattern))
        let s = text.unicodeScalars.map(\.value)
        return matcher.matches(in: s).map { Normalizer.string(Array(s[$0])) }
    }

    @Test func recognisesTheFamilies() {
        #expect(ContractionWordPattern.recognize(Self.qwen2)?.family == .cl100k(maxDigits: 1, marksAreLetters: false))
        #expect(ContractionWordPattern.recognize(Self.llama3)?.family == .cl100k(maxDigits: 3, marksAreLetters: false))
        #expect(ContractionWordPattern.recognize(Self.gpt2)?.family == .gpt2)
        #expect(ContractionWordPattern.recognize(#"\p{N}{1,3}"#) == nil)
    }

    /// Worked by hand, checked against `tokenizers` 0.23 `Split(Regex(p), "isolated")`.
    @Test func handWorkedSplits() throws {
        #expect(try pieces(Self.qwen2, "Hello world's 2024!!\n\n  x") == ["Hello", " world", "'s", " ", "2", "0", "2", "4", "!!\n\n", " ", " x"])
        #expect(try pieces(Self.llama3, "12345 THEY'RE\tok  \r\n") == ["123", "45", " THEY", "'RE", "\tok", "  \r\n"])
        #expect(try pieces(Self.llama3, "a   b") == ["a", "  ", " b"])
        #expect(try pieces(Self.gpt2, "I'm  42 ok?!") == ["I", "'m", " ", " 42", " ok", "?!"])
        #expect(try pieces(Self.qwen2, "it'ſ") == ["it", "'ſ"])
    }

    @Test(arguments: [qwen2, llama3, gpt2])
    func agreesWithSwiftRegex(pattern: String) throws {
        let matcher = try #require(ContractionWordPattern.recognize(pattern))
        let regex = try ScalarRegex(pattern)
        var texts: [String] = []
        for name in Fixtures.names { texts += try Fixtures.expected(name).cases.map(\.text) }
        for text in texts {
            let s = text.unicodeScalars.map(\.value)
            #expect(matcher.matches(in: s) == regex.matches(in: s), "\(Fixtures.show(text))")
        }
    }

    @Test func splitBehaviours() {
        let piece = PreTokenizer.Piece(scalars: "The-final--countdown".unicodeScalars.map(\.value), atOrigin: true)
        let matches = SplitPattern.literal([0x2D]).matches(in: piece.scalars)
        func run(_ behavior: PreTokenizer.Behavior, invert: Bool = false) -> [String] {
            PreTokenizer.split(piece, matches: matches, behavior: behavior, invert: invert).map { Normalizer.string($0.scalars) }
        }
        #expect(run(.removed) == ["The", "final", "countdown"])
        #expect(run(.isolated) == ["The", "-", "final", "-", "-", "countdown"])
        #expect(run(.mergedWithPrevious) == ["The-", "final-", "-", "countdown"])
        #expect(run(.mergedWithNext) == ["The", "-final", "-", "-countdown"])
        #expect(run(.contiguous) == ["The", "-", "final", "--", "countdown"])
        #expect(run(.removed, invert: true) == ["-", "-", "-"])
    }
}
