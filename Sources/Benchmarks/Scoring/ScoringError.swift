/// Why a sample could not be scored (a setup or transport problem, never a
/// wrong answer).
public enum ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The math-verify worker could not run.
    case mathVerify(MathVerifyError)

    public var description: String {
        switch self {
        case .mathVerify(let error): return "math-verify: \(error)"
        }
    }
}
