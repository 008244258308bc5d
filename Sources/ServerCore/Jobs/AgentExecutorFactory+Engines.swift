import Benchmarks
import Foundation

extension AgentExecutorFactory {
    /// The model of an `hf` checkpoint evaluated on engine profile `name`:
    /// its replicas started (or the running ones reused) and healthy, and
    /// the context length the first one reports.
    /// - Throws: `EngineStartError` with the replica's log tail when one
    ///   cannot start; `CoreError` when the profile is gone or the GPUs do not suffice.
    func engineModel(
        _ name: String, checkpoint: CheckpointView, job: EvaluationJob
    ) async throws -> (model: any CompletionModel, contextLength: Int?) {
        guard let engines else {
            throw CoreError.misconfigured("no_engines", "this server runs no engine profiles")
        }
        guard let stored = try await engines.profiles.profile(named: name) else {
            throw CoreError.invalid("unknown_engine", "no engine profile named \"\(name)\" (it was deleted after the evaluation was queued)")
        }
        let directory = config.checkpointsDirectory.appendingPathComponent(checkpoint.digest ?? "", isDirectory: true)
        let key = try await engines.prepare(stored.profile, checkpoint: checkpoint.id, directory: directory)
        let contextLength: Int?
        if let first = await engines.endpoints(key).first {
            contextLength = await ModelContext.fetch(first)
        } else {
            contextLength = nil
        }
        let logger = self.logger
        let chat = job.config.promptTemplate == .server
        let kwargs = job.config.chatTemplateKwargs
        let model = EngineReplicaSetModel(manager: engines, key: key, logger: logger) { endpoint, limiter -> any CompletionModel in
            if chat { return OpenAIChatClient(endpoint: endpoint, limiter: limiter, logger: logger, chatTemplateKwargs: kwargs) }
            return OpenAICompletionsClient(endpoint: endpoint, limiter: limiter, logger: logger)
        }
        logger.info(
            "engine ready",
            metadata: ["eval.id": "\(job.id)", "engine.profile": "\(name)",
                       "model.context_length": "\(contextLength.map(String.init) ?? "unknown")"])
        return (model, contextLength)
    }
}
