import Logging

/// The agent protocol (BENCHMARKS.md): completion-mode generation that stops
/// at `</search>`, `</python>` or `</answer>`, runs the tool, appends its
/// output as `<result>…</result>` and continues until an answer, a length
/// finish, the model-call limit or the sample's wall-clock budget.
///
/// The same loop serves evaluation and training rollouts.
public struct AgentLoop: Sendable {
    /// The model that continues the text.
    public var model: any CompletionModel
    /// The search and python tools (either may be missing).
    public var tools: ToolBox
    /// Per-sample limits.
    public var limits: AgentLimits
    /// Sampling parameters; `maxTokens` is capped by `limits.maxTokensPerCall`.
    public var sampling: SamplingParameters
    /// How the system prompt and question are framed.
    public var template: PromptTemplate
    /// Where step-by-step progress is logged (debug level).
    public var logger: Logger

    /// Creates a loop.
    /// - Parameters:
    ///   - model: the completion model.
    ///   - tools: the tools; `ToolBox()` has none.
    ///   - limits: per-sample limits.
    ///   - sampling: sampling parameters.
    ///   - template: the prompt framing (`.chatml` for remote models).
    ///   - logger: the logger for progress.
    public init(
        model: any CompletionModel, tools: ToolBox = ToolBox(), limits: AgentLimits = AgentLimits(),
        sampling: SamplingParameters = SamplingParameters(), template: PromptTemplate = .chatml,
        logger: Logger = Logger(label: "aepo.agent")
    ) {
        self.model = model
        self.tools = tools
        self.limits = limits
        self.sampling = sampling
        self.template = template
        self.logger = logger
    }

    /// Runs one sample of a benchmark item, with the system prompt in the
    /// benchmark's language.
    /// - Parameters:
    ///   - item: the item (its question is asked).
    ///   - spec: the benchmark (its language picks the prompt).
    ///   - seed: the sample's seed.
    public func run(item: DatasetItem, spec: BenchmarkSpec, seed: UInt64) async throws(AgentError) -> AgentRun {
        try await run(question: item.question, system: SystemPrompt.codeSearch(for: spec), seed: seed)
    }

    /// Runs one sample.
    /// - Parameters:
    ///   - question: the user's question.
    ///   - system: the system prompt (e.g. `SystemPrompt.english`).
    ///   - seed: the sample's seed; model call `k` (from 0) uses `seed &+ k`,
    ///     so a redone sample sends the same requests.
    /// - Returns: the trajectory, prediction, counts and finish reason.
    /// - Throws: `AgentError.modelFailed` when a model call fails,
    ///   `.cancelled` when the calling task is cancelled.
    public func run(question: String, system: String, seed: UInt64) async throws(AgentError) -> AgentRun {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + limits.sampleTimeout
        let prefix = template.render(system: system, question: question)
        var state = AgentLoopState()
        var callSampling = sampling
        callSampling.maxTokens = min(sampling.maxTokens, limits.maxTokensPerCall)
        while true {
            if Task.isCancelled { throw .cancelled }
            if clock.now >= deadline { return state.finish(.timeout, since: start) }
            if state.modelCalls >= limits.maxModelCalls { return state.finish(.callLimit, since: start) }
            let request = CompletionRequest(
                prompt: prefix + state.trajectory, stop: AgentTag.stopStrings, sampling: callSampling,
                seed: seed &+ UInt64(state.modelCalls),
                turns: .init(system: system, user: question, assistant: state.trajectory))
            state.modelCalls += 1
            let completion: Completion
            do {
                let model = self.model
                switch try await withDeadline(deadline, operation: { try await model.complete(request) }) {
                case .expired: return state.finish(.timeout, since: start)
                case .finished(let value): completion = value
                }
            } catch {
                if Task.isCancelled { throw .cancelled }
                throw .modelFailed(error: error, modelCalls: state.modelCalls, trajectory: state.trajectory)
            }
            state.add(usage: completion.usage)
            let (text, tag) = AgentTag.restore(completion)
            state.trajectory += text
            logger.debug(
                "model call",
                metadata: [
                    "agent.call": "\(state.modelCalls)", "agent.finish": "\(completion.finishReason)",
                    "agent.tag": "\(tag?.rawValue ?? "none")",
                ])
            switch tag {
            case nil:
                if completion.finishReason == .length { return state.finish(.length, since: start) }
                let answered = AnswerExtraction.finalAnswer(from: state.trajectory) != nil
                return state.finish(answered ? .answered : .noAnswer, since: start)
            case .answer?:
                return state.finish(.answered, since: start)
            case let call?:
                if state.modelCalls >= limits.maxModelCalls {
                    // No call is left to read a result: count the call, do not run it.
                    if call == .search { state.searchCalls += 1 } else { state.pythonCalls += 1 }
                    return state.finish(.callLimit, since: start)
                }
                let content = call.content(in: text)
                guard let result = try await toolResult(for: call, content: content, state: &state, deadline: deadline)
                else { return state.finish(.timeout, since: start) }
                state.trajectory += "\n<result>\n\(result)\n</result>\n"
            }
        }
    }
}
