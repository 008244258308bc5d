/// Why a checkpoint could not be written or was refused on load. The
/// description is a complete sentence suitable for an API error message.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(String)
    /// The file is not a valid safetensors file.
    case safetensors(SafetensorsError)
    /// `__metadata__.format` is missing or not `aepo-gpt`.
    case wrongFormat(found: String?)
    /// A required metadata key is absent.
    case missingMetadata(String)
    /// A metadata value that does not parse (bad config JSON, non-integer step, ...).
    case invalidMetadata(key: String, reason: String)
    /// The checkpoint's config differs from the model it is loaded into.
    case configMismatch(expected: GPTConfig, found: GPTConfig)
    /// A parameter of the model is not in the file.
    case missingTensor(String)
    /// The file has a tensor the model does not.
    case unexpectedTensor(String)
    /// A tensor is not F32.
    case wrongDType(tensor: String, found: SafetensorsDType)
    /// A tensor's shape differs from the one the config implies.
    case wrongShape(tensor: String, expected: [Int], found: [Int])
    /// A tensor holds NaN or infinity.
    case nonFiniteValues(tensor: String)

    public var description: String {
        switch self {
        case .io(let message): "checkpoint I/O error: \(message)"
        case .safetensors(let error): "checkpoint is not a valid safetensors file: \(error)"
        case .wrongFormat(let found):
            "checkpoint __metadata__.format is \(found.map { "\"\($0)\"" } ?? "missing"), expected \"aepo-gpt\""
        case .missingMetadata(let key): "checkpoint __metadata__ lacks \"\(key)\""
        case .invalidMetadata(let key, let reason): "checkpoint __metadata__.\(key) is invalid: \(reason)"
        case .configMismatch(let expected, let found):
            "checkpoint config \(Checkpoint.json(found)) does not match the model's \(Checkpoint.json(expected))"
        case .missingTensor(let name): "checkpoint lacks tensor \"\(name)\""
        case .unexpectedTensor(let name): "checkpoint has unexpected tensor \"\(name)\""
        case .wrongDType(let name, let found): "checkpoint tensor \"\(name)\" is \(found.rawValue), expected F32"
        case .wrongShape(let name, let expected, let found):
            "checkpoint tensor \"\(name)\" has shape \(found), the config implies \(expected)"
        case .nonFiniteValues(let name): "checkpoint tensor \"\(name)\" contains NaN or infinite values"
        }
    }
}

/// The training provenance stored with a checkpoint (all as strings in the file).
public struct CheckpointMetadata: Sendable, Equatable, Codable {
    /// Algorithm that produced it (`aepo`, `grpo`, ..., or `pretrain`).
    public var algorithm: String
    /// Task or dataset it was trained on.
    public var task: String
    /// Optimiser steps taken.
    public var step: Int
    /// Seed of the run.
    public var seed: UInt64

    /// Creates the metadata.
    public init(algorithm: String, task: String, step: Int, seed: UInt64) {
        self.algorithm = algorithm
        self.task = task
        self.step = step
        self.seed = seed
    }
}
