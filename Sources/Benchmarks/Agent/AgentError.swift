/// Why an agent sample did not finish. A sample that ran out of calls,
/// tokens or time is not an error: it returns an `AgentRun` with that
/// finish reason.
public enum AgentError: Error, Sendable, CustomStringConvertible {
    /// The model call failed (after the client's own retries); `error` is
    /// the client's error (e.g. `HTTPCallError`), `modelCalls` counts the
    /// failed call, `trajectory` is what had been generated before it.
    case modelFailed(error: any Error, modelCalls: Int, trajectory: String)
    /// The prompt could not be framed (the chat template raised).
    case promptFailed(PromptFramingError)
    /// The calling task was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .modelFailed(let error, let calls, _):
            return "model call \(calls) failed: \(error)"
        case .promptFailed(let error):
            return "the prompt could not be framed: \(error.message)"
        case .cancelled:
            return "the sample was cancelled"
        }
    }
}
