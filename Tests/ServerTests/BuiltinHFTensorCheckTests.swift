import Foundation
import Testing

@testable import ServerCore

/// The engine's real tensor check behind upload validation, against the
/// parity checkpoints transformers wrote (Tests/TrainerTests/Fixtures/hf).
@Suite("Built-in engine's tensor check")
struct BuiltinHFTensorCheckTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TrainerTests/Fixtures/hf")

    static func inspect(_ directory: URL) throws -> HFCheckpointSummary {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        let files = try names.map { name in
            let size = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size]
            return DirectoryManifest.File(path: name, bytes: (size as? NSNumber)?.int64Value ?? 0, sha256: "")
        }
        return try HFDirectoryInspector(tensorCheck: BuiltinHFTensorCheck()).inspect(
            root: directory, manifest: DirectoryManifest(files: files))
    }

    @Test(arguments: ["llama", "llama-dynamic", "llama-linear", "llama-llama3", "mistral", "qwen2", "qwen2-yarn", "qwen3"])
    func everyParityCheckpointIsRunnable(name: String) throws {
        let summary = try Self.inspect(Self.fixtures.appendingPathComponent(name))
        #expect(summary.runnableBy == ["builtin"], "\(name): \(summary.message ?? "")")
    }

    @Test func anUnknownArchitectureIsKeptButNotRunnable() throws {
        let config = Data(#"{"architectures":["GPTNeoXForCausalLM"],"model_type":"gpt_neox","hidden_size":8}"#.utf8)
        #expect(try BuiltinHFTensorCheck().expectedTensors(config: config) == nil)
    }

    @Test func aSupportedArchitectureWithABrokenConfigIsAnError() {
        let config = Data(#"{"architectures":["LlamaForCausalLM"],"model_type":"llama"}"#.utf8)
        #expect(throws: HFTensorCheckError.self) { try BuiltinHFTensorCheck().expectedTensors(config: config) }
    }
}
