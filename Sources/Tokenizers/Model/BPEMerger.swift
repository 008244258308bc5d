/// Applies BPE merges to one word, lowest rank first and leftmost first on
/// ties — the order `tokenizers`' `Word::merge_all` uses.
///
/// Words of up to `linearLimit` symbols keep one rank per adjacent pair and
/// scan for the minimum (fast for the short pieces a pre-tokenizer makes);
/// longer ones (a Metaspace model without pre-tokenizer sees whole
/// sentences) use a binary heap over a linked list, O(n log n).
enum BPEMerger {
    static let linearLimit = 256

    /// Merges `ids` in place using `lookup(left, right) -> (rank, merged)`.
    static func merge(_ ids: inout [Int32], merges: MergeTable) {
        if ids.count < 2 { return }
        if ids.count <= linearLimit {
            mergeLinear(&ids, merges: merges)
        } else {
            mergeWithHeap(&ids, merges: merges)
        }
    }

    static func mergeLinear(_ ids: inout [Int32], merges: MergeTable) {
        // ranks[i] is the rank of the pair (ids[i], ids[i+1]), or .max.
        var ranks = [UInt32](repeating: .max, count: ids.count - 1)
        var merged = [Int32](repeating: 0, count: ids.count - 1)
        for i in 0..<(ids.count - 1) {
            if let m = merges.lookup(ids[i], ids[i + 1]) { ranks[i] = m.rank; merged[i] = m.id }
        }
        while true {
            var best = UInt32.max
            var position = -1
            for i in 0..<ranks.count where ranks[i] < best {
                best = ranks[i]
                position = i
            }
            if position < 0 { return }
            ids[position] = merged[position]
            ids.remove(at: position + 1)
            ranks.remove(at: position)
            merged.remove(at: position)
            if position > 0 {
                let m = merges.lookup(ids[position - 1], ids[position])
                ranks[position - 1] = m?.rank ?? .max
                merged[position - 1] = m?.id ?? 0
            }
            if position < ranks.count {
                let m = merges.lookup(ids[position], ids[position + 1])
                ranks[position] = m?.rank ?? .max
                merged[position] = m?.id ?? 0
            }
        }
    }

    static func mergeWithHeap(_ ids: inout [Int32], merges: MergeTable) {
        let n = ids.count
        var symbols = ids
        var previous = (0..<n).map { $0 - 1 }
        var next = (0..<n).map { $0 + 1 }
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        for i in 0..<(n - 1) {
            if let m = merges.lookup(symbols[i], symbols[i + 1]) { heap.push(rank: m.rank, position: i, id: m.id) }
        }
        while let top = heap.pop() {
            let position = top.position
            guard alive[position], next[position] < n else { continue }
            let right = next[position]
            // A stale entry: the pair at this position changed since it was pushed.
            guard let current = merges.lookup(symbols[position], symbols[right]), current.id == top.id else { continue }
            symbols[position] = top.id
            alive[right] = false
            next[position] = next[right]
            if next[right] < n { previous[next[right]] = position }
            if previous[position] >= 0, let m = merges.lookup(symbols[previous[position]], symbols[position]) {
                heap.push(rank: m.rank, position: previous[position], id: m.id)
            }
            if next[position] < n, let m = merges.lookup(symbols[position], symbols[next[position]]) {
                heap.push(rank: m.rank, position: position, id: m.id)
            }
        }
        ids = (0..<n).filter { alive[$0] }.map { symbols[$0] }
    }
}

/// A binary min-heap of pending merges ordered by (rank, position).
struct MergeHeap {
    private var keys: [UInt64] = []
    private var ids: [Int32] = []

    mutating func push(rank: UInt32, position: Int, id: Int32) {
        keys.append(UInt64(rank) << 32 | UInt64(position))
        ids.append(id)
        var child = keys.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if keys[parent] <= keys[child] { break }
            keys.swapAt(parent, child)
            ids.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> (position: Int, id: Int32)? {
        guard let first = keys.first else { return nil }
        let result = (position: Int(first & 0xFFFF_FFFF), id: ids[0])
        keys.swapAt(0, keys.count - 1)
        ids.swapAt(0, ids.count - 1)
        keys.removeLast()
        ids.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < keys.count, keys[left] < keys[smallest] { smallest = left }
            if right < keys.count, keys[right] < keys[smallest] { smallest = right }
            if smallest == parent { break }
            keys.swapAt(parent, smallest)
            ids.swapAt(parent, smallest)
            parent = smallest
        }
        return result
    }
}
