import Testing
@testable import Tokenizers

/// Streaming decode returns, piece by piece, exactly the full decode.
@Suite struct IncrementalDecoderTests {
    private func streamed(_ tokenizer: HFTokenizer, _ ids: [Int], skip: Bool) -> (pieces: [String], text: String) {
        var decoder = IncrementalDecoder(tokenizer: tokenizer, skipSpecialTokens: skip)
        var pieces = ids.map { decoder.add($0) }
        pieces.append(decoder.finish())
        return (pieces, decoder.text)
    }

    @Test(arguments: Fixtures.names)
    func concatenationEqualsFullDecoding(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        let expected = try Fixtures.expected(fixture)
        let sequences = expected.cases.map(\.ids) + expected.decodeCases.map(\.ids)
        for ids in sequences {
            for skip in [false, true] {
                let (pieces, text) = streamed(tokenizer, ids, skip: skip)
                #expect(Fixtures.scalars(pieces.joined()) == Fixtures.scalars(tokenizer.decode(ids, skipSpecialTokens: skip)), "\(fixture) \(ids)")
                #expect(text == pieces.joined())
            }
        }
    }

    /// Around added tokens with non-ASCII content the pieces add up to the library's
    /// own decode: a byte-level token such as "Café" ends in a lone lead byte (U+FFFD),
    /// which is held back until the next id shows whether it completes a character.
    @Test(arguments: Fixtures.withAddedTokenCases)
    func addedTokensStreamAsTheLibraryDecodes(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        let cases = try #require(try Fixtures.expected(fixture).addedTokenCases)
        for item in cases {
            for (skip, expected) in [(false, item.decoded), (true, item.decodedSkipSpecial)] {
                let (pieces, _) = streamed(tokenizer, item.ids, skip: skip)
                #expect(Fixtures.scalars(pieces.joined()) == Fixtures.scalars(expected), "\(fixture) \(item.ids) skip \(skip)")
            }
        }
        let qwen = try Fixtures.tokenizer("qwen2-style")
        let cafe = try #require(qwen.tokenID("Café"))
        // ĺ and Ģ are the byte-level alphabet's characters for the bytes 98 and 80.
        let continuation = try ["\u{13A}", "\u{122}"].map { try #require(qwen.tokenID($0)) }
        var decoder = IncrementalDecoder(tokenizer: qwen)
        #expect(decoder.add(cafe) == "")
        #expect(continuation.map { decoder.add($0) }.joined() == "Caf阀")
    }

    @Test func neverReturnsHalfACharacter() throws {
        // Byte-level: "👨‍👩‍👧‍👦" is 25 bytes spread over several tokens.
        let tokenizer = try Fixtures.tokenizer("qwen2-style")
        let ids = tokenizer.encode("a 👨‍👩‍👧‍👦 b", addSpecialTokens: false)
        var decoder = IncrementalDecoder(tokenizer: tokenizer)
        for id in ids {
            let piece = decoder.add(id)
            #expect(!piece.unicodeScalars.contains("\u{FFFD}"))
        }
        #expect(decoder.text + decoder.finish() == "a 👨‍👩‍👧‍👦 b")
    }

    @Test func byteFallbackCharacterComesOutWhole() throws {
        let tokenizer = try Fixtures.tokenizer("llama2-style")
        let ids = tokenizer.encode("𝔘x", addSpecialTokens: false)
        let byteTokens = ids.compactMap { tokenizer.token(for: $0) }.filter { $0.hasPrefix("<0x") }
        #expect(byteTokens.count == 4)
        var decoder = IncrementalDecoder(tokenizer: tokenizer)
        let pieces = ids.map { decoder.add($0) }
        // The byte run stays open until "x" closes it: a later invalid byte would turn it all into U+FFFD.
        #expect(pieces.filter { !$0.isEmpty } == ["𝔘x"])
        #expect(decoder.finish() == "")
        var open = IncrementalDecoder(tokenizer: tokenizer)
        let withoutClose = tokenizer.encode("x𝔘", addSpecialTokens: false)
        #expect(withoutClose.map { open.add($0) }.joined() == "x")
        #expect(open.finish() == "𝔘")
    }
}
