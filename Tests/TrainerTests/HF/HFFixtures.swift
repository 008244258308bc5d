import Foundation
@testable import Trainer

/// The parity fixtures written by `scripts/make-hf-fixtures` (transformers'
/// own outputs on tiny random models), read relative to this file.
enum HFFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hf")

    /// Every case directory name.
    static let cases = ["llama", "llama-llama3", "llama-linear", "llama-dynamic", "qwen2", "qwen3", "mistral", "qwen2-yarn"]

    static func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// What transformers computed for one case.
    struct Expected: Decodable {
        struct Prompt: Decodable {
            struct Row: Decodable {
                let position: Int
                let values: [Float]
            }
            let prompt: [Int32]
            let logits: [Row]
            let greedy: [Int32]
        }
        struct Rope: Decodable {
            let inv_freq: [Float]
            let attention_scaling: Float
            let grown_length: Int?
            let grown_inv_freq: [Float]?
        }
        let rope: Rope
        let prompts: [Prompt]
    }

    static func expected(_ name: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: directory(name).appendingPathComponent("expected.json")))
    }

    static func config(_ name: String) throws -> HFModelConfig {
        try HFModelConfig(directory: directory(name))
    }

    /// The config file as a mutable JSON object.
    static func configObject(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("config.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object)
    }
}
