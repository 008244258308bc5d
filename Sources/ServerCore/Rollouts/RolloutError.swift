/// Why `aepo rollout` could not run.
package enum RolloutError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The checkpoint cannot be loaded or rolled out.
    case checkpoint(path: String, reason: String)
    /// The data directory holds no server database.
    case dataDirectory(path: String, reason: String)
    /// The benchmark has no items to ask.
    case noQuestions(benchmark: String)
    /// The output file cannot be written.
    case output(path: String, reason: String)

    package var description: String {
        switch self {
        case .checkpoint(let path, let reason): "\(path): \(reason)"
        case .dataDirectory(let path, let reason): "data directory \(path): \(reason)"
        case .noQuestions(let benchmark): "\(benchmark) has no items"
        case .output(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
