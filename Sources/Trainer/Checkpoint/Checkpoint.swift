import Foundation

/// A model read from a checkpoint with its tokenizer and provenance.
public struct LoadedCheckpoint {
    /// The model, built from the checkpoint's config.
    public let model: GPT
    /// The tokenizer described in the checkpoint.
    public let tokenizer: ByteTokenizer
    /// Algorithm, task, step and seed.
    public let metadata: CheckpointMetadata
}

/// Saving and loading GPT checkpoints as one safetensors file: F32 tensors
/// named as in `ParameterLayout` (`wte`, `wpe`, `h.0.ln1.weight`, ...) and
/// `__metadata__` = {`format`: "aepo-gpt", `config`, `tokenizer` (JSON
/// strings), `algorithm`, `task`, `step`, `seed`}.
public enum Checkpoint {
    /// The `format` metadata value.
    public static let format = "aepo-gpt"

    /// Writes `model`'s parameters with tokenizer and provenance to `url` (atomically).
    /// - Throws: `CheckpointError.io`.
    public static func save(
        _ model: GPT, tokenizer: ByteTokenizer, metadata: CheckpointMetadata, to url: URL
    ) throws(CheckpointError) {
        var writer = SafetensorsWriter(metadata: [
            "format": format, "config": json(model.config), "tokenizer": tokenizer.jsonDescription,
            "algorithm": metadata.algorithm, "task": metadata.task,
            "step": String(metadata.step), "seed": String(metadata.seed),
        ])
        do {
            for spec in model.layout.specs {
                try writer.add(
                    name: spec.name, shape: spec.shape,
                    values: UnsafeBufferPointer(start: model.parameters.pointer + spec.offset, count: spec.count))
            }
            try writer.write(to: url)
        } catch {
            throw error.asCheckpointError
        }
    }

    /// Reads a checkpoint, building the model from its stored config.
    /// - Throws: `CheckpointError` describing the first problem found.
    public static func load(from url: URL) throws(CheckpointError) -> LoadedCheckpoint {
        let (data, header) = try readFile(url)
        let info = try inspect(header)
        let model: GPT
        do { model = try GPT(config: info.config) } catch {
            throw .invalidMetadata(key: "config", reason: error.description)
        }
        try copyParameters(into: model, data: data, header: header)
        return LoadedCheckpoint(model: model, tokenizer: info.tokenizer, metadata: info.metadata)
    }

    /// Reads a checkpoint into an existing model, refusing a different config.
    /// - Returns: the checkpoint's provenance.
    /// - Throws: `CheckpointError` (`.configMismatch` when the shapes differ).
    @discardableResult
    public static func load(into model: GPT, from url: URL) throws(CheckpointError) -> CheckpointMetadata {
        let (data, header) = try readFile(url)
        let info = try inspect(header)
        guard info.config == model.config else { throw .configMismatch(expected: model.config, found: info.config) }
        try copyParameters(into: model, data: data, header: header)
        return info.metadata
    }

