/// The merges of a BPE model: pair of token ids -> (rank, merged id), in an
/// open-addressing hash table (the hottest lookup of encoding, several per
/// token, where `Dictionary` costs about twice as much).
struct MergeTable: Sendable {
    private var keys: [UInt64]
    private var values: [UInt64]
    private let mask: Int
    private static let empty = UInt64.max

    /// Builds the table; a pair listed twice keeps its later rank, as the library's map does.
    init(_ merges: [(left: Int32, right: Int32, rank: UInt32, id: Int32)]) {
        var capacity = 16
        while capacity < merges.count * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: capacity)
        values = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for merge in merges {
            let key = Self.key(merge.left, merge.right)
            var slot = Self.hash(key) & mask
            while keys[slot] != Self.empty && keys[slot] != key { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = UInt64(merge.rank) << 32 | UInt64(UInt32(bitPattern: merge.id))
        }
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func hash(_ key: UInt64) -> Int {
        // Fibonacci hashing: the high bits of the product are well mixed.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }

    /// The rank and merged id of the pair, if it is a merge.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: UInt32, id: Int32)? {
        let key = Self.key(left, right)
        var slot = Self.hash(key) & mask
        while true {
            let found = keys[slot]
            if found == key {
                let value = values[slot]
                return (UInt32(value >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: value)))
            }
            if found == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }
}
