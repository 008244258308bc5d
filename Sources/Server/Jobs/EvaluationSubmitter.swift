/// Queues an evaluation (or finds the existing one): used by
/// `POST /api/v1/evaluations` and by training jobs that evaluate their result.
struct EvaluationSubmitter: Sendable {
    let evaluations: EvaluationStore
    let checkpoints: CheckpointStore
    let datasets: DatasetStore
    let scheduler: EvaluationScheduler

    /// Returns the evaluation's id and whether it was (re)queued.
    func submit(_ body: EvaluationRequest) async throws -> (id: Int64, queued: Bool) {
        let checkpoint = try resolve(body.checkpoint)
        let (setup, defaultConcurrency) = try EvaluationController.evaluability(of: checkpoint)
        let active = try datasets.activeVersions()
        let config = try body.normalised(activeDatasets: active, setup: setup)
        var itemCounts: [String: Int] = [:]
        for name in config.benchmarks {
            let items = active[name]?.items ?? 0
            itemCounts[name] = config.limit.map { min($0, items) } ?? items
        }
        let outcome = try evaluations.findOrCreate(
            checkpointID: checkpoint.id, config: config, concurrency: body.concurrency ?? defaultConcurrency,
            itemCounts: itemCounts)
        let queued = outcome.created || outcome.requeued
        if queued { await scheduler.start(outcome.id) }
        return (outcome.id, queued)
    }

    func resolve(_ reference: EvaluationRequest.CheckpointReference) throws -> CheckpointView {
        switch reference {
        case .id(let id):
            return try checkpoints.checkpoint(id: id)
        case .name(let name):
            guard let id = try checkpoints.checkpointID(named: name) else {
                throw APIError.notFound("no checkpoint named \"\(name)\"")
            }
            return try checkpoints.checkpoint(id: id)
        }
    }
}
