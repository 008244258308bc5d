/// One piece of a training text and who writes it at inference time.
public struct TextSegment: Sendable, Hashable {
    /// The text.
    public var text: String
    /// True for what the model generates (thoughts, tool calls with their
    /// closing tags, the answer); false for what it is given (the prompt and
    /// the `<result>` blocks the agent loop appends).
    public var isModelOutput: Bool

    /// Creates a segment.
    public init(_ text: String, isModelOutput: Bool) {
        self.text = text
        self.isModelOutput = isModelOutput
    }
}

/// A tokenised training sequence with its loss mask:
/// `tokens = [BOS] + encode(segments...) + [EOS]`, and `trained[i]` says
/// whether predicting `tokens[i + 1]` from `tokens[...i]` is part of the loss
/// (true exactly when token i + 1 belongs to a model-written segment or is
/// the final EOS).
public struct SFTSequence: Sendable, Equatable {
    /// All token ids, BOS first and EOS last.
    public let tokens: [Int32]
    /// Per position i < tokens.count - 1: whether target `tokens[i + 1]` is trained.
    public let trained: [Bool]

    /// Tokenises `segments` one by one (tags never straddle segments, so
    /// this equals encoding the joined text).
    /// - Parameters:
    ///   - segments: the text in order.
    ///   - tokenizer: the byte tokenizer.
    public init(segments: [TextSegment], tokenizer: ByteTokenizer) {
        var tokens: [Int32] = [SpecialToken.bos.id]
        var trained: [Bool] = []
        for segment in segments {
            let ids = tokenizer.encode(segment.text)
            tokens += ids
            trained += [Bool](repeating: segment.isModelOutput, count: ids.count)
        }
        tokens.append(SpecialToken.eos.id)
        trained.append(true)
        self.tokens = tokens
        self.trained = trained
    }

    /// The training split's expert trajectories as sequences.
    /// - Parameters:
    ///   - suite: the suite (its training split and tools).
    ///   - tokenizer: the byte tokenizer.
    /// - Throws: `ExpertTrajectory.BuildError` (not expected for generated suites).
    public static func experts(
        of suite: SynthSuite, tokenizer: ByteTokenizer
    ) async throws(ExpertTrajectory.BuildError) -> [SFTSequence] {
        try await ExpertTrajectory.buildAll(suite.train, suite: suite).map {
            SFTSequence(segments: $0.segments, tokenizer: tokenizer)
        }
    }

    /// Number of trained targets.
    public var trainedCount: Int { trained.count { $0 } }

    /// The text of the sequence (without BOS/EOS).
    public func text(tokenizer: ByteTokenizer) -> String {
        tokenizer.decode(tokens)
    }
}

/// Draws batches of `SFTSequence`s in seeded epochs (a fresh shuffle each
/// epoch) and lays them out as (B, T) inputs, targets and loss weights, each
/// sequence left-aligned at position 0 (as at inference) and padded with PAD
/// at weight 0.
struct SFTBatcher {
    let sequences: [SFTSequence]
    let batchSize: Int
    let sequenceLength: Int
    private var rng: Xoshiro256
    private var order: [Int] = []
    private var cursor = 0
    /// Completed passes over the data.
    private(set) var epoch = 0

    init(sequences: [SFTSequence], batchSize: Int, sequenceLength: Int, seed: UInt64) {
        self.sequences = sequences
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        rng = Xoshiro256(seed: seed, stream: 0x5F7)
        reshuffle()
    }

    /// One batch: (B*T) inputs and targets, (B*T) weights `mask / trained count`,
    /// and the counts of trained and non-padding tokens.
    mutating func next() -> (inputs: [Int32], targets: [Int32], weights: [Float], trained: Int, real: Int) {
        let T = sequenceLength, pad = SpecialToken.pad.id
        var inputs = [Int32](repeating: pad, count: batchSize * T)
        var targets = inputs
        var mask = [Float](repeating: 0, count: batchSize * T)
        var real = 0
        for b in 0..<batchSize {
            if cursor == order.count {
                epoch += 1
                reshuffle()
            }
            let sequence = sequences[order[cursor]]
            cursor += 1
            let n = min(sequence.tokens.count - 1, T)
            for t in 0..<n {
                inputs[b * T + t] = sequence.tokens[t]
                targets[b * T + t] = sequence.tokens[t + 1]
                mask[b * T + t] = sequence.trained[t] ? 1 : 0
            }
            real += n
        }
        let trained = Int(mask.reduce(0, +))
        let scale = trained > 0 ? 1 / Float(trained) : 0
        return (inputs, targets, mask.map { $0 * scale }, trained, real)
    }

    private mutating func reshuffle() {
        order = Array(sequences.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        cursor = 0
    }
}
