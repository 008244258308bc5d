import Foundation
import Testing
@testable import Trainer

@Suite struct TokenizerTests {
    let tokenizer: ByteTokenizer

    init() throws {
        tokenizer = try ByteTokenizer()
    }

    @Test(arguments: [
        "",
        "plain ascii",
        "<think>步骤一：搜索</think><search>北京 天气</search><result>晴，25°C</result>",
        "<python>print('héllo 🌍')</python><answer>\\boxed{42}</answer>",
        "<thin> </thinker> <<search>> </answer",  // near-misses stay bytes
        "<|eos|><|bos|> are only text here",
        "emoji 👩‍👩‍👧 and combining é",
    ])
    func roundTripsExactly(text: String) {
        let ids = tokenizer.encode(text)
        #expect(tokenizer.decode(ids) == text)
        #expect(ids.allSatisfy { tokenizer.isAssigned($0) })
    }

    @Test func tagsBecomeSingleTokens() {
        let ids = tokenizer.encode("<think>a</think><search>")
        #expect(ids == [SpecialToken.thinkOpen.id, 97, SpecialToken.thinkClose.id, SpecialToken.searchOpen.id])
        #expect(tokenizer.encode("中").count == 3)  // three UTF-8 bytes
        #expect(tokenizer.encode("<<search>>") == [60, SpecialToken.searchOpen.id, 62])
        #expect(tokenizer.encode("x", addBOS: true) == [SpecialToken.bos.id, 120])
        for tag in SpecialToken.tags { #expect(tokenizer.encode(tag.text) == [tag.id]) }
    }

    @Test func specialTokenIDs() {
        #expect(SpecialToken.bos.id == 256 && SpecialToken.eos.id == 257 && SpecialToken.pad.id == 258)
        #expect(SpecialToken.allCases.count == 13)
        #expect(ByteTokenizer.assignedCount == 269)
        #expect(Set(SpecialToken.allCases.map(\.id)).count == 13)
    }

    @Test func controlAndUnassignedIDsDecodeToNothing() {
        let ids: [Int32] = [SpecialToken.bos.id, 104, 105, SpecialToken.eos.id, SpecialToken.pad.id, 400, -3]
        #expect(tokenizer.decode(ids) == "hi")
        #expect(!tokenizer.isAssigned(400) && tokenizer.isAssigned(268))
    }

    @Test func descriptionRoundTripsAndRefusesMismatch() throws {
        let json = tokenizer.jsonDescription
        #expect(json.hasPrefix(#"{"special_tokens":{"#))
        #expect(try ByteTokenizer(jsonDescription: json) == tokenizer)
        #expect(throws: TokenizerError.self) {
            try ByteTokenizer(jsonDescription: json.replacingOccurrences(of: "byte-level", with: "bpe"))
        }
        #expect(throws: TokenizerError.self) {
            try ByteTokenizer(jsonDescription: json.replacingOccurrences(of: "\"<think>\":259", with: "\"<think>\":300"))
        }
        #expect(throws: TokenizerError.vocabularyTooSmall(100, needed: 269)) { try ByteTokenizer(vocabSize: 100) }
    }
}
