import CKernels
import Foundation
import Testing

@testable import Trainer

/// The bf16 products (`vdpbf16ps`) against a Double reference over the
/// same bf16-rounded values, the rounding itself, and batch invariance.
@Suite("bf16 products", .enabled(if: ActivationPrecision.bf16Available))
struct BF16KernelTests {
    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state % 2_000_001) / 1_000_000 - 1
        }
    }

    static func bf16(_ values: [Float]) -> [UInt16] {
        var out = [UInt16](repeating: 0, count: values.count)
        aepo_round_to_bf16(&out, values, values.count)
        return out
    }

    static func float(_ h: UInt16) -> Float { Float(bitPattern: UInt32(h) << 16) }

    @Test func roundingIsToNearestEven() {
        // 1 + 2^-8 lies halfway between two bf16 values: ties go to the even one (1.0).
        let halfway = Float(bitPattern: 0x3F80_8000)
        let above = Float(bitPattern: 0x3F80_8001)
        let odd = Float(bitPattern: 0x3F81_8000)  // halfway above an odd bf16: rounds up
        #expect(Self.bf16([halfway, above, odd, 1, -2.5, 0]) == [0x3F80, 0x3F81, 0x3F82, 0x3F80, 0xC020, 0])
        #expect(Self.float(Self.bf16([.nan])[0]).isNaN)
        #expect(Self.bf16([.infinity])[0] == 0x7F80)
    }

    /// Runs of 16 go through the vector rounding, single values through the
    /// scalar one: both give the same bits, subnormals and NaN included.
    @Test func vectorRoundingMatchesTheScalarOne() {
        var inputs = Self.values(45, seed: 9).map { $0 * 1e3 }
        inputs += [.nan, -.infinity, .infinity, 0, -0.0, Float(bitPattern: 0x0000_8000), Float(bitPattern: 0x0001_7FFF)]
        inputs += [Float(bitPattern: 0x3F80_8000), Float(bitPattern: 0x3F81_8000), .greatestFiniteMagnitude]
        let whole = Self.bf16(inputs)
        let oneByOne = inputs.map { Self.bf16([$0])[0] }
        #expect(whole == oneByOne)
    }

    @Test(arguments: [(1, 64), (3, 100), (16, 896), (70, 96), (9, 2100)])
    func productsMatchTheReference(rows R: Int, inputs C: Int) {
        let OC = 13
        let x = Self.bf16(Self.values(R * C, seed: 1)), w = Self.bf16(Self.values(OC * C, seed: 2))
        let bias = Self.values(OC, seed: 3)
        var y = [Float](repeating: .nan, count: R * OC)
        let ran = aepo_linear_rows_bf16(&y, OC, x, C, R, C, w, bias, 0, OC)
        #expect(ran == 1)
        for r in 0..<R {
            for o in 0..<OC {
                var reference = Double(bias[o])
                for c in 0..<C { reference += Double(Self.float(x[r * C + c])) * Double(Self.float(w[o * C + c])) }
                #expect(abs(Double(y[r * OC + o]) - reference) <= 1e-4 * max(1, abs(reference)), "row \(r) output \(o)")
            }
        }
    }

    /// Every block shape (8x1 at batch 1, 4x4, 4x1, 1x4, 1x1), row blocks
    /// taken backwards (every other weight block, batch 16), the inputs in
    /// chunks (C >= 1536, with more than one chunk of row blocks at 68 rows)
    /// and a tail of inputs past the last 32 give a row the same bits.
    @Test(arguments: [(9, 160, 11), (9, 170, 37), (6, 896, 40), (16, 896, 12), (9, 2100, 9), (68, 1600, 5)])
    func aRowsResultDoesNotDependOnTheBatch(rows R: Int, inputs C: Int, outputs OC: Int) {
        let x = Self.bf16(Self.values(R * C, seed: 4)), w = Self.bf16(Self.values(OC * C, seed: 5))
        var batch = [Float](repeating: 0, count: R * OC)
        _ = aepo_linear_rows_bf16(&batch, OC, x, C, R, C, w, nil, 0, OC)
        for r in 0..<R {
            var single = [Float](repeating: 0, count: OC)
            let row = Array(x[(r * C)..<((r + 1) * C)])
            _ = aepo_linear_rows_bf16(&single, OC, row, C, 1, C, w, nil, 0, OC)
            #expect(single == Array(batch[(r * OC)..<((r + 1) * OC)]), "row \(r)")
        }
    }

    /// Items of two products on a pool of 2 threads (claimed one ahead) and
    /// on the caller alone give the bits of one `aepo_linear_rows_bf16`
    /// call per product.
    @Test(arguments: [(1, 896), (16, 896), (16, 1700)])
    func itemsOnAPoolGiveTheWholeProducts(rows R: Int, inputs C: Int) {
        let widths = [44, 20]
        let x = Self.bf16(Self.values(R * C, seed: 6))
        let weights = widths.enumerated().map { j, width in Self.bf16(Self.values(width * C, seed: 7 + UInt64(j))) }
        let bias = Self.values(widths[0], seed: 9)
        var expected = widths.map { [Float](repeating: 0, count: R * $0) }
        for j in widths.indices {
            _ = aepo_linear_rows_bf16(&expected[j], widths[j], x, C, R, C, weights[j], j == 0 ? bias : nil, 0, widths[j])
        }
        let pool = WorkerPool(threads: 2)
        for handle in [pool.handle, nil] {
            let outputs = widths.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: R * $0) }
            defer { outputs.forEach { $0.deallocate() } }
            outputs.forEach { $0.initialize(repeating: .nan) }
            weights[0].withUnsafeBufferPointer { w0 in
                weights[1].withUnsafeBufferPointer { w1 in
                    bias.withUnsafeBufferPointer { b in
                        let w = [w0.baseAddress!, w1.baseAddress!]
                        // items of 8 and 12 outputs, the last of each product short
                        let ranges: [(Int, Range<Int>)] = [(0, 0..<8), (0, 8..<20), (0, 20..<32), (0, 32..<44), (1, 0..<8), (1, 8..<20)]
                        let items = ranges.map { j, range in
                            aepo_bf16_item(
                                y: outputs[j].baseAddress, ldy: widths[j], w: w[j], bias: j == 0 ? b.baseAddress : nil,
                                o0: range.lowerBound, o1: range.upperBound)
                        }
                        #expect(aepo_linear_bf16_items(handle, items, items.count, x, C, R, C) == 1)
                    }
                }
            }
            for j in widths.indices {
                #expect(Array(outputs[j]) == expected[j], "product \(j), pool \(handle == nil ? "none" : "2 threads")")
            }
        }
    }

    /// Weights that start at every 2-byte offset from a cache line (as
    /// tensors do after a shard's header) give the bits of aligned ones,
    /// at batch 1, 16 (lines put together) and 40 (blocks copied), with
    /// rows of one chunk and of several.
    @Test(arguments: [(1, 896), (16, 896), (16, 1600), (40, 896), (40, 1600)])
    func misalignedWeightsGiveTheAlignedBits(rows R: Int, inputs C: Int) {
        let OC = 12
        let x = Self.bf16(Self.values(R * C, seed: 10)), w = Self.bf16(Self.values(OC * C, seed: 11))
        let storage = UnsafeMutableRawPointer.allocate(byteCount: OC * C * 2 + 128, alignment: 64)
        defer { storage.deallocate() }
        var aligned = [Float](repeating: 0, count: R * OC)
        for shift in 0..<32 {
            let weights = (storage + 2 * shift).bindMemory(to: UInt16.self, capacity: OC * C)
            weights.update(from: w, count: OC * C)
            var y = [Float](repeating: .nan, count: R * OC)
            _ = aepo_linear_rows_bf16(&y, OC, x, C, R, C, weights, nil, 0, OC)
            if shift == 0 { aligned = y } else { #expect(y == aligned, "shift \(shift) elements") }
        }
    }
}
