import Foundation
import Testing
@testable import Trainer

/// A checkpoint written here must load with the reference `safetensors`
/// library. Python is `$AEPO_PYTHON`, else `<repo>/.venv/bin/python`; when it
/// is missing (or lacks safetensors / numpy) the test fails and says how to
/// create it.
@Suite struct PythonInteropTests {
    static let setupHint = """
        create the Python environment first: cd <repo> && python3 -m venv .venv && \
        .venv/bin/pip install safetensors numpy (or point AEPO_PYTHON at a python that has them)
        """

    /// The interpreter to use, or nil.
    static func python() -> URL? {
        if let path = ProcessInfo.processInfo.environment["AEPO_PYTHON"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : nil
        }
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = repo.appendingPathComponent(".venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    static let script = """
        import json, sys
        import numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file
        tensors = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="np") as f:
            metadata = f.metadata()
        out = {"metadata": metadata, "tensors": {
            name: {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.astype(np.float64).ravel().tolist()}
            for name, a in tensors.items()}}
        json.dump(out, sys.stdout)
        """

    struct Dump: Decodable {
        struct Tensor: Decodable {
            var dtype: String
            var shape: [Int]
            var values: [Double]
        }
        var metadata: [String: String]
        var tensors: [String: Tensor]
    }

    @Test func referenceSafetensorsLoadsOurCheckpoint() throws {
        guard let python = Self.python() else {
            Issue.record("no usable Python (AEPO_PYTHON or <repo>/.venv/bin/python): \(Self.setupHint)")
            return
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try GPT(config: GPTConfig(vocabSize: 512, contextLength: 8, layerCount: 2, headCount: 2, modelDimension: 8), seed: 5)
        let url = directory.appendingPathComponent("model.safetensors")
        let metadata = CheckpointMetadata(algorithm: "grpo", task: "math", step: 3, seed: 9)
        try Checkpoint.save(model, tokenizer: try ByteTokenizer(), metadata: metadata, to: url)

        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", Self.script, url.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            Issue.record("cannot run \(python.path): \(error); \(Self.setupHint)")
            return
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("\(python.path) could not load the checkpoint (\(stderr)); \(Self.setupHint)")
            return
        }
        let dump = try JSONDecoder().decode(Dump.self, from: stdout)
        #expect(dump.metadata["format"] == "aepo-gpt")
        #expect(dump.metadata["algorithm"] == "grpo" && dump.metadata["step"] == "3" && dump.metadata["seed"] == "9")
        #expect(dump.metadata["config"] == Checkpoint.json(model.config))
        #expect(dump.metadata["tokenizer"] == (try ByteTokenizer()).jsonDescription)
        #expect(Set(dump.tensors.keys) == Set(model.layout.specs.map(\.name)))
        for spec in model.layout.specs {
            let tensor = try #require(dump.tensors[spec.name])
            #expect(tensor.dtype == "float32" && tensor.shape == spec.shape, "\(spec.name)")
            let ours = model.parameters.slice(spec.offset, spec.count)
            #expect(tensor.values.map { Float($0) } == ours, "\(spec.name) values differ")
        }
    }
}
