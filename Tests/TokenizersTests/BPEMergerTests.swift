import Testing
@testable import Tokenizers

/// The two merge strategies agree, and follow rank then position.
@Suite struct BPEMergerTests {
    @Test func lowestRankFirstThenLeftmost() {
        // ids: a=0 b=1 ab=2 bb=3 abb=4; merges by rank: (b,b)->bb, (a,b)->ab, (a,bb)->abb
        let table = MergeTable([(1, 1, 0, 3), (0, 1, 1, 2), (0, 3, 2, 4)])
        var ids: [Int32] = [0, 1, 1, 0, 1]  // a b b a b
        BPEMerger.merge(&ids, merges: table)
        #expect(ids == [4, 2])  // (a (b b)) (a b)
        var tie: [Int32] = [1, 1, 1]  // b b b: leftmost pair merges first
        BPEMerger.merge(&tie, merges: table)
        #expect(tie == [3, 1])
    }

    @Test func heapAndLinearAgree() {
        // A fixed LCG so a failure reproduces.
        var state: UInt64 = 0x1234_5678
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        // A random merge table over 8 base symbols creating ids 8...
        var merges: [(left: Int32, right: Int32, rank: UInt32, id: Int32)] = []
        var seen = Set<Int64>()
        for rank in 0..<60 {
            let left = Int32(next(8 + rank)), right = Int32(next(8 + rank))
            guard seen.insert(Int64(left) << 32 | Int64(right)).inserted else { continue }
            merges.append((left, right, UInt32(rank), Int32(8 + rank)))
        }
        let table = MergeTable(merges)
        for _ in 0..<300 {
            let word = (0..<(2 + next(400))).map { _ in Int32(next(8)) }
            var linear = word, heap = word
            BPEMerger.mergeLinear(&linear, merges: table)
            BPEMerger.mergeWithHeap(&heap, merges: table)
            #expect(linear == heap)
        }
    }
}
