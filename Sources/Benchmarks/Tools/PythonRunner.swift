/// Runs the code of a `<python>` call (BENCHMARKS.md: a sandbox with no
/// network, a private temp dir, CPU / memory / wall limits).
public protocol PythonRunner: Sendable {
    /// Runs one program.
    /// - Parameter code: the program text.
    /// - Returns: its captured output and how it ended (a failing program
    ///   is a result, not an error).
    /// - Throws: `PythonToolError` when the code cannot be run at all (e.g.
    ///   no sandbox) or the calling task was cancelled.
    func run(_ code: String) async throws -> PythonResult
}

/// Why a python call could not run.
public enum PythonToolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No sandbox can be made here; the code was not run.
    case unavailable(String)
    /// The sandbox process could not be started.
    case launchFailed(String)
    /// The program is larger than the runner accepts.
    case codeTooLarge(bytes: Int, limit: Int)
    /// The calling task was cancelled; the process was killed.
    case cancelled

    public var description: String {
        switch self {
        case .unavailable(let reason): return "python tool unavailable: \(reason)"
        case .launchFailed(let reason): return "python tool failed to start: \(reason)"
        case .codeTooLarge(let bytes, let limit):
            return "python tool: the code is \(bytes) bytes, more than the \(limit) allowed"
        case .cancelled: return "python tool: cancelled"
        }
    }
}
