extension CheckpointView {
    /// The agent setup an evaluation of this checkpoint runs with and its
    /// default concurrency, or an invalid-input error saying why it cannot
    /// be evaluated.
    package func evaluability() throws -> (setup: AgentSetup, concurrency: Int) {
        if let endpoint { return (.codeSearch, endpoint.maxConcurrency) }
        // A built-in checkpoint is served by the built-in engine, which batches
        // up to 16 sequences, with the setup it was trained with.
        if kind == .file, metadata["format"] == "aepo-gpt" { return (.builtin, 16) }
        if kind == .hf {
            throw CoreError.invalid(
                "not_evaluable",
                "checkpoint \(id) is a Hugging Face directory (\(architecture ?? modelType ?? "unknown architecture")); "
                    + "this server cannot evaluate hf checkpoints yet: register the model served elsewhere "
                    + "(POST /api/v1/checkpoints {\"name\",\"endpoint\":{\"url\",\"model\"}})")
        }
        throw CoreError.invalid(
            "not_evaluable",
            "checkpoint \(id) is a \(format ?? "file") file that is not a built-in (aepo-gpt) "
                + "checkpoint; evaluations need one of those or a model endpoint "
                + "(register one with POST /api/v1/checkpoints {\"name\",\"endpoint\":{\"url\",\"model\"}})")
    }
}
