import CKernels

extension HFModel {
    /// Which rows of a forward pass get logits.
    enum LogitRows {
        /// The last new token of each sequence that received tokens (decoding).
        case lastOfEachSequence
        /// Every new token (parity tests).
        case all
    }

    /// Where `forward` put the logits: row g of `pointer` (V floats each)
    /// belongs to `rows[g]` (slot, position).
    struct Logits {
        let pointer: UnsafeMutablePointer<Float>
        let rows: [(slot: Int, position: Int)]
    }

    /// Appends `feeds[s]` to slot s of `cache` (at positions
    /// `cache.lengths[s]...`) and computes the next-token logits.
    ///
    /// All new tokens of all slots are packed into R rows, so every linear
    /// layer reads its weights once per call: prefill of new prompts and
    /// one-token decoding of running ones share the pass. Each row attends
    /// to its own slot's cache (causal, within the layer's sliding window).
    /// - Throws: `HFModelError` for a wrong number of feeds, an id outside
    ///   the vocabulary, or a slot that would overflow.
    func forward(_ feeds: [[Int32]], cache: HFKVCache, logitRows: LogitRows = .lastOfEachSequence) throws(HFModelError) -> Logits {
        guard feeds.count == cache.slotCount else { throw .slotCountMismatch(expected: cache.slotCount, got: feeds.count) }
        let V = config.vocabSize, C = config.hiddenSize
        var rowSlot: [Int] = [], rowPosition: [Int] = [], rowToken: [Int32] = []
        for (s, tokens) in feeds.enumerated() where !tokens.isEmpty {
            let start = cache.lengths[s]
            guard start + tokens.count <= cache.capacity else {
                throw .sequenceTooLong(slot: s, length: start + tokens.count, capacity: cache.capacity)
            }
            for (i, token) in tokens.enumerated() {
                guard token >= 0, Int(token) < V else { throw .invalidToken(token, vocabularySize: V) }
                rowSlot.append(s)
                rowPosition.append(start + i)
                rowToken.append(token)
            }
        }
        let R = rowToken.count
        guard R > 0 else { return Logits(pointer: cache.workspace(config: config, rows: 1, threads: threads).logits(count: 0), rows: []) }
        let ws = cache.workspace(config: config, rows: R, threads: threads)
        fillRotary(ws, slots: rowSlot, positions: rowPosition, feeds: feeds, cache: cache)
        for r in 0..<R { embedding.convert(Int(rowToken[r]) * C, C, into: ws.x + r * C) }
        for l in 0..<layers.count {
            layerForward(l, rows: R, slots: rowSlot, positions: rowPosition, cache: cache, ws: ws)
        }
        var selected: [Int] = []
        switch logitRows {
        case .all: selected = Array(0..<R)
        case .lastOfEachSequence: selected = (0..<R).filter { $0 == R - 1 || rowSlot[$0 + 1] != rowSlot[$0] }
        }
        let G = selected.count
        let eps = Float(config.rmsNormEpsilon)
        for (g, r) in selected.enumerated() { aepo_rmsnorm(ws.h + g * C, ws.x + r * C, finalNorm.pointer, C, eps) }
        let logits = ws.logits(count: G * V)
        executor.run([.init(linear: outputLayer, out: logits)], x: ws.h, rows: G)
        for (s, tokens) in feeds.enumerated() { cache.lengths[s] += tokens.count }
        return Logits(pointer: logits, rows: selected.map { (rowSlot[$0], rowPosition[$0]) })
    }

    /// cos/sin of every row's position, with the RoPE table of its slot's
    /// length after this call (only `dynamic` RoPE depends on it).
    private func fillRotary(_ ws: HFWorkspace, slots: [Int], positions: [Int], feeds: [[Int32]], cache: HFKVCache) {
        let half = config.headDimension / 2
        var tables: [Int: RotaryFrequencies.Table] = [:]
        for r in slots.indices {
            let table: RotaryFrequencies.Table
            if let fixedRotary {
                table = fixedRotary
            } else if let known = tables[slots[r]] {
                table = known
            } else {
                table = RotaryFrequencies.table(config, length: cache.lengths[slots[r]] + feeds[slots[r]].count)
                tables[slots[r]] = table
            }
            RotaryFrequencies.angles(position: positions[r], table: table, cos: ws.cos + r * half, sin: ws.sin + r * half)
        }
    }

    private func layerForward(_ l: Int, rows R: Int, slots: [Int], positions: [Int], cache: HFKVCache, ws: HFWorkspace) {
        let layer = layers[l]
        let C = config.hiddenSize, D = config.headDimension, I = config.intermediateSize
        let NH = config.headCount, KVH = config.keyValueHeadCount
        let eps = Float(config.rmsNormEpsilon)
        executor.eachRow(R, width: C) { r in aepo_rmsnorm(ws.h + r * C, ws.x + r * C, layer.inputNorm.pointer, C, eps) }
        executor.run([.init(linear: layer.q, out: ws.q), .init(linear: layer.k, out: ws.k), .init(linear: layer.v, out: ws.v)], x: ws.h, rows: R)
        // each row writes its own (slot, position) of the cache
        executor.eachRow(R, width: C) { r in
            let cos = ws.cos + r * D / 2, sin = ws.sin + r * D / 2
            for h in 0..<NH {
                let head = ws.q + (r * NH + h) * D
                if let qNorm = layer.qNorm { aepo_rmsnorm(head, head, qNorm.pointer, D, eps) }
                aepo_rope(head, D, cos, sin)
            }
            for h in 0..<KVH {
                let head = ws.k + (r * KVH + h) * D
                if let kNorm = layer.kNorm { aepo_rmsnorm(head, head, kNorm.pointer, D, eps) }
                aepo_rope(head, D, cos, sin)
                let at = cache.offset(slot: slots[r], layer: l, head: h) + positions[r] * D
                cache.store(head, count: D, into: cache.keys, at: at)
                cache.store(ws.v + (r * KVH + h) * D, count: D, into: cache.values, at: at)
            }
        }
        attention(layer: l, window: layer.window, rows: R, slots: slots, positions: positions, cache: cache, ws: ws)
        executor.run([.init(linear: layer.o, out: ws.proj)], x: ws.attention, rows: R)
        executor.eachRow(R, width: C) { r in
            let x = ws.x + r * C, proj = ws.proj + r * C
            for i in 0..<C { x[i] += proj[i] }
            aepo_rmsnorm(ws.h + r * C, x, layer.postAttentionNorm.pointer, C, eps)
        }
        executor.run([.init(linear: layer.gate, out: ws.gate), .init(linear: layer.up, out: ws.up)], x: ws.h, rows: R)
        executor.split(R * I) { start, count in aepo_silu_mul(ws.act + start, ws.gate + start, ws.up + start, count) }
        executor.run([.init(linear: layer.down, out: ws.proj)], x: ws.act, rows: R)
        executor.eachRow(R, width: C) { r in
            let x = ws.x + r * C, proj = ws.proj + r * C
            for i in 0..<C { x[i] += proj[i] }
        }
    }
}

extension HFKVCache {
    /// The workspace for `rows` rows, reusing the last one when large enough.
    func workspace(config: HFModelConfig, rows: Int, threads: Int) -> HFWorkspace {
        if let ws = workspace, ws.rows >= rows { return ws }
        let ws = HFWorkspace(config: config, rows: rows, capacity: capacity, threads: threads)
        workspace = ws
        return ws
    }
}
