import Benchmarks

/// How an evaluation of a checkpoint runs: who serves the model, with what
/// agent setup and prompt framing by default.
package struct EvaluationTarget: Sendable, Equatable {
    /// The system prompt policy and search defaults.
    package var setup: AgentSetup
    /// Samples in flight unless the request says.
    package var concurrency: Int
    /// The framing unless the request names one.
    package var defaultTemplate: PromptTemplate
    /// The engine that runs an uploaded model (`builtin`, or an engine
    /// profile's name); nil for aepo-gpt files (always the built-in engine)
    /// and endpoints (served elsewhere).
    package var engine: String?

    /// Whether the model is behind an OpenAI-compatible server that can
    /// apply its own template (`prompt_template` `server`): an endpoint or
    /// an engine profile's replicas.
    package var servesChat: Bool { setup == .codeSearch && engine != "builtin" }
}

extension CheckpointView {
    /// The most samples in flight an endpoint's evaluation defaults to.
    package static let maxDefaultConcurrency = 4096

    /// How an evaluation of this checkpoint runs, or an invalid-input error
    /// saying why it cannot be evaluated.
    /// - Parameter engine: the engine profile an `hf` checkpoint runs on
    ///   (its replicas serve any architecture they know); nil or `builtin`:
    ///   the built-in engine.
    package func evaluability(engine profile: String? = nil) throws -> EvaluationTarget {
        if let profile, profile != "builtin" {
            guard kind == .hf else {
                throw CoreError.invalid(
                    "invalid_evaluation",
                    "\"engine\" applies to Hugging Face directories; checkpoint \(id) is \(endpoint == nil ? "a file" : "an endpoint")")
            }
            return EvaluationTarget(setup: .codeSearch, concurrency: 16, defaultTemplate: .model, engine: profile)
        }
        if let endpoint {
            // The model's own template when the endpoint was registered with
            // it; else the server applies it (`/chat/completions`).
            let framing: PromptTemplate = endpoint.chatTemplateSHA256 == nil ? .server : .model
            // Every replica busy, up to the most sample tasks one evaluation runs.
            return EvaluationTarget(
                setup: .codeSearch, concurrency: min(Self.maxDefaultConcurrency, endpoint.totalConcurrency),
                defaultTemplate: framing, engine: nil)
        }
        // A built-in checkpoint is served by the built-in engine, which batches
        // up to 16 sequences, with the setup it was trained with.
        if kind == .file, metadata["format"] == "aepo-gpt" {
            return EvaluationTarget(setup: .builtin, concurrency: 16, defaultTemplate: .plain, engine: nil)
        }
        if kind == .hf {
            guard runnableBy?.contains("builtin") == true else {
                throw CoreError.invalid(
                    "not_evaluable",
                    "checkpoint \(id) is a Hugging Face directory (\(architecture ?? modelType ?? "unknown architecture")) "
                        + "that no engine of this server runs\(message.map { ": \($0)" } ?? ""); serve it elsewhere and "
                        + "register the endpoint (POST /api/v1/checkpoints {\"name\",\"endpoint\":{\"url\",\"model\"}})")
            }
            return EvaluationTarget(setup: .codeSearch, concurrency: 16, defaultTemplate: .model, engine: "builtin")
        }
        throw CoreError.invalid(
            "not_evaluable",
            "checkpoint \(id) is a \(format ?? "file") file that is not a built-in (aepo-gpt) "
                + "checkpoint; evaluations need one of those, a Hugging Face directory, or a model endpoint "
                + "(register one with POST /api/v1/checkpoints {\"name\",\"endpoint\":{\"url\",\"model\"}})")
    }
}
