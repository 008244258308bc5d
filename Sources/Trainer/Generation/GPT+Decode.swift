extension GPT {
    /// Incremental forward pass with a KV cache: appends `newTokens[b]` to
    /// sequence b (at positions `cache.lengths[b]...`) and writes the logits
    /// after each sequence's last new token into `cache.logits` row b
    /// (rows of sequences given no tokens are left as they were).
    ///
    /// All new tokens of all sequences are packed into R rows so every linear
    /// layer is one sgemm of R rows; attention reads each sequence's own cache.
    /// Prefill (whole prompts) and decoding (one token each) are the same call.
    /// - Parameters:
    ///   - newTokens: B arrays of token ids (possibly empty).
    ///   - cache: the cache of the B sequences (built for this model's config).
    /// - Throws: `GPTError` for a wrong batch size, an out-of-range id, or a
    ///   sequence that would exceed the context.
    public func decode(_ newTokens: [[Int32]], cache: KVCache) throws(GPTError) {
        guard cache.config == config else { throw .invalidArgument("KV cache was built for another model config") }
        guard newTokens.count == cache.batchSize else {
            throw .countMismatch(what: "sequences", expected: cache.batchSize, got: newTokens.count)
        }
        var rowSequence: [Int] = [], rowPosition: [Int32] = [], rowToken: [Int32] = []
        for (b, tokens) in newTokens.enumerated() {
            let start = cache.lengths[b]
            guard start + tokens.count <= config.contextLength else {
                throw .sequenceTooLong(length: start + tokens.count, contextLength: config.contextLength)
            }
            try GPTError.checkIDs(tokens, vocabSize: config.vocabSize, what: "tokens of sequence \(b)")
            for (i, token) in tokens.enumerated() {
                rowSequence.append(b)
                rowPosition.append(Int32(start + i))
                rowToken.append(token)
            }
        }
        let R = rowToken.count
        guard R > 0 else { return }
        let C = config.modelDimension, V = config.vocabSize
        let ws = cache.workspace(rows: R)
        let p = params
        for r in 0..<R {
            let o = ws.x + r * C, tokenRow = p.wte + Int(rowToken[r]) * C, positionRow = p.wpe + Int(rowPosition[r]) * C
            for i in 0..<C { o[i] = tokenRow[i] + positionRow[i] }
        }
        for l in 0..<config.layerCount {
            let w = p.layers[l]
            LayerNorm.forward(
                out: ws.ln, mean: ws.mean, rstd: ws.rstd, inp: ws.x, weight: w.ln1Weight, bias: w.ln1Bias, N: R, C: C)
            Matmul.forward(out: ws.qkv, inp: ws.ln, weight: w.qkvWeight, bias: w.qkvBias, N: R, C: C, OC: 3 * C)
            cachedAttention(layer: l, rows: R, sequence: rowSequence, position: rowPosition, cache: cache, ws: ws)
            Matmul.forward(
                out: ws.proj, inp: ws.atty, weight: w.attnProjWeight, bias: w.attnProjBias, N: R, C: C, OC: C)
            Residual.forward(out: ws.x, inp1: ws.x, inp2: ws.proj, N: R * C)
            LayerNorm.forward(
                out: ws.ln, mean: ws.mean, rstd: ws.rstd, inp: ws.x, weight: w.ln2Weight, bias: w.ln2Bias, N: R, C: C)
            Matmul.forward(out: ws.fch, inp: ws.ln, weight: w.fcWeight, bias: w.fcBias, N: R, C: C, OC: 4 * C)
            GELU.forward(out: ws.fchGelu, inp: ws.fch, N: R * 4 * C)
            Matmul.forward(
                out: ws.proj, inp: ws.fchGelu, weight: w.fcProjWeight, bias: w.fcProjBias, N: R, C: 4 * C, OC: C)
            Residual.forward(out: ws.x, inp1: ws.x, inp2: ws.proj, N: R * C)
        }
        // gather each sequence's last new row, then final LayerNorm and logits on those rows only
        var lastRows: [(sequence: Int, row: Int)] = []
        for r in 0..<R where r == R - 1 || rowSequence[r + 1] != rowSequence[r] {
            lastRows.append((rowSequence[r], r))
        }
        for (i, last) in lastRows.enumerated() { (ws.proj + i * C).update(from: ws.x + last.row * C, count: C) }
        let G = lastRows.count
        LayerNorm.forward(
            out: ws.ln, mean: ws.mean, rstd: ws.rstd, inp: ws.proj, weight: p.lnfWeight, bias: p.lnfBias, N: G, C: C)
        Matmul.forward(out: ws.logits, inp: ws.ln, weight: p.wte, bias: nil, N: G, C: C, OC: V)
        for (i, last) in lastRows.enumerated() {
            (cache.logits.pointer + last.sequence * V).update(from: ws.logits + i * V, count: V)
        }
        for (b, tokens) in newTokens.enumerated() { cache.lengths[b] += tokens.count }
    }

    /// Writes this layer's new keys/values into the cache, then attends each
    /// packed row to its own sequence's cached prefix (causal by position).
    private func cachedAttention(
        layer l: Int, rows R: Int, sequence: [Int], position: [Int32], cache: KVCache, ws: DecodeWorkspace
    ) {
        let C = config.modelDimension, NH = config.headCount, hs = config.headDimension
        let scale = 1 / Float(hs).squareRoot()
        let keys = cache.keys.pointer, values = cache.values.pointer
        for r in 0..<R {
            for h in 0..<NH {
                let block = cache.blockOffset(layer: l, sequence: sequence[r], head: h) + Int(position[r]) * hs
                (keys + block).update(from: ws.qkv + r * 3 * C + C + h * hs, count: hs)
                (values + block).update(from: ws.qkv + r * 3 * C + 2 * C + h * hs, count: hs)
            }
        }
        let scores = ws.scores
        for r in 0..<R {
            let count = Int(position[r]) + 1
            for h in 0..<NH {
                let block = cache.blockOffset(layer: l, sequence: sequence[r], head: h)
                let q = ws.qkv + r * 3 * C + h * hs
                for j in 0..<count { scores[j] = FastMath.dot(q, keys + block + j * hs, hs) * scale }
                let maxValue = FastMath.max(scores, count)
                let inv = 1 / FastMath.expShiftInPlace(scores, count, shift: maxValue)
                let out = ws.atty + r * C + h * hs
                out.update(repeating: 0, count: hs)
                for j in 0..<count { FastMath.axpy(out, scores[j] * inv, values + block + j * hs, hs) }
            }
        }
    }
}
