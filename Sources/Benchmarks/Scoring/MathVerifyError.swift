/// Why the math-verify worker could not answer.
public enum MathVerifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No executable at the configured Python path.
    case pythonNotFound(path: String)
    /// The worker script is not in the Benchmarks bundle.
    case scriptMissing
    /// The process could not be started.
    case launchFailed(python: String, reason: String)
    /// Python started but `math_verify` cannot be imported; install it with
    /// `<venv>/bin/pip install math-verify`.
    case mathVerifyUnavailable(python: String, detail: String)
    /// The process exited before its handshake; `stderr` is its last output.
    case exitedDuringStartup(python: String, stderr: String)
    /// No handshake within the startup timeout.
    case startupTimedOut(python: String, seconds: Double)
    /// The process died twice in a row while answering one item.
    case crashed(stderr: String)

    public var description: String {
        switch self {
        case .pythonNotFound(let path):
            return "no Python executable at \(path) (create the venv: python3 -m venv .venv && .venv/bin/pip install math-verify)"
        case .scriptMissing:
            return "the math-verify worker script is missing from the Benchmarks bundle"
        case .launchFailed(let python, let reason):
            return "could not start \(python): \(reason)"
        case .mathVerifyUnavailable(let python, let detail):
            return "\(python) has no usable math_verify (\(detail)); install it with: \(python) -m pip install math-verify"
        case .exitedDuringStartup(let python, let stderr):
            return "the math-verify worker (\(python)) exited during startup: \(stderr)"
        case .startupTimedOut(let python, let seconds):
            return "the math-verify worker (\(python)) did not start within \(seconds) s"
        case .crashed(let stderr):
            return "the math-verify worker crashed twice on one item: \(stderr)"
        }
    }
}
