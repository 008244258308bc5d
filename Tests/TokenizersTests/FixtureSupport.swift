import Foundation
import Tokenizers

/// The committed fixtures made by `scripts/hf-fixtures/make-tokenizer-fixtures`
/// with Hugging Face `tokenizers`.
enum Fixtures {
    static let names = [
        "qwen2-style", "llama3-style", "llama2-style", "mistral-style",
        "mistral-style-always-split", "mistral-style-never-split", "gpt2-style",
    ]

    /// The fixtures whose tokenizers have added tokens with non-ASCII content, and decode cases around them.
    static let withAddedTokenCases = ["qwen2-style", "gpt2-style", "llama2-style", "mistral-style"]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Case: Decodable, Sendable {
        let text: String
        let ids: [Int]
        let idsNoSpecial: [Int]
        let tokensNoSpecial: [String]?
        let decoded: String
        let decodedSkipSpecial: String
        let roundTrip: Bool
    }

    struct DecodeCase: Decodable, Sendable {
        let ids: [Int]
        let decoded: String
        let decodedSkipSpecial: String
    }

    struct Expected: Decodable, Sendable {
        let vocabSize: Int
        let cases: [Case]
        let decodeCases: [DecodeCase]
        /// Ids around the added tokens with non-ASCII content and one ASCII special token (absent
        /// when the tokenizer has no such added token).
        let addedTokenCases: [DecodeCase]?
    }

    static func tokenizer(_ name: String) throws -> HFTokenizer {
        try HFTokenizer(directory: directory.appendingPathComponent(name))
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: directory.appendingPathComponent(name).appendingPathComponent("expected.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Expected.self, from: data)
    }

    /// The scalars of `text`, to compare decoded text exactly: `String` equality
    /// is canonical equivalence, which takes NFD text for its NFC form.
    static func scalars(_ text: String) -> [Unicode.Scalar] {
        Array(text.unicodeScalars)
    }

    /// Test text with control characters escaped, for failure messages.
    static func show(_ text: String) -> String {
        String(text.unicodeScalars.prefix(60).map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined())
    }
}
