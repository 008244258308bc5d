/// math-equal as a whole: the Swift rules first, then math-verify for what
/// they leave undecided.
public struct MathScorer: Sendable {
    /// Which path decided.
    public enum Method: String, Sendable, Hashable, Codable {
        /// `MathEqual`'s rules.
        case rules
        /// The math-verify worker.
        case mathVerify = "math-verify"
        /// Nobody could decide (no worker, or the worker timed out); counted
        /// as not equal.
        case undecided
    }

    /// The outcome of one comparison.
    public struct Decision: Sendable, Hashable {
        /// Whether the prediction counts as equal to the gold.
        public let equal: Bool
        /// Which path decided.
        public let method: Method

        /// Creates a decision.
        public init(equal: Bool, method: Method) {
            self.equal = equal
            self.method = method
        }
    }

    /// The math-verify worker; `nil` scores with the rules alone.
    public let worker: MathVerifyWorker?

    /// Creates a scorer.
    /// - Parameter worker: the worker for undecided cases, or `nil`.
    public init(worker: MathVerifyWorker? = nil) {
        self.worker = worker
    }

    /// Compares one gold answer with a prediction.
    /// - Returns: the decision; undecided counts as not equal.
    /// - Throws: `MathVerifyError` when the worker is configured but cannot
    ///   run (a setup problem, not a wrong answer).
    public func compare(gold: String, prediction: String) async throws(MathVerifyError) -> Decision {
        switch MathEqual.compare(gold: gold, prediction: prediction) {
        case .equal:
            return Decision(equal: true, method: .rules)
        case .notEqual:
            return Decision(equal: false, method: .rules)
        case .undecided:
            guard let worker else { return Decision(equal: false, method: .undecided) }
            switch try await worker.verify(gold: gold, prediction: prediction) {
            case .equal: return Decision(equal: true, method: .mathVerify)
            case .notEqual: return Decision(equal: false, method: .mathVerify)
            case .undecided: return Decision(equal: false, method: .undecided)
            }
        }
    }

    /// Compares a prediction with several gold aliases: equal when any is.
    /// - Returns: the first equal decision, else the last one.
    public func compare(golds: [String], prediction: String) async throws(MathVerifyError) -> Decision {
        var last = Decision(equal: false, method: .undecided)
        for gold in golds {
            last = try await compare(gold: gold, prediction: prediction)
            if last.equal { return last }
        }
        return last
    }
}
