extension GPT {
    /// Copies the weights of `source`, a model of the same vocabulary, width,
    /// depth and heads, into this one (a warm start). The position table may
    /// differ in length: the first `min` rows are copied and any further rows
    /// keep their initial values.
    /// - Parameter source: the model to copy.
    /// - Throws: `ConfigError.invalid` when the shapes other than the context differ.
    public func copyWeights(from source: GPT) throws(ConfigError) {
        var sameShape = source.config
        sameShape.contextLength = config.contextLength
        guard sameShape == config else {
            throw .invalid(
                "cannot start from a model of another shape (\(Checkpoint.json(source.config)) vs \(Checkpoint.json(config)))")
        }
        for spec in layout.specs {
            guard let from = source.layout.spec(named: spec.name) else {
                throw .invalid("the source model has no tensor \(spec.name)")
            }
            let count = min(spec.count, from.count)  // only wpe can differ: whole rows of C floats
            (parameters.pointer + spec.offset).update(from: source.parameters.pointer + from.offset, count: count)
        }
    }
}
