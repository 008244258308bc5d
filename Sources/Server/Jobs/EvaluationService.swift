import Logging
import ServiceLifecycle

/// The evaluation worker pool as a lifecycle service: on start it resumes
/// every pending or running evaluation; on graceful shutdown it cancels the
/// running ones, which stay `running` in the database and resume next start.
struct EvaluationService: Service {
    let store: EvaluationStore
    let scheduler: EvaluationScheduler
    let prewarm: @Sendable () async -> Void
    let logger: Logger

    func run() async throws {
        let unfinished = try store.unfinished()
        if !unfinished.isEmpty {
            logger.info("resuming evaluations", metadata: ["eval.ids": "\(unfinished)"])
        }
        for id in unfinished {
            _ = try store.setStatus(id, .pending)
            await scheduler.start(id)
        }
        // Start the math-verify worker alongside, not before: evaluations never wait for it.
        async let warmed: Void = prewarm()
        try? await gracefulShutdown()
        await warmed
        await scheduler.shutdown()
    }
}