    /// Validates everything but the tensor values from a header alone
    /// (format, metadata, config, tokenizer, tensor names, dtypes and shapes),
    /// so an upload can be checked without loading it (see `SafetensorsHeader.read`).
    /// - Returns: the config, tokenizer and provenance.
    public static func inspect(
        _ header: SafetensorsHeader
    ) throws(CheckpointError) -> (config: GPTConfig, tokenizer: ByteTokenizer, metadata: CheckpointMetadata) {
        let m = header.metadata
        guard m["format"] == format else { throw .wrongFormat(found: m["format"]) }
        for key in ["config", "tokenizer", "algorithm", "task", "step", "seed"] where m[key] == nil {
            throw .missingMetadata(key)
        }
        let config: GPTConfig
        do {
            config = try JSONDecoder().decode(GPTConfig.self, from: Data((m["config"] ?? "").utf8))
        } catch {
            throw .invalidMetadata(key: "config", reason: String(describing: error))
        }
        let tokenizer: ByteTokenizer
        do { tokenizer = try ByteTokenizer(jsonDescription: m["tokenizer"] ?? "") } catch {
            throw .invalidMetadata(key: "tokenizer", reason: error.description)
        }
        guard tokenizer.vocabSize == config.vocabSize else {
            throw .invalidMetadata(
                key: "tokenizer", reason: "vocab_size \(tokenizer.vocabSize) differs from the config's \(config.vocabSize)")
        }
        guard let step = Int(m["step"] ?? ""), step >= 0 else {
            throw .invalidMetadata(key: "step", reason: "\"\(m["step"] ?? "")\" is not a non-negative integer")
        }
        guard let seed = UInt64(m["seed"] ?? "") else {
            throw .invalidMetadata(key: "seed", reason: "\"\(m["seed"] ?? "")\" is not an unsigned integer")
        }
        try checkSize(of: config, against: header)
        let layout = ParameterLayout(config: config)
        for spec in layout.specs {
            guard let tensor = header.tensor(named: spec.name) else { throw .missingTensor(spec.name) }
            guard tensor.dtype == .f32 else { throw .wrongDType(tensor: spec.name, found: tensor.dtype) }
            guard tensor.shape == spec.shape else {
                throw .wrongShape(tensor: spec.name, expected: spec.shape, found: tensor.shape)
            }
        }
        if let extra = header.tensors.first(where: { layout.spec(named: $0.name) == nil }) {
            throw .unexpectedTensor(extra.name)
        }
        let metadata = CheckpointMetadata(
            algorithm: m["algorithm"] ?? "", task: m["task"] ?? "", step: step, seed: seed)
        return (config, tokenizer, metadata)
    }

    /// Refuses a config whose tensors cannot be the file's before anything
    /// is sized by it: the layout of a 500-byte file that declares half a
    /// million layers would otherwise take gigabytes to build.
    static func checkSize(of config: GPTConfig, against header: SafetensorsHeader) throws(CheckpointError) {
        let tensors = 4 + 12 * config.layerCount
        guard tensors == header.tensors.count else {
            throw .invalidMetadata(
                key: "config", reason: "it implies \(tensors) tensors (n_layer \(config.layerCount)); the file has \(header.tensors.count)")
        }
        let c = config.modelDimension
        let floats = (config.vocabSize + config.contextLength) * c + config.layerCount * (12 * c * c + 13 * c) + 2 * c
        let stored = header.tensors.reduce(0) { $0 + $1.dataOffsets.count }
        guard floats * 4 == stored else {
            throw .invalidMetadata(
                key: "config", reason: "it implies \(floats * 4) bytes of f32 parameters; the file stores \(stored)")
        }
    }

    /// Compact JSON of a config with sorted keys.
    static func json(_ config: GPTConfig) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func readFile(_ url: URL) throws(CheckpointError) -> (Data, SafetensorsHeader) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw .io("cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            return (data, try SafetensorsHeader(parsing: data, fileSize: data.count))
        } catch {
            throw .safetensors(error)
        }
    }

    /// Copies every (already validated) tensor into the model's parameters.
    private static func copyParameters(into model: GPT, data: Data, header: SafetensorsHeader) throws(CheckpointError) {
        for spec in model.layout.specs {
            guard let tensor = header.tensor(named: spec.name) else { throw .missingTensor(spec.name) }
            let destination = model.parameters.pointer + spec.offset
            data.withUnsafeBytes { raw in
                let source = raw.baseAddress.map { $0 + header.dataStart + tensor.dataOffsets.lowerBound }
                if let source { UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: spec.count * 4) }
            }
            #if _endian(big)
            for i in 0..<spec.count { destination[i] = Float(bitPattern: UInt32(littleEndian: destination[i].bitPattern)) }
            #endif
            for i in 0..<spec.count where !destination[i].isFinite { throw .nonFiniteValues(tensor: spec.name) }
        }
    }
}

extension Error {
    /// Maps writer errors to `CheckpointError`.
    fileprivate var asCheckpointError: CheckpointError {
        if let error = self as? SafetensorsError {
            if case .io(let message) = error { return .io(message) }
            return .safetensors(error)
        }
        return .io(String(describing: self))
    }
}
