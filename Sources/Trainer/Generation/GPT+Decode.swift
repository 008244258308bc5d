import CBLAS
import CKernels

extension GPT {
    /// Incremental forward pass with a KV cache: appends `newTokens[b]` to
    /// sequence b (at positions `cache.lengths[b]...`) and writes the logits
    /// after each sequence's last new token into `cache.logits` row b
    /// (rows of sequences given no tokens are left as they were).
    ///
    /// All new tokens of all sequences are packed into R rows (kept
    /// feature-major, see `FeatureMajor`) so every linear layer is one sgemm;
    /// attention reads each sequence's own cache.
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
        // activations are feature-major, (features, R): see `FeatureMajor`
        for r in 0..<R {
            let tokenRow = p.wte + Int(rowToken[r]) * C, positionRow = p.wpe + Int(rowPosition[r]) * C
            for i in 0..<C { ws.x[i * R + r] = tokenRow[i] + positionRow[i] }
        }
        for l in 0..<config.layerCount {
            let w = p.layers[l]
            FeatureMajor.layerNorm(
                outT: ws.ln, mean: ws.mean, rstd: ws.rstd, inpT: ws.x, weight: w.ln1Weight, bias: w.ln1Bias, R: R, C: C)
            FeatureMajor.linear(outT: ws.qkv, inpT: ws.ln, weight: w.qkvWeight, bias: w.qkvBias, R: R, C: C, OC: 3 * C)
            cachedAttention(layer: l, rows: R, sequence: rowSequence, position: rowPosition, cache: cache, ws: ws)
            FeatureMajor.linear(
                outT: ws.proj, inpT: ws.atty, weight: w.attnProjWeight, bias: w.attnProjBias, R: R, C: C, OC: C)
            Residual.forward(out: ws.x, inp1: ws.x, inp2: ws.proj, N: R * C)
            FeatureMajor.layerNorm(
                outT: ws.ln, mean: ws.mean, rstd: ws.rstd, inpT: ws.x, weight: w.ln2Weight, bias: w.ln2Bias, R: R, C: C)
            FeatureMajor.linear(outT: ws.fch, inpT: ws.ln, weight: w.fcWeight, bias: w.fcBias, R: R, C: C, OC: 4 * C)
            GELU.forward(out: ws.fchGelu, inp: ws.fch, N: R * 4 * C)
            FeatureMajor.linear(
                outT: ws.proj, inpT: ws.fchGelu, weight: w.fcProjWeight, bias: w.fcProjBias, R: R, C: 4 * C, OC: C)
            Residual.forward(out: ws.x, inp1: ws.x, inp2: ws.proj, N: R * C)
        }
        // each sequence's last new row -> final LayerNorm and logits on those G columns only
        var lastRows: [(sequence: Int, row: Int)] = []
        for r in 0..<R where r == R - 1 || rowSequence[r + 1] != rowSequence[r] {
            lastRows.append((rowSequence[r], r))
        }
        let G = lastRows.count
        for (g, last) in lastRows.enumerated() {
            for i in 0..<C { ws.proj[i * G + g] = ws.x[i * R + last.row] }
        }
        FeatureMajor.layerNorm(
            outT: ws.ln, mean: ws.mean, rstd: ws.rstd, inpT: ws.proj, weight: p.lnfWeight, bias: p.lnfBias, R: G, C: C)
        FeatureMajor.linear(outT: ws.logits, inpT: ws.ln, weight: p.wte, bias: nil, R: G, C: C, OC: V)
        for (g, last) in lastRows.enumerated() {
            let row = cache.logits.pointer + last.sequence * V
            for v in 0..<V { row[v] = ws.logits[v * G + g] }
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
                FeatureMajor.gatherColumn(keys + block, from: ws.qkv + (C + h * hs) * R, column: r, rows: hs, R: R)
                FeatureMajor.gatherColumn(values + block, from: ws.qkv + (2 * C + h * hs) * R, column: r, rows: hs, R: R)
            }
        }
        let scores = ws.scores
        if hs <= 256 {
            // fused SIMD kernel: reads q from and writes the output into the feature-major columns
            for r in 0..<R {
                let count = Int(position[r]) + 1
                for h in 0..<NH {
                    let block = cache.blockOffset(layer: l, sequence: sequence[r], head: h)
                    aepo_attend_row(
                        ws.atty + h * hs * R + r, R, ws.qkv + h * hs * R + r, R, keys + block, values + block,
                        count, hs, scale, scores)
                }
            }
            return
        }
        let q = ws.head, out = ws.head + hs
        for r in 0..<R {
            let count = Int(position[r]) + 1
            for h in 0..<NH {
                let block = cache.blockOffset(layer: l, sequence: sequence[r], head: h)
                FeatureMajor.gatherColumn(q, from: ws.qkv + h * hs * R, column: r, rows: hs, R: R)
                // scores = scale * K[0..<count] q ; out = V[0..<count]^T softmax(scores)
                cblas_sgemv(
                    CblasRowMajor, CblasNoTrans, Int32(count), Int32(hs), scale, keys + block, Int32(hs),
                    q, 1, 0, scores, 1)
                let maxValue = FastMath.max(scores, count)
                let inv = 1 / FastMath.expShiftInPlace(scores, count, shift: maxValue)
                cblas_sgemv(
                    CblasRowMajor, CblasTrans, Int32(count), Int32(hs), inv, values + block, Int32(hs),
                    scores, 1, 0, out, 1)
                FeatureMajor.scatterColumn(out, into: ws.atty + h * hs * R, column: r, rows: hs, R: R)
            }
        }
    }
}
