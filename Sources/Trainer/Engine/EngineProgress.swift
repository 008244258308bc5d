/// What a streaming caller of `InferenceEngine.generate(_:onProgress:)` is
/// told while its sequence runs: text as it becomes final, then the end.
public enum EngineProgress: Sendable, Equatable {
    /// More of the output's text: whole characters, never a byte of a stop
    /// string that could still complete (never empty).
    case text(String)
    /// The sequence ended: the text not yet reported (possibly empty) and the
    /// output `generate` returns. The pieces and `last` add up to `output.text`.
    case finished(last: String, output: EngineOutput)
}
