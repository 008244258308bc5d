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
        for item in expected.cases {
            #expect(tokenizer.decode(item.ids, skipSpecialTokens: false) == item.decoded, "\(fixture): \(Fixtures.show(item.text))")
            #expect(tokenizer.decode(item.ids, skipSpecialTokens: true) == item.decodedSkipSpecial, "\(fixture): \(Fixtures.show(item.text))")
            // Where the library round-trips, so must we.
            if item.roundTrip { #expect(tokenizer.decode(item.idsNoSpecial) == item.text) }
        }
        // Arbitrary id sequences: split characters, specials in the middle, bytes that never form UTF-8.
        for item in expected.decodeCases {
            #expect(tokenizer.decode(item.ids, skipSpecialTokens: false) == item.decoded, "\(fixture): \(item.ids)")
            #expect(tokenizer.decode(item.ids, skipSpecialTokens: true) == item.decodedSkipSpecial, "\(fixture): \(item.ids)")
        }
    }

    @Test(arguments: Fixtures.names)
    func vocabularyAndLookups(fixture: String) throws {
        let tokenizer = try Fixtures.tokenizer(fixture)
        #expect(tokenizer.vocabularySize == (try Fixtures.expected(fixture)).vocabSize)
        for id in [0, 1, 2, 100, tokenizer.vocabularySize - 1] {
            let token = try #require(tokenizer.token(for: id))
            #expect(tokenizer.tokenID(token) == id)
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
