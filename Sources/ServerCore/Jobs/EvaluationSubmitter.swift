/// Queues an evaluation (or finds the existing one): used by
/// `POST /api/v1/evaluations` and by training jobs that evaluate their result.
package struct EvaluationSubmitter: Sendable {
    package let evaluations: EvaluationStore
    package let checkpoints: CheckpointStore
    package let datasets: DatasetStore
    package let scheduler: EvaluationScheduler

    package init(evaluations: EvaluationStore, checkpoints: CheckpointStore, datasets: DatasetStore, scheduler: EvaluationScheduler) {
        self.evaluations = evaluations
        self.checkpoints = checkpoints
        self.datasets = datasets
        self.scheduler = scheduler
    }

    /// Returns the evaluation's id and whether it was (re)queued.
    package func submit(_ body: EvaluationRequest) async throws -> (id: Int64, queued: Bool) {
        let checkpoint = try await resolve(body.checkpoint)
        let (setup, defaultConcurrency) = try checkpoint.evaluability()
        let active = try await datasets.activeVersions()
        let config = try body.normalised(activeDatasets: active, setup: setup)
        var itemCounts: [String: Int] = [:]
        for name in config.benchmarks {
            let items = active[name]?.items ?? 0
            itemCounts[name] = config.limit.map { min($0, items) } ?? items
        }
        let outcome = try await evaluations.findOrCreate(
            checkpointID: checkpoint.id, config: config, concurrency: body.concurrency ?? defaultConcurrency,
            itemCounts: itemCounts)
        let queued = outcome.created || outcome.requeued
        if queued { await scheduler.start(outcome.id) }
        return (outcome.id, queued)
    }

    package func resolve(_ reference: EvaluationRequest.CheckpointReference) async throws -> CheckpointView {
        switch reference {
        case .id(let id):
            return try await checkpoints.checkpoint(id: id)
        case .name(let name):
            guard let id = try await checkpoints.checkpointID(named: name) else {
                throw CoreError.notFound("no checkpoint named \"\(name)\"")
            }
            return try await checkpoints.checkpoint(id: id)
        }
    }
}
