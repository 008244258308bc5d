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
    public var template: any PromptFraming
    /// Where step-by-step progress is logged (debug level).
    public var logger: Logger
    /// The model's context length in tokens, when known (`GET /v1/models`
    /// `max_model_len`, or the checkpoint's config): each call's
    /// `max_tokens` is clamped to what the prompt leaves, and a sample
    /// whose prompt fills the context ends with `.length`.
    public var contextLength: Int?

    /// Creates a loop.
    /// - Parameters:
    ///   - model: the completion model.
    ///   - tools: the tools; `ToolBox()` has none.
    ///   - limits: per-sample limits.
    ///   - sampling: sampling parameters.
    ///   - template: the prompt framing (a named template or the model's chat template).
    ///   - logger: the logger for progress.
    ///   - contextLength: the model's context length in tokens, when known.
    public init(
        model: any CompletionModel, tools: ToolBox = ToolBox(), limits: AgentLimits = AgentLimits(),
        sampling: SamplingParameters = SamplingParameters(), template: any PromptFraming = PromptTemplate.chatml,
        logger: Logger = Logger(label: "aepo.agent"), contextLength: Int? = nil
    ) {
        self.model = model
        self.tools = tools
        self.limits = limits
        self.sampling = sampling
        self.template = template
        self.logger = logger
        self.contextLength = contextLength
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
    /// - Throws: `AgentError.modelFailed` when a model call fails (a
    ///   context-length 400 that leaves room is retried once with the
    ///   `max_tokens` the server's numbers allow), `.promptFailed` when the
    ///   framing cannot render the prompt, `.cancelled` when the calling
    ///   task is cancelled.
    public func run(question: String, system: String, seed: UInt64) async throws(AgentError) -> AgentRun {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + limits.sampleTimeout
        var path = AgentPath()
        var loop = self
        while true {
            if Task.isCancelled { throw .cancelled }
            guard !path.isFinished,
                var request = try loop.nextCall(&path, question: question, system: system, seed: seed, deadline: deadline)
            else {
                return path.run(latency: start.duration(to: clock.now))
            }
            var completion: Completion?
            var retried = false
            while completion == nil, !path.isFinished {
                do {
                    let model = self.model
                    let sent = request
                    switch try await withDeadline(deadline, operation: { try await model.complete(sent) }) {
                    case .expired: path.finishReason = .timeout
                    case .finished(let value): completion = value
                    }
                } catch {
                    if Task.isCancelled { throw .cancelled }
                    // The server said how long the prompt is: ask for what is left, once.
                    if !retried, let overflow = ContextOverflow.from(error), let room = overflow.room, room >= 1 {
                        loop.contextLength = overflow.maxContext
                        request.sampling.maxTokens = min(request.sampling.maxTokens, room)
                        retried = true
                        continue
                    }
                    throw .modelFailed(error: error, modelCalls: path.modelCalls, trajectory: path.trajectory)
                }
            }
            guard let completion else { continue }
            try await loop.advance(&path, with: completion, deadline: deadline)
        }
    }

    /// Starts the next model call of `path`: the request to send (the call
    /// is counted as made), or nil when the sample's deadline has passed (it
    /// is then finished with `.timeout`), it has used up its model calls
    /// (`.callLimit`) or its prompt leaves no room in the context (`.length`).
    /// - Parameters:
    ///   - path: the sample so far.
    ///   - question: the user's question.
    ///   - system: the system prompt.
    ///   - seed: the sample's seed (call `k` uses `seed &+ k`).
    ///   - deadline: when the sample's wall-clock budget ends.
    /// - Throws: `AgentError.promptFailed` when the framing cannot render
    ///   the prompt (checked on the first call; the text is kept).
    public func nextCall(
        _ path: inout AgentPath, question: String, system: String, seed: UInt64, deadline: ContinuousClock.Instant
    ) throws(AgentError) -> CompletionRequest? {
        guard ContinuousClock.now < deadline else {
            path.finishReason = .timeout
            return nil
        }
        guard path.modelCalls < limits.maxModelCalls else {
            path.finishReason = .callLimit
            return nil
        }
        var callSampling = sampling
        callSampling.maxTokens = min(sampling.maxTokens, limits.maxTokensPerCall)
        let head: String
        if let framed = path.state.head {
            head = framed
        } else {
            do { head = try template.frame(system: system, question: question) } catch { throw .promptFailed(error) }
            path.state.head = head
        }
        let prompt = head + path.trajectory
        if let contextLength {
            let room = contextLength - path.state.estimatedPromptTokens(promptBytes: prompt.utf8.count)
            guard room >= 1 else {
                path.finishReason = .length
                return nil
            }
            callSampling.maxTokens = min(callSampling.maxTokens, room)
        }
        let request = CompletionRequest(
            prompt: prompt,
            stop: AgentTag.stopStrings, sampling: callSampling, seed: seed &+ UInt64(path.modelCalls),
            turns: .init(system: system, user: question, assistant: path.trajectory),
            addSpecialTokens: template.addsSpecialTokens)
        path.state.modelCalls += 1
        path.state.question = question
        return request
    }

    /// Applies the model's answer to `path`: restores the closing tag, and
    /// for a tool call runs the tool and appends its `<result>` block; or
    /// finishes the path (answer, end of text, length, call limit, deadline).
    /// - Parameters:
    ///   - path: the sample; its last call was started with `nextCall`.
    ///   - completion: what the model returned for that call.
    ///   - deadline: when the sample's wall-clock budget ends.
    /// - Throws: `AgentError.cancelled` when the task is cancelled while a tool runs.
    public func advance(
        _ path: inout AgentPath, with completion: Completion, deadline: ContinuousClock.Instant
    ) async throws(AgentError) {
        path.state.add(usage: completion.usage)
        let (text, tag) = AgentTag.restore(completion)
        path.append(text, source: .model, statistics: completion.statistics)
        path.state.measure(usage: completion.usage)
        logger.debug(
            "model call",
            metadata: [
                "agent.call": "\(path.modelCalls)", "agent.finish": "\(completion.finishReason)",
                "agent.tag": "\(tag?.rawValue ?? "none")",
            ])
        if tag != nil { path.state.continuations = 0 }
        switch tag {
        case nil:
            if completion.finishReason == .length {
                // Cut by the token limit mid-turn: the next call continues the text, a few times.
                // A cut that wrote nothing means the context is full: another call cannot do better.
                if !completion.text.isEmpty, path.state.continuations < limits.maxContinuations,
                    path.modelCalls < limits.maxModelCalls
                {
                    path.state.continuations += 1
                    return
                }
                path.finishReason = .length
            } else {
                path.finishReason = AnswerExtraction.finalAnswer(from: path.trajectory) != nil ? .answered : .noAnswer
            }
        case .answer?:
            path.finishReason = .answered
        case let call?:
            if path.modelCalls >= limits.maxModelCalls {
                // No call is left to read a result: count the call, do not run it.
                if call == .search { path.state.searchCalls += 1 } else { path.state.pythonCalls += 1 }
                path.finishReason = .callLimit
                return
            }
            guard let result = try await toolResult(
                for: call, content: call.content(in: text), state: &path.state, deadline: deadline)
            else {
                path.finishReason = .timeout
                return
            }
            path.append("\n<result>\n\(result)\n</result>\n", source: .tool)
        }
    }
}
