/// What a streaming caller of `InferenceEngine.generate(_:onProgress:)` is
/// told while its sequence runs: text as it becomes final, then the end.
public enum EngineProgress: Sendable, Equatable {
    /// More of the output's text: whole characters, never a byte of a stop
    /// string that could still complete (never empty), and the `logprobs`
    /// reports of the tokens generated since the last piece (when asked).
    case text(String, logprobs: [TokenLogprobs])
    /// The sequence ended: the text not yet reported (possibly empty) and the
    /// output `generate` returns. The pieces and `last` add up to `output.text`;
    /// the reports not yet given are the last of `output.tokenLogprobs`.
    case finished(last: String, output: EngineOutput)
}
