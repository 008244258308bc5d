import Foundation

@testable import ServerCore

/// Tiny Hugging Face model directories made in the tests: a Llama-shaped
/// config and zero-filled safetensors shards, written as files or archived.
enum HFFixture {
    /// A Llama config: hidden 8, 1 layer, 2 heads of 4, 1 KV head,
    /// intermediate 16, vocabulary 32, tied embeddings unless said otherwise.
    static func llamaConfig(architecture: String = "LlamaForCausalLM", tied: Bool = true, extra: [String: Any] = [:]) -> [String: Any] {
        var config: [String: Any] = [
            "architectures": [architecture], "model_type": "llama", "hidden_size": 8, "num_hidden_layers": 1,
            "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 16, "vocab_size": 32,
            "max_position_embeddings": 2048, "tie_word_embeddings": tied, "torch_dtype": "bfloat16",
        ]
        config.merge(extra) { $1 }
        return config
    }

    /// The tensors of ``llamaConfig(architecture:tied:extra:)``, name → shape.
    static func llamaTensors(tied: Bool = true) -> [(String, [Int])] {
        var tensors: [(String, [Int])] = [
            ("model.embed_tokens.weight", [32, 8]), ("model.norm.weight", [8]),
            ("model.layers.0.input_layernorm.weight", [8]), ("model.layers.0.post_attention_layernorm.weight", [8]),
            ("model.layers.0.self_attn.q_proj.weight", [8, 8]), ("model.layers.0.self_attn.k_proj.weight", [4, 8]),
            ("model.layers.0.self_attn.v_proj.weight", [4, 8]), ("model.layers.0.self_attn.o_proj.weight", [8, 8]),
            ("model.layers.0.mlp.gate_proj.weight", [16, 8]), ("model.layers.0.mlp.up_proj.weight", [16, 8]),
            ("model.layers.0.mlp.down_proj.weight", [8, 16]),
        ]
        if !tied { tensors.append(("lm_head.weight", [32, 8])) }
        return tensors
    }

    /// Parameters of ``llamaTensors(tied:)`` with tied embeddings: 256 + 8 + 8 + 8 + 64 + 32 + 32 + 64 + 128 * 3.
    static let llamaParameters: Int64 = 856

    /// A safetensors file holding zero-filled `tensors` of `dtype`.
    static func safetensors(_ tensors: [(String, [Int])], dtype: String = "BF16") -> Data {
        let size = ["BF16": 2, "F16": 2, "F32": 4, "F8_E4M3": 1, "I8": 1][dtype] ?? 4
        var header: [String: Any] = [:]
        var offset = 0
        for (name, shape) in tensors {
            let bytes = shape.reduce(size, *)
            header[name] = ["dtype": dtype, "shape": shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        return SafetensorsFixture.file(header: header, dataBytes: offset)
    }

    /// JSON bytes of an object.
    static func json(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// A valid directory: config.json, model.safetensors, tokenizer_config.json with a template.
    static func llamaFiles(tied: Bool = true, architecture: String = "LlamaForCausalLM") -> [TarFixture.Entry] {
        [
            .file("config.json", json(llamaConfig(architecture: architecture, tied: tied))),
            .file("model.safetensors", safetensors(llamaTensors(tied: tied))),
            .file("tokenizer_config.json", json(["chat_template": "{{ messages }}", "eos_token": "</s>"])),
            .file("generation_config.json", json(["temperature": 0.6])),
        ]
    }

    /// The same weights in two shards with an index.
    static func shardedFiles(weightMap override: [String: String] = [:]) -> [TarFixture.Entry] {
        let tensors = llamaTensors()
        let first = Array(tensors.prefix(5)), second = Array(tensors.dropFirst(5))
        var map: [String: String] = [:]
        for (name, _) in first { map[name] = "model-00001-of-00002.safetensors" }
        for (name, _) in second { map[name] = "model-00002-of-00002.safetensors" }
        map.merge(override) { $1 }
        return [
            .file("config.json", json(llamaConfig())),
            .file("model-00001-of-00002.safetensors", safetensors(first)),
            .file("model-00002-of-00002.safetensors", safetensors(second)),
            .file("model.safetensors.index.json", json(["metadata": ["total_size": 1712], "weight_map": map])),
        ]
    }

    /// Writes entries as files under `directory`.
    static func write(_ entries: [TarFixture.Entry], to directory: URL) throws {
        for entry in entries {
            let url = directory.appendingPathComponent(entry.path)
            if let data = entry.data {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            } else {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
        }
    }
}

/// A test double of the built-in engine's tensor check: it runs
/// `LlamaForCausalLM` and derives the expected tensors from the config the
/// way the engine would (head_dim = hidden / heads, KV heads, tied output).
struct LlamaOnlyTensorCheck: HFTensorCheck {
    func expectedTensors(config: Data) throws(HFTensorCheckError) -> [String: [Int]]? {
        guard let object = try? JSONSerialization.jsonObject(with: config) as? [String: Any] else {
            throw HFTensorCheckError("not a JSON object")
        }
        guard (object["architectures"] as? [String])?.first == "LlamaForCausalLM" else { return nil }
        func int(_ key: String) throws(HFTensorCheckError) -> Int {
            guard let value = object[key] as? Int else { throw HFTensorCheckError("\"\(key)\" is missing") }
            return value
        }
        let hidden = try int("hidden_size"), layers = try int("num_hidden_layers"), heads = try int("num_attention_heads")
        let kv = try int("num_key_value_heads"), inner = try int("intermediate_size"), vocab = try int("vocab_size")
        guard hidden % heads == 0 else { throw HFTensorCheckError("hidden_size \(hidden) is not a multiple of num_attention_heads \(heads)") }
        let dim = hidden / heads
        var tensors = ["model.embed_tokens.weight": [vocab, hidden], "model.norm.weight": [hidden]]
        for layer in 0..<layers {
            let p = "model.layers.\(layer)."
            tensors[p + "input_layernorm.weight"] = [hidden]
            tensors[p + "post_attention_layernorm.weight"] = [hidden]
            tensors[p + "self_attn.q_proj.weight"] = [heads * dim, hidden]
            tensors[p + "self_attn.k_proj.weight"] = [kv * dim, hidden]
            tensors[p + "self_attn.v_proj.weight"] = [kv * dim, hidden]
            tensors[p + "self_attn.o_proj.weight"] = [hidden, heads * dim]
            tensors[p + "mlp.gate_proj.weight"] = [inner, hidden]
            tensors[p + "mlp.up_proj.weight"] = [inner, hidden]
            tensors[p + "mlp.down_proj.weight"] = [hidden, inner]
        }
        if (object["tie_word_embeddings"] as? Bool) != true { tensors["lm_head.weight"] = [vocab, hidden] }
        return tensors
    }
}
