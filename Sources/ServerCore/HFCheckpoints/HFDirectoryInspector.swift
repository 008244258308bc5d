import Benchmarks
import Foundation
import Trainer

/// Validates an uploaded Hugging Face model directory and sums it up:
/// `config.json` parses and names an architecture, every `*.safetensors`
/// header is valid, the index and the shards agree tensor by tensor, and,
/// for an architecture the built-in engine runs, every tensor it expects is
/// there with the shape the config implies.
package struct HFDirectoryInspector: Sendable {
    /// The engine's knowledge of the architectures it runs.
    package let tensorCheck: any HFTensorCheck

    /// Largest JSON file read (config, tokenizer config); the index may be larger.
    static let maxJSONBytes = 16 << 20
    static let maxIndexBytes = 64 << 20
    /// Dtypes the built-in engine computes with.
    static let builtinDTypes: Set<SafetensorsDType> = [.bf16, .f16, .f32]

    package init(tensorCheck: any HFTensorCheck) { self.tensorCheck = tensorCheck }

    /// Inspects the directory at `root` whose files are `manifest`.
    /// - Throws: `HFCheckpointError` naming the file (and tensor) at fault.
    package func inspect(root: URL, manifest: DirectoryManifest) throws(HFCheckpointError) -> HFCheckpointSummary {
        let paths = Set(manifest.files.map(\.path))
        guard paths.contains("config.json") else {
            throw HFCheckpointError(file: "config.json", "is missing: an hf checkpoint needs it at the top of the directory")
        }
        let configData = try read("config.json", in: root, limit: Self.maxJSONBytes)
        let facts = try HFConfigFacts(json: configData)

        var headers: [String: SafetensorsHeader] = [:]
        for path in paths.sorted() where path.hasSuffix(".safetensors") {
            do {
                headers[path] = try SafetensorsHeader.read(contentsOf: root.appendingPathComponent(path))
            } catch {
                throw HFCheckpointError(file: path, error.description)
            }
        }
        let index: Data? =
            if paths.contains(HFWeights.indexFile) { try read(HFWeights.indexFile, in: root, limit: Self.maxIndexBytes) } else { nil }
        let weights = try HFWeights(headers: headers, index: index)
        let dtype = weights.dominantDType.map(Self.torchName) ?? "unknown"

        var runnableBy: [String] = []
        var message: String?
        let expected: [String: [Int]]?
        do {
            expected = try tensorCheck.expectedTensors(config: configData)
        } catch {
            throw HFCheckpointError(file: "config.json", error.description)
        }
        let name = facts.architecture ?? facts.modelType ?? "this architecture"
        if let expected {
            for (tensor, shape) in expected.sorted(by: { $0.key < $1.key }) {
                guard let found = weights.tensors[tensor] else {
                    throw HFCheckpointError(
                        file: index == nil ? HFWeights.singleFile : HFWeights.indexFile,
                        "tensor \"\(tensor)\" is missing: \(name) with this config.json needs it with shape \(shape)")
                }
                guard found.info.shape == shape else {
                    throw HFCheckpointError(
                        file: found.shard, "tensor \"\(tensor)\" has shape \(found.info.shape), but config.json implies \(shape)")
                }
            }
            let unsupported = expected.keys.sorted().first { weights.tensors[$0].map { !Self.builtinDTypes.contains($0.info.dtype) } ?? false }
            if let unsupported, let info = weights.tensors[unsupported]?.info {
                message = "the built-in engine computes with bf16, f16 or f32 weights; tensor \"\(unsupported)\" is \(info.dtype.rawValue)"
            } else {
                runnableBy = ["builtin"]
            }
        } else {
            message = "the built-in engine does not run \(name); the checkpoint is stored for an engine that does (vLLM, SGLang)"
        }
        return HFCheckpointSummary(
            architecture: facts.architecture, modelType: facts.modelType, parameters: weights.parameters,
            tensors: weights.tensors.count, dtype: dtype, contextLength: facts.contextLength,
            hasChatTemplate: try hasChatTemplate(root: root, paths: paths), runnableBy: runnableBy, message: message)
    }

    /// `chat_template.jinja`, or a non-empty `chat_template` (a string or a
    /// list of named templates) in `tokenizer_config.json` or `chat_template.json`.
    private func hasChatTemplate(root: URL, paths: Set<String>) throws(HFCheckpointError) -> Bool {
        if paths.contains("chat_template.jinja") { return true }
        for file in ["tokenizer_config.json", "chat_template.json"] where paths.contains(file) {
            let data = try read(file, in: root, limit: Self.maxJSONBytes)
            guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                throw HFCheckpointError(file: file, "is not a JSON object")
            }
            switch object["chat_template"] {
            case .string(let text)? where !text.isEmpty: return true
            case .array(let templates)? where !templates.isEmpty: return true
            default: continue
            }
        }
        return false
    }

    private func read(_ path: String, in root: URL, limit: Int) throws(HFCheckpointError) -> Data {
        let url = root.appendingPathComponent(path)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= limit else { throw HFCheckpointError(file: path, "is larger than \(limit >> 20) MiB") }
        guard let data = try? Data(contentsOf: url) else { throw HFCheckpointError(file: path, "cannot be read") }
        return data
    }

    /// A safetensors dtype spelled as torch spells it in `config.json`.
    static func torchName(_ dtype: SafetensorsDType) -> String {
        switch dtype {
        case .bool: "bool"
        case .u8: "uint8"
        case .i8: "int8"
        case .f8e5m2: "float8_e5m2"
        case .f8e4m3: "float8_e4m3fn"
        case .i16: "int16"
        case .u16: "uint16"
        case .f16: "float16"
        case .bf16: "bfloat16"
        case .i32: "int32"
        case .u32: "uint32"
        case .f32: "float32"
        case .f64: "float64"
        case .i64: "int64"
        case .u64: "uint64"
        }
    }
}
