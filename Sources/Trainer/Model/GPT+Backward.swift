extension GPT {
    /// Per-token log-probabilities of the targets from the last forward pass
    /// (B * T values, under softmax(logits / temperature)).
    public var tokenLogProbs: [Float] {
        guard let acts = activations, targets != nil else { return [] }
        return Array(UnsafeBufferPointer(start: acts.logprobs, count: acts.B * acts.T))
    }

    /// Per-token entropies (nats) of the softmax from the last forward pass.
    public var tokenEntropies: [Float] {
        guard let acts = activations, targets != nil else { return [] }
        return Array(UnsafeBufferPointer(start: acts.entropy, count: acts.B * acts.T))
    }

    /// Weighted cross-entropy of the last forward pass:
    /// `loss = -sum_i weights[i] * logprob[i]`; nil weights mean `1 / (B * T)`
    /// (the plain mean). For a mask use `mask[i] / sum(mask)`.
    /// - Parameter weights: (B, T) per-token weights, or nil.
    /// - Throws: `GPTError` without a forward pass with targets or for a bad count.
    public func crossEntropy(weights: [Float]? = nil) throws(GPTError) -> Float {
        let w = try resolvedWeights(weights)
        var loss = 0.0
        for (i, logprob) in tokenLogProbs.enumerated() { loss -= Double(w[i]) * Double(logprob) }
        return Float(loss)
    }

    /// Forward pass plus weighted cross-entropy (see `crossEntropy(weights:)`).
    public func loss(
        tokens: [Int32], targets: [Int32], weights: [Float]? = nil, B: Int, T: Int
    ) throws(GPTError) -> Float {
        try forward(tokens: tokens, targets: targets, B: B, T: T)
        return try crossEntropy(weights: weights)
    }

    /// Backward pass of the weighted cross-entropy of the last forward pass,
    /// accumulated into `gradients` (call `zeroGradients()` first).
    /// - Parameter weights: the same weights as given to `crossEntropy`.
    public func backward(crossEntropyWeights weights: [Float]? = nil) throws(GPTError) {
        try backward(dlogprob: try resolvedWeights(weights).map { -$0 })
    }

    /// Sets every gradient to zero.
    public func zeroGradients() {
        gradients.zero()
    }

    /// Backward pass (llm.c `gpt2_backward`) from an arbitrary gradient of the
    /// loss with respect to each target log-probability of the last forward
    /// pass, accumulated into `gradients`.
    /// - Parameter dlogprob: (B, T) values of dLoss / dlogprob[b, t].
    /// - Throws: `GPTError` without a forward pass with targets or for a bad count.
    public func backward(dlogprob: [Float]) throws(GPTError) {
        guard let acts = activations, let targets else { throw .noForwardPass }
        let B = acts.B, T = acts.T, BT = B * T
        guard dlogprob.count == BT else { throw .countMismatch(what: "dlogprob", expected: BT, got: dlogprob.count) }
        let C = config.modelDimension, V = config.vocabSize, NH = config.headCount
        if scratch == nil { scratch = GradientScratch(config: config, B: B, T: T) }
        guard let s = scratch else { return }
        let p = params, g = grads
        s.dlogprob.update(from: dlogprob, count: BT)
        SoftmaxCrossEntropy.backward(
            dlogits: s.dlogits, dlogprob: s.dlogprob, probs: acts.probs, targets: targets,
            invTemperature: invTemperature, N: BT, V: V)
        s.dlnf.update(repeating: 0, count: BT * C)
        Matmul.backward(
            dinp: s.dlnf, dweight: g.wte, dbias: nil, dout: s.dlogits, inp: acts.lnf, weight: p.wte, N: BT, C: C, OC: V)
        s.dresidual.update(repeating: 0, count: BT * C)
        let lastResidual = acts.layers[config.layerCount - 1].residual3
        LayerNorm.backward(
            dinp: s.dresidual, dweight: g.lnfWeight, dbias: g.lnfBias, dout: s.dlnf, inp: lastResidual,
            weight: p.lnfWeight, mean: acts.lnfMean, rstd: acts.lnfRstd, N: BT, C: C)
        for l in stride(from: config.layerCount - 1, through: 0, by: -1) {
            let w = p.layers[l], dw = g.layers[l], a = acts.layers[l]
            let residual = l == 0 ? acts.encoded : acts.layers[l - 1].residual3
            s.blockRegion.update(repeating: 0, count: s.blockRegionCount)
            // s.dresidual holds d(residual3) of this block
            Residual.backward(dinp1: s.dres2, dinp2: s.dfcproj, dout: s.dresidual, N: BT * C)
            Matmul.backward(
                dinp: s.dfchGelu, dweight: dw.fcProjWeight, dbias: dw.fcProjBias, dout: s.dfcproj,
                inp: a.fchGelu, weight: w.fcProjWeight, N: BT, C: 4 * C, OC: C)
            GELU.backward(dinp: s.dfch, inp: a.fch, dout: s.dfchGelu, N: BT * 4 * C)
            Matmul.backward(
                dinp: s.dln2, dweight: dw.fcWeight, dbias: dw.fcBias, dout: s.dfch,
                inp: a.ln2, weight: w.fcWeight, N: BT, C: C, OC: 4 * C)
            LayerNorm.backward(
                dinp: s.dres2, dweight: dw.ln2Weight, dbias: dw.ln2Bias, dout: s.dln2, inp: a.residual2,
                weight: w.ln2Weight, mean: a.ln2Mean, rstd: a.ln2Rstd, N: BT, C: C)
            Residual.backward(dinp1: s.dresidualIn, dinp2: s.dattproj, dout: s.dres2, N: BT * C)
            Matmul.backward(
                dinp: s.datty, dweight: dw.attnProjWeight, dbias: dw.attnProjBias, dout: s.dattproj,
                inp: a.atty, weight: w.attnProjWeight, N: BT, C: C, OC: C)
            Attention.backward(
                dqkv: s.dqkv, scratch: s.dattScratch, dout: s.datty, qkv: a.qkv, att: a.att,
                B: B, T: T, C: C, NH: NH)
            Matmul.backward(
                dinp: s.dln1, dweight: dw.qkvWeight, dbias: dw.qkvBias, dout: s.dqkv,
                inp: a.ln1, weight: w.qkvWeight, N: BT, C: C, OC: 3 * C)
            LayerNorm.backward(
                dinp: s.dresidualIn, dweight: dw.ln1Weight, dbias: dw.ln1Bias, dout: s.dln1, inp: residual,
                weight: w.ln1Weight, mean: a.ln1Mean, rstd: a.ln1Rstd, N: BT, C: C)
            s.dresidual.update(from: s.dresidualIn, count: BT * C)
        }
        Encoder.backward(dwte: g.wte, dwpe: g.wpe, dout: s.dresidual, tokens: inputs, B: B, T: T, C: C)
    }

    private func resolvedWeights(_ weights: [Float]?) throws(GPTError) -> [Float] {
        guard let acts = activations, targets != nil else { throw .noForwardPass }
        let BT = acts.B * acts.T
        guard let weights else { return [Float](repeating: 1 / Float(BT), count: BT) }
        guard weights.count == BT else { throw .countMismatch(what: "weights", expected: BT, got: weights.count) }
        return weights
    }
}
