import Foundation
import Testing
@testable import Tokenizers

/// Load errors name the component and value at fault.
@Suite struct LoadErrorTests {
    /// The qwen2-style fixture with one top-level component replaced.
    private func load(replacing key: String, with json: String) throws(TokenizerLoadError) -> HFTokenizer {
        let url = Fixtures.directory.appendingPathComponent("qwen2-style/tokenizer.json")
        guard var text = try? String(contentsOf: url, encoding: .utf8) else { throw .unreadable(path: url.path, reason: "fixture") }
        // The fixture is compact JSON written by the script: each component starts with "key": and is followed by ,"next":
        let marker = "\"\(key)\":"
        let order = ["added_tokens", "normalizer", "pre_tokenizer", "post_processor", "decoder", "model"]
        if let start = text.range(of: marker), let index = order.firstIndex(of: key) {
            let end = index + 1 < order.count ? text.range(of: ",\"\(order[index + 1])\":")?.lowerBound : text.index(before: text.endIndex)
            if let end { text.replaceSubrange(start.upperBound..<end, with: json) }
        }
        return try HFTokenizer(tokenizerJSON: Data(text.utf8))
    }

    private func error(replacing key: String, with json: String) -> TokenizerLoadError? {
        do {
            _ = try load(replacing: key, with: json)
            return nil
        } catch {
            return error
        }
    }

    @Test func theFixtureItselfLoads() throws {
        let tokenizer = try load(replacing: "decoder", with: #"{"type":"ByteLevel"}"#)
        #expect(tokenizer.encode("Hello") == (try Fixtures.tokenizer("qwen2-style")).encode("Hello"))
    }

    @Test func unsupportedComponentsAreNamed() {
        #expect(error(replacing: "model", with: #"{"type":"WordPiece","vocab":{}}"#) == .unsupportedModel("WordPiece"))
        #expect(error(replacing: "normalizer", with: #"{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"BertNormalizer"}]}"#)
            == .unsupportedNormalizer("BertNormalizer"))
        #expect(error(replacing: "pre_tokenizer", with: #"{"type":"Whitespace"}"#) == .unsupportedPreTokenizer("Whitespace"))
        #expect(error(replacing: "decoder", with: ###"{"type":"WordPiece","prefix":"##"}"###) == .unsupportedDecoder("WordPiece"))
        #expect(error(replacing: "post_processor", with: #"{"type":"RobertaProcessing"}"#) == .unsupportedPostProcessor("RobertaProcessing"))
        #expect(error(replacing: "pre_tokenizer", with: #"{"type":"Split","pattern":{"Regex":"(?<!x"},"behavior":"Isolated"}"#)
            == .unsupportedPattern("(?<!x"))
        let description = TokenizerLoadError.unsupportedNormalizer("Precompiled").description
        #expect(description.contains("Precompiled") && description.contains("NFC"))
    }

    @Test func malformedFilesSayWhere() {
        #expect(error(replacing: "model", with: #"{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}"#)
            == .mergeOutOfVocabulary(rank: 0, token: "ab"))
        #expect(error(replacing: "model", with: #"{"type":"BPE","vocab":{"a":0},"merges":["a b c"]}"#)
            == .invalidField(path: "model.merges[0]", expected: "two tokens separated by one space"))
        #expect(error(replacing: "model", with: #"{"type":"BPE","vocab":{"a":0},"merges":[],"unk_token":"<unk>"}"#)
            == .invalidField(path: "model.unk_token", expected: "a token of the vocabulary, not \"<unk>\""))
        #expect(throws: TokenizerLoadError.invalidJSON(offset: 11, reason: "expected ',' or '}'")) {
            try HFTokenizer(tokenizerJSON: Data(#"{"model":1 2}"#.utf8))
        }
        #expect(throws: TokenizerLoadError.self) {
            try HFTokenizer(directory: URL(fileURLWithPath: "/nonexistent-aepo-dir"))
        }
    }
}
