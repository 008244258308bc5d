import Foundation
import Testing
@testable import Trainer

@Suite("HF weights and validation")
struct HFWeightsTests {
    @Test("a sharded checkpoint maps every tensor in its stored dtype")
    func sharded() throws {
        let weights = try HFWeights(directory: HFFixtures.directory("llama"))
        let config = try HFFixtures.config("llama")
        #expect(weights.tensors.count == HFArchitecture.expectedTensors(for: config).count)
        #expect(HFArchitecture.problems(tensors: weights.descriptors, config: config).isEmpty)
        let q = try weights.tensor("model.layers.1.self_attn.q_proj.weight")
        #expect(q.dtype == .bf16 && q.shape == [64, 64])
        #expect(weights.byteCount == weights.tensors.values.reduce(0) { $0 + $1.byteCount })
        let f16 = try HFWeights(directory: HFFixtures.directory("mistral"))
        #expect(try f16.tensor("model.norm.weight").dtype == .f16)
    }

    @Test("a file large enough to be read back in huge pages maps to its own bytes")
    func largeMapping() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-mapped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let count = MappedFile.hugePageRetryBytes + 12_345
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        try Data(bytes).write(to: url)
        let file = try MappedFile(url: url)
        #expect(file.count == count)
        for offset in [0, 4095, 2 << 20, count / 2 + 1, count - 1] {
            #expect(file.base.load(fromByteOffset: offset, as: UInt8.self) == bytes[offset], "byte \(offset)")
        }
        #if os(Linux)
        let huge = MappedFile.hugePageMappedBytes(UnsafeMutableRawPointer(mutating: file.base), count: count)
        #expect(huge >= 0 && huge <= count)
        #endif
    }

    @Test("expected tensors follow the config: biases, q/k norms, tied output")
    func expected() throws {
        let names = { (name: String) in Set(HFArchitecture.expectedTensors(for: try HFFixtures.config(name)).map(\.name)) }
        #expect(try names("qwen2").contains("model.layers.0.self_attn.k_proj.bias"))
        #expect(try !names("qwen2").contains("model.layers.0.self_attn.o_proj.bias"))
        #expect(try names("qwen3").contains("model.layers.1.self_attn.q_norm.weight"))
        #expect(try !names("qwen3").contains("lm_head.weight"))
        #expect(try names("llama-linear").contains("model.layers.0.mlp.down_proj.bias"))
        let shapes = Dictionary(uniqueKeysWithValues: HFArchitecture.expectedTensors(for: try HFFixtures.config("qwen3")).map { ($0.name, $0.shape) })
        #expect(shapes["model.layers.0.self_attn.q_proj.weight"] == [96, 64])
        #expect(shapes["model.layers.0.self_attn.o_proj.weight"] == [64, 96])
        #expect(shapes["model.layers.0.self_attn.k_norm.weight"] == [24])
    }

    @Test("validation names the missing, misshaped or unreadable tensor")
    func problems() throws {
        let config = try HFFixtures.config("qwen2")
        let tensors = try HFWeights(directory: HFFixtures.directory("qwen2")).descriptors
        let missing = tensors.filter { $0.name != "model.layers.1.mlp.up_proj.weight" }
        #expect(HFArchitecture.problems(tensors: missing, config: config) == [.missingTensor("model.layers.1.mlp.up_proj.weight")])
        let misshaped = tensors.map { $0.name == "model.layers.0.self_attn.q_proj.bias" ? ($0.name, [63], $0.dtype) : $0 }
        #expect(
            HFArchitecture.problems(tensors: misshaped, config: config)
                == [.shapeMismatch(name: "model.layers.0.self_attn.q_proj.bias", expected: [64], found: [63])])
        let integer = tensors.map { $0.name == "model.norm.weight" ? ($0.name, $0.shape, SafetensorsDType.i32) : $0 }
        #expect(throws: HFWeightError.unsupportedDType(name: "model.norm.weight", dtype: "I32")) {
            try HFArchitecture.validate(tensors: integer, config: config)
        }
        // the loader refuses the same way before reading anything
        var narrower = config
        narrower.intermediateSize = 80
        let weights = try HFWeights(directory: HFFixtures.directory("qwen2"))
        #expect(throws: HFModelError.weights(.shapeMismatch(name: "model.layers.0.mlp.gate_proj.weight", expected: [80, 64], found: [96, 64]))) {
            try HFModel(config: narrower, weights: weights)
        }
    }

    @Test("an index naming a shard that is not there is refused")
    func brokenIndex() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hf-index-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: HFFixtures.directory("llama"), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model-00002-of-00002.safetensors"))
        #expect(throws: HFWeightError.invalidIndex("shard \"model-00002-of-00002.safetensors\" is not in the directory")) {
            try HFWeights(directory: dir)
        }
        let index = dir.appendingPathComponent("model.safetensors.index.json")
        try Data(#"{"weight_map":{"a":"../x.safetensors"}}"#.utf8).write(to: index)
        #expect(throws: HFWeightError.self) { try HFWeights(directory: dir) }
    }
}
