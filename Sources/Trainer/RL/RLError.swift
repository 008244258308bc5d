/// Why an RL run could not start or continue.
public enum RLError: Error, Sendable, CustomStringConvertible {
    /// An invalid configuration.
    case config(ConfigError)
    /// The model refused a batch or a generation (not expected after validation).
    case model(String)
    /// The loss or the gradient norm became NaN or infinite.
    case diverged(step: Int, key: String)

    public var description: String {
        switch self {
        case .config(let error): error.description
        case .model(let message): "model error: \(message)"
        case .diverged(let step, let key): "training diverged at RL step \(step): \(key) is not finite"
        }
    }
}
