import Logging
import ServiceLifecycle

/// The evaluation worker pool as a lifecycle service: on start it resumes
/// every pending or running evaluation; on graceful shutdown it cancels the
/// running ones, which stay `running` in the database and resume next start.
package struct EvaluationService: Service {
    package let store: EvaluationStore
    package let scheduler: EvaluationScheduler
    package let prewarm: @Sendable () async -> Void
    package let logger: Logger

    package init(store: EvaluationStore, scheduler: EvaluationScheduler, prewarm: @escaping @Sendable () async -> Void, logger: Logger) {
        self.store = store
        self.scheduler = scheduler
        self.prewarm = prewarm
        self.logger = logger
    }

    package func run() async throws {
        let unfinished = try await store.unfinished()
        if !unfinished.isEmpty {
            logger.info("resuming evaluations", metadata: ["eval.ids": "\(unfinished)"])
        }
        for id in unfinished {
            _ = try await store.setStatus(id, .pending)
            await scheduler.start(id)
        }
        // Start the math-verify worker alongside, not before: evaluations never wait for it.
        async let warmed: Void = prewarm()
        try? await gracefulShutdown()
        await warmed
        await scheduler.shutdown()
    }
}
