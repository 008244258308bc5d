/// Why a generated sequence ended.
public enum FinishReason: String, Codable, Sendable, Equatable {
    /// A stop string appeared in the generated text.
    case stop
    /// The model sampled EOS.
    case eos
    /// `maxNewTokens` or the model context was reached.
    case length
}

/// One generated continuation with per-token statistics.
public struct GenerationResult: Sendable, Equatable {
    /// Generated ids (the prompt excluded; the EOS or the token completing a
    /// stop string included).
    public var tokens: [Int32]
    /// Per token: log-probability under softmax(logits / T) (see `SampledToken`).
    public var logProbs: [Float]
    /// Per token: entropy of the full softmax at T, normalised by log V.
    public var entropies: [Float]
    /// Decoded text of `tokens`, cut right after the matched stop string when
    /// `finishReason == .stop` (the stop string is included).
    public var text: String
    /// Why generation ended.
    public var finishReason: FinishReason
    /// The stop string that matched, if any.
    public var matchedStop: String?
}

/// Why generation was refused.
public enum GenerationError: Error, Equatable, CustomStringConvertible {
    /// Prompt `index` has no tokens (give it at least BOS).
    case emptyPrompt(index: Int)
    /// An invalid `GenerationConfig`.
    case config(ConfigError)
    /// The model refused the input (too long, bad id, ...).
    case model(GPTError)

    public var description: String {
        switch self {
        case .emptyPrompt(let index): "prompt \(index) is empty (start it with at least BOS)"
        case .config(let error): error.description
        case .model(let error): error.description
        }
    }
}

/// Batched sampling from a `GPT` with a KV cache: B prompts (of any lengths)
/// are prefilled in one call, then each step feeds one token per live
/// sequence. Deterministic for a given seed: sequence b draws from
/// `Xoshiro256(seed: config.seed, stream: b)`.
public struct Generator {
    /// The model (used, not copied; do not train it concurrently).
    public let model: GPT
    /// Decodes generated ids for stop-string matching and the result text.
    public let tokenizer: ByteTokenizer

    /// Creates a generator.
    public init(model: GPT, tokenizer: ByteTokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Generates one continuation per prompt.
    /// - Parameters:
    ///   - prompts: B token sequences, each non-empty and within the context.
    ///   - config: sampling settings.
    /// - Returns: B results in prompt order.
    /// - Throws: `GenerationError`.
    public func generate(prompts: [[Int32]], config: GenerationConfig) throws(GenerationError) -> [GenerationResult] {
        do { try config.validate() } catch { throw .config(error) }
        if let empty = prompts.firstIndex(where: \.isEmpty) { throw .emptyPrompt(index: empty) }
        guard !prompts.isEmpty else { return [] }
        let B = prompts.count, V = model.config.vocabSize, context = model.config.contextLength
        let cache = KVCache(config: model.config, batchSize: B)
        do { try model.decode(prompts, cache: cache) } catch { throw .model(error) }
        var sampler = Sampler(vocabSize: V, temperature: config.temperature, topK: config.topK, topP: config.topP)
        var rngs = (0..<B).map { Xoshiro256(seed: config.seed, stream: UInt64($0)) }
        var results = (0..<B).map { _ in
            GenerationResult(tokens: [], logProbs: [], entropies: [], text: "", finishReason: .length, matchedStop: nil)
        }
        var matchers = (0..<B).map { _ in StopMatcher(stops: config.stop) }
        var live = [Bool](repeating: config.maxNewTokens > 0, count: B)
        while live.contains(true) {
            var next = [[Int32]](repeating: [], count: B)
            for b in 0..<B where live[b] {
                let sampled = sampler.sample(cache.logits.pointer + b * V, rng: &rngs[b])
                results[b].tokens.append(sampled.token)
                results[b].logProbs.append(sampled.logProb)
                results[b].entropies.append(sampled.entropy)
                var newBytes: [UInt8] = []
                tokenizer.appendBytes(of: sampled.token, to: &newBytes)
                if let match = matchers[b].append(newBytes) {
                    results[b].finishReason = .stop
                    results[b].matchedStop = match
                    live[b] = false
                } else if config.stopAtEOS && sampled.token == SpecialToken.eos.id {
                    results[b].finishReason = .eos
                    live[b] = false
                } else if results[b].tokens.count >= config.maxNewTokens || cache.lengths[b] >= context {
                    results[b].finishReason = .length
                    live[b] = false
                } else {
                    next[b] = [sampled.token]
                }
            }
            if !live.contains(true) { break }
            do { try model.decode(next, cache: cache) } catch { throw .model(error) }
        }
        for b in 0..<B { results[b].text = matchers[b].text }
        return results
    }

    /// Encodes `prompts` (with BOS), generates, and returns the results.
    public func generate(texts prompts: [String], config: GenerationConfig) throws(GenerationError) -> [GenerationResult] {
        try generate(prompts: prompts.map { tokenizer.encode($0, addBOS: true) }, config: config)
    }
}

/// Accumulates the decoded bytes of one generated sequence and reports the
/// first stop string to appear in it. Matching runs on the UTF-8 bytes of
/// the decoded text (the same as matching the text, since stop strings are
/// valid UTF-8), looking only at windows that end in the newly added bytes.
struct StopMatcher {
    /// The stop strings and their UTF-8 bytes.
    let stops: [(text: String, bytes: [UInt8])]
    private(set) var bytes: [UInt8] = []
    /// Length of `bytes` to keep in the text (set at the end of a match).
    private var cut: Int?
    /// UTF-8 length of the matched stop string.
    private var matchedLength: Int?

    init(stops: [String]) {
        self.stops = stops.map { ($0, Array($0.utf8)) }
    }

    /// Appends `newBytes`; returns the stop string that now occurs in the text,
    /// choosing the match that ends first (then the first in the list).
    mutating func append(_ newBytes: [UInt8]) -> String? {
        guard cut == nil else { return nil }
        let previous = bytes.count
        bytes.append(contentsOf: newBytes)
        guard !newBytes.isEmpty else { return nil }
        var best: (end: Int, text: String)?
        for stop in stops {
            let n = stop.bytes.count
            var start = Swift.max(0, previous - n + 1)
            while start + n <= bytes.count {
                if bytes[start..<(start + n)].elementsEqual(stop.bytes) {
                    if (best.map { start + n < $0.end }) ?? true { best = (start + n, stop.text) }
                    break
                }
                start += 1
            }
        }
        guard let best else { return nil }
        cut = best.end
        matchedLength = best.text.utf8.count
        return best.text
    }

    /// The decoded text, cut after the matched stop string if any.
    var text: String {
        String(decoding: bytes[0..<(cut ?? bytes.count)], as: UTF8.self)
    }

    /// The decoded text before the matched stop string (all of it without a
    /// match): what OpenAI-compatible servers return.
    var textBeforeStop: String {
        String(decoding: bytes[0..<textEnd], as: UTF8.self)
    }

    /// Where the text `textBeforeStop` decodes ends in `bytes`.
    var textEnd: Int {
        cut.map { $0 - (matchedLength ?? 0) } ?? bytes.count
    }
}
