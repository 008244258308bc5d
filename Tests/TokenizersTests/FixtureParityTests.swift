import Foundation
import Testing
@testable import Tokenizers

/// Ids and decoded text identical to Hugging Face `tokenizers` on every fixture string.
@Suite struct FixtureParityTests {
    @Test(arguments: Fixtures.names)
    func idsMatchTheLibrary(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        let expected = try Fixtures.expected(fixture)
        #expect(expected.cases.count >= 40)
        for item in expected.cases {
            let plain = tokenizer.encode(item.text, addSpecialTokens: false)
            #expect(plain == item.idsNoSpecial, "\(fixture): \(Fixtures.show(item.text))")
            #expect(tokenizer.encode(item.text, addSpecialTokens: true) == item.ids, "\(fixture): \(Fixtures.show(item.text))")
            // The library reports an added token with the whitespace lstrip / rstrip swallowed: compare model tokens only.
            let added = Set(tokenizer.addedTokens.map(\.id))
            for (id, token) in zip(plain, item.tokensNoSpecial ?? []) where !added.contains(id) {
                #expect(tokenizer.token(for: id) == token)
            }
        }
    }

    @Test(arguments: Fixtures.names)
    func decodingMatchesTheLibrary(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        let expected = try Fixtures.expected(fixture)
        let scalars = Fixtures.scalars
        for item in expected.cases {
            let shown = "\(fixture): \(Fixtures.show(item.text))"
            #expect(scalars(tokenizer.decode(item.ids, skipSpecialTokens: false)) == scalars(item.decoded), "\(shown)")
            #expect(scalars(tokenizer.decode(item.ids, skipSpecialTokens: true)) == scalars(item.decodedSkipSpecial), "\(shown)")
            // Where the library round-trips, so must we.
            if item.roundTrip { #expect(scalars(tokenizer.decode(item.idsNoSpecial)) == scalars(item.text), "\(shown)") }
        }
        // Arbitrary id sequences: split characters, specials in the middle, bytes that never form UTF-8.
        for item in expected.decodeCases {
            #expect(scalars(tokenizer.decode(item.ids, skipSpecialTokens: false)) == scalars(item.decoded), "\(fixture): \(item.ids)")
            #expect(scalars(tokenizer.decode(item.ids, skipSpecialTokens: true)) == scalars(item.decodedSkipSpecial), "\(fixture): \(item.ids)")
        }
    }

    @Test(arguments: Fixtures.withAddedTokenCases)
    func addedTokensDecodeAsTheLibraryDoes(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        let cases = try #require(try Fixtures.expected(fixture).addedTokenCases)
        #expect(cases.count >= 20)
        let scalars = Fixtures.scalars
        for item in cases {
            #expect(scalars(tokenizer.decode(item.ids, skipSpecialTokens: false)) == scalars(item.decoded), "\(fixture): \(item.ids)")
            #expect(scalars(tokenizer.decode(item.ids, skipSpecialTokens: true)) == scalars(item.decodedSkipSpecial), "\(fixture): \(item.ids)")
        }
    }

    /// The rules the recorded cases follow, spelled out: an added token's text goes
    /// through the decoder like any token's (its normalized form when `normalized`),
    /// and skipping compares that text with the special tokens' contents.
    @Test func addedTokenTextGoesThroughTheDecoder() throws {
        let qwen = try Fixtures.tokenizer("qwen2-style")
        let scalars = Fixtures.scalars
        func qwenID(_ content: String) throws -> Int { try #require(qwen.tokenID(content)) }
        // Byte-level: é and ñ are the alphabet's characters for the bytes E9 and F1, not UTF-8.
        #expect(scalars(qwen.decode([try qwenID("Café")])) == scalars("Caf\u{FFFD}"))
        #expect(scalars(qwen.decode([try qwenID("ñandú")])) == scalars("\u{FFFD}and\u{FFFD}"))
        // Characters outside the alphabet: the token's own UTF-8, all of it.
        #expect(qwen.decode([try qwenID("日本語")]) == "日本語")
        #expect(qwen.decode([try qwenID("é日")]) == "é日")
        // The E9 of "Café" is the lead byte of 阀 when the byte tokens 98 80 (ĺ Ģ) follow.
        let continuation = try ["\u{13A}", "\u{122}"].map { try #require(qwen.tokenID($0)) }
        #expect(qwen.decode([try qwenID("Café")] + continuation) == "Caf阀")
        // NFD content, normalized: decoded from the NFC form the normalizer makes of it.
        #expect(scalars(qwen.decode([try qwenID("Zu\u{308}rich")])) == scalars("Z\u{FFFD}rich"))
        // A normalized special token whose normalized form differs is not skipped.
        let resume = try qwenID("<|re\u{301}sume\u{301}|>")
        #expect(scalars(qwen.decode([resume], skipSpecialTokens: true)) == scalars("<|r\u{FFFD}sum\u{FFFD}|>"))
        #expect(qwen.decode([try qwenID("<|süß|>")], skipSpecialTokens: true) == "")

        // Llama 2: the normalizer prepends ▁ to normalized added tokens and writes ▁ for spaces.
        let llama = try Fixtures.tokenizer("llama2-style")
        func llamaID(_ content: String) throws -> Int { try #require(llama.tokenID(content)) }
        let x = llama.encode("x", addSpecialTokens: false)
        #expect(llama.decode(x + [try llamaID("mañana tarde")]) == "x mañana tarde")
        #expect(llama.decode(x + [try llamaID("Ölçü")]) == "xÖlçü")
        #expect(llama.decode(x + [try llamaID("<ß>")], skipSpecialTokens: true) == "x <ß>")
        #expect(llama.decode(x + [try llamaID("<½>")], skipSpecialTokens: true) == "x")
    }

    @Test(arguments: Fixtures.names)
    func vocabularyAndLookups(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        #expect(tokenizer.vocabularySize == (try Fixtures.expected(fixture)).vocabSize)
        for id in [0, 1, 2, 100, tokenizer.vocabularySize - 1] {
            let token = try #require(tokenizer.token(for: id))
            if let added = tokenizer.addedTokens.first(where: { $0.id == id }), added.normalized {
                // As in the library: named by its normalized form ("▁<ß>"), found by its content.
                #expect(tokenizer.tokenID(added.content) == id)
            } else {
                #expect(tokenizer.tokenID(token) == id)
            }
        }
        #expect(tokenizer.token(for: -1) == nil)
        #expect(tokenizer.token(for: 1_000_000) == nil)
    }

    @Test func specialTokensFromTheConfig() throws {
        let llama3 = try Fixtures.tokenizer("llama3-style")
        #expect(llama3.bosToken == "<|begin_of_text|>")
        #expect(llama3.bosTokenID == llama3.tokenID("<|begin_of_text|>"))
        #expect(llama3.eosTokenID == llama3.tokenID("<|eot_id|>"))
        #expect(llama3.encode("hi", addSpecialTokens: true).first == llama3.bosTokenID)
        let qwen = try Fixtures.tokenizer("qwen2-style")
        #expect(qwen.bosTokenID == nil)
        #expect(qwen.eosToken == "<|im_end|>")
        #expect(qwen.specialTokenIDs.contains(try #require(qwen.tokenID("<|im_start|>"))))
        let think = try #require(qwen.addedTokens.first { $0.content == "<think>" })
        #expect(!think.special && !qwen.specialTokenIDs.contains(think.id))
        let llama2 = try Fixtures.tokenizer("llama2-style")
        #expect(llama2.addBOSToken == true && llama2.addEOSToken == false)
        #expect(llama2.bosTokenID == 1 && llama2.eosTokenID == 2)
    }
}
