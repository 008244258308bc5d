/// Why a checkpoint's weights cannot be run: every case names the tensor or file.
public enum HFWeightError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A tensor the config implies is in no shard.
    case missingTensor(String)
    /// A tensor has another shape than the config implies.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A tensor is stored in a type the engine does not read (it reads BF16, F16, F32).
    case unsupportedDType(name: String, dtype: String)
    /// The index names a shard that is not there, or a tensor its shard lacks.
    case invalidIndex(String)
    /// A shard's safetensors header is invalid.
    case invalidShard(file: String, reason: String)
    /// A file could not be opened or mapped.
    case io(String)

    public var description: String {
        switch self {
        case .missingTensor(let name): "tensor \"\(name)\" is missing"
        case .shapeMismatch(let name, let expected, let found):
            "tensor \"\(name)\" has shape \(found), the config implies \(expected)"
        case .unsupportedDType(let name, let dtype): "tensor \"\(name)\" is \(dtype); the engine reads BF16, F16 and F32"
        case .invalidIndex(let reason): "model.safetensors.index.json: \(reason)"
        case .invalidShard(let file, let reason): "\(file): \(reason)"
        case .io(let message): message
        }
    }
}
