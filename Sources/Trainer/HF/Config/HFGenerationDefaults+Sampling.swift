import Benchmarks

extension SamplingParameters {
    /// These parameters with a checkpoint's `generation_config.json` in
    /// place of the base's sampling fields (temperature, top_p, top_k,
    /// repetition penalty), field by field where the file sets one, as vLLM
    /// applies a model's generation config to what a request leaves out.
    /// Evaluations without a preset start from this before the request's
    /// own fields, and so do rollouts of a Hugging Face checkpoint.
    ///
    /// `max_new_tokens` is left out (the per-call limit is the agent's), and
    /// so is `do_sample`, as vLLM's `--generation-config auto` does.
    /// - Parameter defaults: the checkpoint's generation defaults.
    /// - Returns: the parameters with the file's values; a `top_k` of 0 or
    ///   less (off in transformers) becomes -1 (off here).
    public func filled(from defaults: HFGenerationDefaults) -> SamplingParameters {
        var filled = self
        filled.temperature = defaults.temperature ?? temperature
        filled.topP = defaults.topP ?? topP
        filled.topK = defaults.topK.map { $0 <= 0 ? -1 : $0 } ?? topK
        filled.repetitionPenalty = defaults.repetitionPenalty ?? repetitionPenalty
        return filled
    }
}
