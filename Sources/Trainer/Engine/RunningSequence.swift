/// One request being generated: its sampler, random stream, incremental
/// detokenizer, stop matcher and output so far. The served engine
/// (`BatchRunner`) and lockstep generation (`LockstepDecoder`) both turn a
/// slot's logits into the next token through `consume`, so a request
/// samples the same tokens whichever of them runs it.
struct RunningSequence {
    /// The request.
    let request: EngineRequest
    private var sampler: Sampler
    private var rng: Xoshiro256
    private var matcher: StopMatcher
    private var detokenizer: any TokenStreamDecoder
    /// Ids in the prompt or the output (for the repetition penalty).
    private var seen: Set<Int32>
    /// What was generated so far; complete once `consume` returned true.
    private(set) var output: EngineOutput
    /// Tokens to feed at the next step: the prompt, then the last sampled
    /// token; empty once the sequence has finished.
    private(set) var feed: [Int32]
    /// What of the text a streaming caller has been given.
    private var release = TextRelease()
    /// Scratch of the `logprobs` measure, when the request asks.
    private let logprobScratch: LogprobScratch?
    /// The `logprobs` report of the token `sample` chose, for `accept`.
    private var pendingLogprobs: TokenLogprobs?
    /// Reports a streaming caller has been given.
    private var reportedLogprobs = 0

    /// Starts `request` (validated by the caller).
    /// - Parameters:
    ///   - request: the request.
    ///   - vocabularySize: the model's logits per position.
    ///   - tokenizer: decodes the generated ids for stop strings and the text.
    init(request: EngineRequest, vocabularySize: Int, tokenizer: any EngineTokenizer) {
        self.request = request
        sampler = Sampler(
            vocabSize: vocabularySize, temperature: request.temperature, topK: request.topK, topP: request.topP)
        rng = Xoshiro256(seed: request.seed, stream: 0)
        matcher = StopMatcher(stops: request.stop)
        detokenizer = tokenizer.makeStreamDecoder()
        seen = request.repetitionPenalty == 1 ? [] : Set(request.prompt)
        output = EngineOutput(
            tokens: [], logProbs: [], entropies: [], tokenLogprobs: [], text: "", finishReason: .length, matchedStop: nil,
            promptTokens: request.prompt.count)
        logprobScratch = request.logprobs == nil ? nil : LogprobScratch(vocabularySize: vocabularySize)
        feed = request.prompt
    }

    /// Samples the next token from the logits of the step that fed this
    /// sequence, and decides whether it ends here (`sample`, then `accept`).
    /// - Returns: true when the sequence has finished (`output` is complete).
    mutating func consume(
        _ logits: UnsafeMutablePointer<Float>, eos: Set<Int32>, cachedTokens: Int, contextLength: Int
    ) -> Bool {
        accept(sample(logits), eos: eos, cachedTokens: cachedTokens, contextLength: contextLength)
    }

    /// The next token from the logits of the step that fed this sequence
    /// (modified in place by the logit bias and the repetition penalty). Touches only this
    /// sequence's sampler and random stream, so the sequences of a batch may
    /// sample concurrently; `accept` then takes the token.
    mutating func sample(_ logits: UnsafeMutablePointer<Float>) -> SampledToken {
        // logprobs are the model's own: measured before the penalty changes the logits
        var measure: LogprobMeasure?
        if let n = request.logprobs, let scratch = logprobScratch {
            measure = LogprobMeasure(logits, count: sampler.vocabSize, top: n, scratch: scratch)
        }
        // the logits of the ids the bias or the penalty changes, as the model gave them
        var original: [Int32: Float] = [:]
        let penalty = request.repetitionPenalty
        if measure != nil {
            for id in request.logitBias.keys { original[id] = logits[Int(id)] }
            if penalty != 1 { for id in seen where original[id] == nil { original[id] = logits[Int(id)] } }
        }
        for (id, bias) in request.logitBias { logits[Int(id)] += bias }
        if penalty != 1 { Self.penalise(logits, seen: seen, penalty: penalty) }
        let sampled = sampler.sample(logits, rng: &rng)
        pendingLogprobs = measure?.report(token: sampled.token, logit: original[sampled.token] ?? logits[Int(sampled.token)])
        return sampled
    }

    /// Takes the token `sample` returned and decides whether the sequence
    /// ends here (a stop string, an EOS id, `maxTokens`, or a full context).
    /// - Parameters:
    ///   - sampled: the token `sample` returned.
    ///   - eos: ids that end a request with `stopAtEOS`.
    ///   - cachedTokens: tokens now in the sequence's cache.
    ///   - contextLength: the most tokens a sequence may hold.
    /// - Returns: true when the sequence has finished (`output` is complete).
    mutating func accept(_ sampled: SampledToken, eos: Set<Int32>, cachedTokens: Int, contextLength: Int) -> Bool {
        if request.repetitionPenalty != 1 { seen.insert(sampled.token) }
        output.tokens.append(sampled.token)
        output.logProbs.append(sampled.logProb)
        output.entropies.append(sampled.entropy)
        if let report = pendingLogprobs, report.token == sampled.token { output.tokenLogprobs.append(report) }
        pendingLogprobs = nil
        let bytes = detokenizer.append(sampled.token)
        if let match = matcher.append(bytes) {
            output.finishReason = .stop
            output.matchedStop = match
        } else if request.stopAtEOS && eos.contains(sampled.token) {
            output.finishReason = .eos
        } else if output.tokens.count >= request.maxTokens || cachedTokens >= contextLength {
            output.finishReason = .length
        } else {
            feed = [sampled.token]
            return false
        }
        // Bytes held back by the detokenizer belong to the text too (and may hold a stop string).
        if output.matchedStop == nil, let match = matcher.append(detokenizer.finish()) {
            output.finishReason = .stop
            output.matchedStop = match
        }
        output.text = matcher.textBeforeStop
        feed = []
        return true
    }

    /// The text that may go to a streaming caller now, after what went
    /// before (`TextRelease`: no half character, no start of a stop string).
    mutating func releasableText() -> String { release.next(matcher) }

    /// The `logprobs` reports not yet given to a streaming caller (with the
    /// text `releasableText` gives).
    mutating func unreportedLogprobs() -> [TokenLogprobs] {
        defer { reportedLogprobs = output.tokenLogprobs.count }
        return Array(output.tokenLogprobs[reportedLogprobs...])
    }

    /// The text not yet given to a streaming caller, up to the matched stop
    /// string (once `consume` returned true).
    mutating func unreleasedText() -> String { release.rest(matcher) }

    /// vLLM's repetition penalty, in place: the logit of each seen id is
    /// divided by `penalty` when positive, multiplied by it otherwise.
    static func penalise(_ logits: UnsafeMutablePointer<Float>, seen: Set<Int32>, penalty: Float) {
        for id in seen {
            let i = Int(id)
            logits[i] = logits[i] > 0 ? logits[i] / penalty : logits[i] * penalty
        }
    }
}
