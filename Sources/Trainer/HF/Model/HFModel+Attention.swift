import CKernels

extension HFModel {
    /// Each row's query heads attend to their key/value head's cached
    /// positions of the row's slot, up to the row's own position; runs of
    /// (row, K/V head) items are claimed by the threads, and the query heads
    /// of an item share its reads of K and V (`aepo_attend_group`).
    func attention(
        layer l: Int, window: Int?, rows R: Int, slots: [Int], positions: [Int], cache: HFKVCache, ws: HFWorkspace
    ) {
        let D = config.headDimension, NH = config.headCount, KVH = config.keyValueHeadCount, group = NH / KVH
        let scale = 1 / Float(D).squareRoot()
        // few rows (decoding one sequence): a group's heads split so that
        // every thread gets work
        let parts = min(group, max(1, (2 * executor.threads + R * KVH - 1) / (R * KVH)))
        let items = R * KVH * parts
        let keys = cache.keys, values = cache.values, precision = cache.precision
        let widened = precision == .bf16 ? widenPrefills(layer: l, window: window, rows: R, slots: slots, positions: positions, cache: cache, ws: ws) : nil
        // contiguous runs of items, a few per thread, the last rows first:
        // in a prefill they attend to the most positions, and a long run
        // claimed last would leave the other threads idle
        let chunks = min(items, executor.threads * 8)
        executor.forEach(chunks) { claimed, t in
            let scores = ws.scores[t].pointer
            let chunk = chunks - 1 - claimed
            for item in (items * chunk / chunks)..<(items * (chunk + 1) / chunks) {
                let r = item / (KVH * parts), kv = item / parts % KVH, part = item % parts
                let position = positions[r]
                let first = window.map { max(0, position - $0 + 1) } ?? 0
                let head = kv * group + group * part / parts, heads = group * (part + 1) / parts - group * part / parts
                let at = (r * NH + head) * D
                if let widened, let entry = widened.entries[slots[r]] {
                    let base = entry.keys + kv * entry.headStride + (first - entry.first) * D
                    aepo_attend_group(
                        ws.attention + at, ws.q + at, heads, widened.pointer + base,
                        widened.pointer + base + entry.values - entry.keys, position - first + 1, D, scale, scores)
                    continue
                }
                let base = cache.offset(slot: slots[r], layer: l, head: kv) + first * D
                switch precision {
                case .f32:
                    aepo_attend_group(
                        ws.attention + at, ws.q + at, heads, keys.assumingMemoryBound(to: Float.self) + base,
                        values.assumingMemoryBound(to: Float.self) + base, position - first + 1, D, scale, scores)
                case .bf16:
                    aepo_attend_group_bf16(
                        ws.attention + at, ws.q + at, heads, keys.assumingMemoryBound(to: UInt16.self) + base,
                        values.assumingMemoryBound(to: UInt16.self) + base, position - first + 1, D, scale, scores)
                }
            }
        }
    }

    /// Where a slot's widened keys and values of one layer are, in floats
    /// from `WidenedPrefills.pointer`: position p of K/V head h at
    /// `keys` (or `values`) + h * headStride + (p - first) * D.
    struct WidenedSlot {
        let keys: Int, values: Int, headStride: Int, first: Int
    }

    /// The widened K/V of the slots of a pass, indexed by slot.
    struct WidenedPrefills {
        let pointer: UnsafeMutablePointer<Float>
        let entries: [WidenedSlot?]
    }

    /// Rows of one slot in a pass from which its bf16 keys and values are
    /// widened to f32 once for all of them.
    static let widenedPrefillRows = 8

    /// For each slot with at least `widenedPrefillRows` rows in this pass (a
    /// prefill), its bf16 keys and values of layer `l` over the positions
    /// its rows read, widened to f32 once into the workspace; nil when no
    /// slot has that many. Otherwise each row widens every block it reads
    /// itself, the same blocks again for every row: a sixth of a 512-token
    /// prefill's attention. The rows then run the f32 kernel, which gives the
    /// bf16 kernel's bits (it widens exactly).
    private func widenPrefills(
        layer l: Int, window: Int?, rows R: Int, slots: [Int], positions: [Int], cache: HFKVCache, ws: HFWorkspace
    ) -> WidenedPrefills? {
        guard R >= Self.widenedPrefillRows else { return nil }
        let D = config.headDimension, KVH = config.keyValueHeadCount
        var rowCount = [Int](repeating: 0, count: cache.slotCount)
        var lowest = [Int](repeating: .max, count: cache.slotCount), highest = [Int](repeating: -1, count: cache.slotCount)
        for r in 0..<R {
            let slot = slots[r], position = positions[r]
            rowCount[slot] += 1
            lowest[slot] = min(lowest[slot], window.map { max(0, position - $0 + 1) } ?? 0)
            highest[slot] = max(highest[slot], position)
        }
        var entries = [WidenedSlot?](repeating: nil, count: cache.slotCount)
        var work: [(slot: Int, head: Int)] = []
        var total = 0
        for slot in 0..<cache.slotCount where rowCount[slot] >= Self.widenedPrefillRows {
            let stride = (highest[slot] - lowest[slot] + 1) * D
            entries[slot] = WidenedSlot(keys: total, values: total + KVH * stride, headStride: stride, first: lowest[slot])
            total += 2 * KVH * stride
            for head in 0..<KVH { work.append((slot, head)) }
        }
        guard total > 0 else { return nil }
        let pointer = ws.widened(count: total)
        executor.forEach(work.count) { item, _ in
            let (slot, head) = work[item]
            guard let entry = entries[slot] else { return }
            let source = cache.offset(slot: slot, layer: l, head: head) + entry.first * D
            let target = head * entry.headStride
            aepo_widen_bf16(pointer + entry.keys + target, cache.keys.assumingMemoryBound(to: UInt16.self) + source, entry.headStride)
            aepo_widen_bf16(pointer + entry.values + target, cache.values.assumingMemoryBound(to: UInt16.self) + source, entry.headStride)
        }
        return WidenedPrefills(pointer: pointer, entries: entries)
    }
}
