import Benchmarks

/// A rollout as the trainer sees it: BOS, the prompt and the trajectory as
/// token ids, and which tokens the model wrote (the only ones with a loss;
/// the prompt and the tool results are context).
///
/// Texts are encoded afresh with the byte tokenizer, exactly as the engine
/// encoded each call's prompt, so the sequence is what the model conditioned
/// on; a protocol tag the model spelled byte by byte becomes its single
/// token here (the log-probabilities are recomputed on these tokens).
public struct PolicySequence: Sendable, Equatable {
    /// BOS, prompt, trajectory.
    public var tokens: [Int32]
    /// Per token: written by the model.
    public var modelWritten: [Bool]

    /// Encodes a finished rollout.
    /// - Parameters:
    ///   - prompt: the rendered prompt (template and question).
    ///   - segments: the trajectory's segments.
    ///   - tokenizer: the model's tokenizer.
    ///   - contextLength: the model's context; longer sequences are cut.
    public init(prompt: String, segments: [AgentPath.Segment], tokenizer: ByteTokenizer, contextLength: Int) {
        tokens = tokenizer.encode(prompt, addBOS: true)
        modelWritten = [Bool](repeating: false, count: tokens.count)
        for segment in segments {
            let ids = tokenizer.encode(segment.text)
            tokens += ids
            modelWritten += [Bool](repeating: segment.source == .model, count: ids.count)
        }
        if tokens.count > contextLength + 1 {
            tokens.removeLast(tokens.count - contextLength - 1)
            modelWritten.removeLast(modelWritten.count - contextLength - 1)
        }
    }

    /// Tokens the model wrote.
    public var responseLength: Int { modelWritten.count { $0 } }
}
