/// When failed samples fail the whole evaluation (issue 13, failure policy).
///
/// A sample that fails for good is stored as an error and scored incorrect;
/// the evaluation goes on. It fails only when its error fraction passes
/// `maxErrorRate` (errors / planned samples, those stored by an earlier run
/// included) or when no sample of this run could reach the model at all
/// (an endpoint that is down would otherwise turn every sample into an error).
package struct SampleFailurePolicy: Sendable, Equatable {
    /// The largest error fraction that still finishes (default 0.2).
    package var maxErrorRate: Double
    /// Samples planned in all.
    package var total: Int
    /// Finished samples of this run after which, if none reached the model,
    /// the evaluation fails (default 8).
    package var unreachableAfter = 8

    package init(maxErrorRate: Double, total: Int, unreachableAfter: Int = 8) {
        self.maxErrorRate = maxErrorRate
        self.total = total
        self.unreachableAfter = unreachableAfter
    }

    /// The counts a decision is made from.
    package struct Tally: Sendable, Equatable {
        /// Errored samples stored, earlier runs included.
        package var errors = 0
        /// Samples finished by this run.
        package var finished = 0
        /// Samples of this run whose model calls got an answer.
        package var reached = 0
        /// Samples this run still had to do when it started.
        package var planned = 0
        /// The last error, for the message.
        package var lastError: String?

        package init(errors: Int = 0, finished: Int = 0, reached: Int = 0, planned: Int = 0, lastError: String? = nil) {
            self.errors = errors
            self.finished = finished
            self.reached = reached
            self.planned = planned
            self.lastError = lastError
        }
    }

    /// Why the evaluation must fail now, or nil while it may go on. Pure.
    package func failure(_ tally: Tally) -> String? {
        let overBudget = total > 0 && Double(tally.errors) > maxErrorRate * Double(total)
        if tally.finished > 0, tally.reached == 0, overBudget || tally.finished >= min(tally.planned, unreachableAfter) {
            return "no sample could reach the model (\(tally.finished) tried): \(tally.lastError ?? "unknown error")"
        }
        if overBudget {
            return "\(tally.errors) of \(total) samples failed, more than max_error_rate \(maxErrorRate)"
                + (tally.lastError.map { "; last: \($0)" } ?? "")
        }
        return nil
    }
}
