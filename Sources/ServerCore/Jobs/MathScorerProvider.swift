import Benchmarks
import Foundation
import Logging

/// The math scorer with one long-lived math-verify worker. Evaluations never
/// wait for the worker: it starts in the background at server start (or on
/// the first answer the Swift rules cannot decide); if it cannot start, the
/// rules decide alone and the log says so once.
package actor MathScorerProvider {
    private let worker: MathVerifyWorker?
    private let logger: Logger
    private var unavailable = false

    package init(python: URL?, logger: Logger) {
        self.worker = python.map { MathVerifyWorker(configuration: .init(python: $0)) }
        self.logger = logger
    }

    /// The scorer to use now.
    package func scorer() -> MathScorer {
        guard let worker, !unavailable else { return MathScorer() }
        return MathScorer(worker: worker)
    }

    /// Starts the worker ahead of need.
    package func prewarm() async {
        guard let worker else { return }
        do {
            try await worker.start()
        } catch {
            markUnavailable(error)
        }
    }

    /// Called when the worker failed: from now on the rules decide alone.
    package func markUnavailable(_ error: any Error) {
        guard !unavailable else { return }
        unavailable = true
        logger.warning("math-verify unavailable; math answers are judged by the Swift rules only", metadata: ["error": "\(error)"])
    }
}
