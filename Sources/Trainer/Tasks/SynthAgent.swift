import Benchmarks

/// How built-in models meet the agent loop on the synthetic suites: the
/// `.plain` template with no system prompt (a byte-level model's context
/// holds a question and its trajectory, not the 600-byte `code_search`
/// prompt), search over the suite's knowledge base with 2 hits per query,
/// and the python tool. Expert trajectories, SFT, evaluation and rollouts
/// all use this one setup, so the model is trained on exactly the text it
/// will see.
public enum SynthAgent {
    /// The prompt framing of built-in models.
    public static let template: PromptTemplate = .plain
    /// The system prompt of built-in models (none).
    public static let systemPrompt = ""
    /// Search hits per query.
    public static let searchTopK = 2

    /// The rendered prompt for a question (what precedes the trajectory).
    public static func prompt(question: String) -> String {
        template.render(system: systemPrompt, question: question)
    }
}

extension SynthSuite {
    /// The tools of this suite: search over the knowledge base for synth-hop
    /// (`SynthAgent.searchTopK` hits), and `python` when given.
    /// - Parameter python: the python runner (e.g. `BubblewrapPython()`), or nil.
    public func toolBox(python: (any PythonRunner)?) -> ToolBox {
        ToolBox(search: task.usesSearch ? searchIndex : nil, python: python, topK: SynthAgent.searchTopK)
    }

    /// An agent loop for `model` on this suite with the built-in setup.
    /// - Parameters:
    ///   - model: the completion model (e.g. a `BuiltinModel`).
    ///   - python: the python runner, or nil.
    ///   - sampling: sampling parameters (`max_tokens` is per call).
    ///   - limits: per-sample limits; by default a turn that hits the token
    ///     limit ends the sample (no continuation), as rollouts were trained.
    public func agentLoop(
        model: any CompletionModel, python: (any PythonRunner)?,
        sampling: SamplingParameters = SamplingParameters(), limits: AgentLimits = AgentLimits(maxContinuations: 0)
    ) -> AgentLoop {
        AgentLoop(
            model: model, tools: toolBox(python: python), limits: limits, sampling: sampling,
            template: SynthAgent.template)
    }
}

extension AgentLoop {
    /// Runs one sample of a synthetic item with the built-in setup's prompt
    /// (`SynthAgent.systemPrompt`).
    /// - Parameters:
    ///   - item: the item.
    ///   - seed: the sample's seed.
    public func runSynth(item: DatasetItem, seed: UInt64) async throws(AgentError) -> AgentRun {
        try await run(question: item.question, system: SynthAgent.systemPrompt, seed: seed)
    }
}
