import Benchmarks
import Foundation

/// What the server reads from `config.json`: the architecture, the model
/// type and the context length. The engines read the rest themselves.
package struct HFConfigFacts: Sendable, Equatable {
    package var architecture: String?
    package var modelType: String?
    package var contextLength: Int?

    /// Keys that bound the sequence length, as vLLM reads them (the
    /// smallest one present wins).
    static let lengthKeys = [
        "max_position_embeddings", "n_positions", "max_seq_len", "seq_length", "max_sequence_length",
        "max_seq_length", "seq_len", "model_max_length",
    ]

    /// Parses a `config.json`.
    /// - Throws: `HFCheckpointError` naming `config.json`.
    package init(json data: Data) throws(HFCheckpointError) {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw HFCheckpointError(file: "config.json", "is not a JSON object")
        }
        var architecture: String?
        if let value = object["architectures"] {
            let names: [String]? = if case .array(let items) = value { items.compactMap(\.stringValue) } else { nil }
            guard let names, case .array(let items) = value, names.count == items.count else {
                throw HFCheckpointError(file: "config.json", "\"architectures\" must be an array of strings")
            }
            architecture = names.first
        }
        var modelType: String?
        if let value = object["model_type"] {
            guard let text = value.stringValue else {
                throw HFCheckpointError(file: "config.json", "\"model_type\" must be a string")
            }
            modelType = text
        }
        guard architecture != nil || modelType != nil else {
            throw HFCheckpointError(file: "config.json", "names no architecture: it needs \"architectures\" or \"model_type\"")
        }
        self.architecture = architecture
        self.modelType = modelType
        // Multimodal configs keep the language model's fields in text_config.
        if let length = Self.contextLength(object) {
            contextLength = length
        } else if case .object(let text)? = object["text_config"] {
            contextLength = Self.contextLength(text)
        }
    }

    /// The smallest length key present, scaled by a RoPE scaling that
    /// extends the context (`linear`, `dynamic`, `yarn`) as vLLM does.
    static func contextLength(_ object: [String: JSONValue]) -> Int? {
        let lengths = lengthKeys.compactMap { key -> Double? in
            guard let value = object[key]?.numberValue, value >= 1, value < 1e12 else { return nil }
            return value
        }
        guard var length = lengths.min() else { return nil }
        let scaling: [String: JSONValue]? = switch object["rope_scaling"] ?? object["rope_parameters"] {
        case .object(let fields)?: fields
        default: nil
        }
        if let scaling, let type = (scaling["rope_type"] ?? scaling["type"])?.stringValue,
            ["linear", "dynamic", "yarn"].contains(type), let factor = scaling["factor"]?.numberValue, factor >= 1
        {
            if type == "yarn", let original = scaling["original_max_position_embeddings"]?.numberValue, original >= 1 {
                length = original
            }
            length *= factor
        }
        return Int(length)
    }
}
