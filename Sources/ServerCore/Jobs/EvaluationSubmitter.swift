import Foundation
/// Queues an evaluation (or finds the existing one): used by
/// `POST /api/v1/evaluations` and by training jobs that evaluate their result.
package struct EvaluationSubmitter: Sendable {
    package let evaluations: EvaluationStore
    package let checkpoints: CheckpointStore
    package let datasets: DatasetStore
    package let scheduler: EvaluationScheduler
    /// The stored prompts a request may name.
    package let prompts: PromptStore
    /// Where `hf` checkpoints are stored (their chat template and generation defaults are read there).
    package let checkpointsDirectory: URL
    /// The engine profiles an `hf` checkpoint may name (`"engine"`); nil: none.
    package let engines: EngineManager?

    package init(
        evaluations: EvaluationStore, checkpoints: CheckpointStore, datasets: DatasetStore, scheduler: EvaluationScheduler,
        prompts: PromptStore, checkpointsDirectory: URL, engines: EngineManager? = nil
    ) {
        self.engines = engines
        self.checkpointsDirectory = checkpointsDirectory
        self.evaluations = evaluations
        self.checkpoints = checkpoints
        self.datasets = datasets
        self.scheduler = scheduler
        self.prompts = prompts
    }

    /// Returns the evaluation's id and whether it was (re)queued.
    package func submit(_ body: EvaluationRequest) async throws -> (id: Int64, queued: Bool) {
        let checkpoint = try await resolve(body.checkpoint)
        var target = try checkpoint.evaluability(engine: body.engine)
        if let name = body.engine, name != "builtin" {
            let profile = try await engineProfile(named: name)
            target.concurrency = profile.maxConcurrency * profile.replicas
        }
        let profile = try await CheckpointProfile.load(checkpoint, store: checkpoints, directory: checkpointsDirectory)
        let active = try await datasets.activeVersions()
        var names: [String] = []
        if case .named(let name)? = body.prompt { names.append(name) }
        if let preset = body.preset.flatMap(ProtocolPreset.init(rawValue:)) { names.append(preset.promptName) }
        var prompts: [String: PromptSettings] = [:]
        for name in names {
            if let stored = try await self.prompts.prompt(named: name) { prompts[name] = stored.settings }
        }
        let config = try body.normalised(
            activeDatasets: active, setup: target.setup, prompts: prompts, target: target, profile: profile)
        var itemCounts: [String: Int] = [:]
        for name in config.benchmarks {
            let items = active[name]?.items ?? 0
            itemCounts[name] = config.itemCap(name).map { min($0, items) } ?? items
        }
        let outcome = try await evaluations.findOrCreate(
            checkpointID: checkpoint.id, config: config, concurrency: body.concurrency ?? target.concurrency,
            itemCounts: itemCounts)
        let queued = outcome.created || outcome.requeued
        if queued { await scheduler.start(outcome.id) }
        return (outcome.id, queued)
    }

    /// The profile an evaluation names, refused (400) when it does not
    /// exist or can never run here (not enough GPUs in the server's pool).
    package func engineProfile(named name: String) async throws -> EngineProfile {
        guard let engines, let stored = try await engines.profiles.profile(named: name) else {
            throw CoreError.invalid(
                "unknown_engine", "no engine profile named \"\(name)\"; GET /api/v1/engines lists them (\"builtin\" is the default)")
        }
        if let refusal = await engines.refusal(for: stored.profile) { throw CoreError.invalid("insufficient_gpus", refusal) }
        return stored.profile
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
