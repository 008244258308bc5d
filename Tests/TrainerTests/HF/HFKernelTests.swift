import CKernels
import Foundation
import Testing
@testable import Trainer

@Suite("HF linear kernels")
struct HFKernelTests {
    /// Weights of `type` for the random values `w`, and the values they round to.
    static func stored(_ w: [Float], type: Int32) -> (bytes: [UInt8], values: [Float]) {
        var bytes: [UInt8] = [], values: [Float] = []
        for x in w {
            switch type {
            case AEPO_WEIGHT_BF16:
                let bits = UInt16(truncatingIfNeeded: x.bitPattern >> 16)  // truncation: any bf16 value will do
                bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8)]
                values.append(Float(bitPattern: UInt32(bits) << 16))
            case AEPO_WEIGHT_F16:
                let h = Float16(x)
                bytes += [UInt8(h.bitPattern & 0xFF), UInt8(h.bitPattern >> 8)]
                values.append(Float(h))
            default:
                withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 }
                values.append(x)
            }
        }
        return (bytes, values)
    }

    @Test("row and tiled kernels equal a plain product for every weight type", arguments: [AEPO_WEIGHT_F32, AEPO_WEIGHT_BF16, AEPO_WEIGHT_F16])
    func products(_ type: Int32) {
        let R = 7, C = 37, OC = 23  // odd sizes: tails in every loop
        var rng = Xoshiro256(seed: 11)
        let x = (0..<(R * C)).map { _ in rng.nextFloat() * 2 - 1 }
        let (bytes, w) = Self.stored((0..<(OC * C)).map { _ in rng.nextFloat() * 2 - 1 }, type: type)
        let bias = (0..<OC).map { _ in rng.nextFloat() }
        var reference = [Float](repeating: 0, count: R * OC)
        for r in 0..<R {
            for o in 0..<OC {
                var s = Double(bias[o])
                for c in 0..<C { s += Double(x[r * C + c]) * Double(w[o * C + c]) }
                reference[r * OC + o] = Float(s)
            }
        }
        var rows = [Float](repeating: .nan, count: R * OC), tiles = rows
        let xT = (0..<(C * R)).map { i in x[(i % R) * C + i / R] }
        var scratch = [Float](repeating: 0, count: 8 * C), tileOut = [Float](repeating: 0, count: 8 * R)
        bytes.withUnsafeBytes { wp in
            // two calls over disjoint output ranges, as threads split them
            aepo_linear_rows(&rows, OC, x, C, R, C, wp.baseAddress, type, bias, 0, 12)
            aepo_linear_rows(&rows, OC, x, C, R, C, wp.baseAddress, type, bias, 12, OC)
            aepo_linear_tiles(&tiles, OC, xT, R, C, wp.baseAddress, type, bias, 0, OC, 8, &scratch, &tileOut)
        }
        #expect(zip(rows, reference).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(tiles, reference).allSatisfy { abs($0 - $1) < 1e-4 })
        // a row's result does not depend on how many rows are computed with it
        var single = [Float](repeating: 0, count: OC)
        bytes.withUnsafeBytes { wp in
            aepo_linear_rows(&single, OC, Array(x[(5 * C)...]), C, 1, C, wp.baseAddress, type, bias, 0, OC)
        }
        #expect(single == Array(rows[(5 * OC)..<(6 * OC)]))
    }

    /// One output of the row kernel as its documented chain computes it:
    /// 16 lane sums over inputs c = 0, 16, 32, ... (one multiply-add per
    /// step, fused where the kernels' level has FMA), the lanes summed as
    /// `sum16` pairs them (j with j + 8, then + 4, + 2, + 1), the C % 16
    /// trailing inputs added one by one, then the bias.
    static func chain(_ w: ArraySlice<Float>, _ x: ArraySlice<Float>, bias: Float, fused: Bool) -> Float {
        let w = Array(w), x = Array(x), body = w.count / 16 * 16
        func step(_ s: Float, _ a: Float, _ b: Float) -> Float { fused ? s.addingProduct(a, b) : s + a * b }
        var lanes = [Float](repeating: 0, count: 16)
        for c in stride(from: 0, to: body, by: 16) {
            for j in 0..<16 { lanes[j] = step(lanes[j], w[c + j], x[c + j]) }
        }
        for half in [8, 4, 2, 1] {
            for j in 0..<half { lanes[j] = lanes[j] + lanes[j + half] }
        }
        var s = lanes[0]
        for t in body..<w.count { s = step(s, w[t], x[t]) }
        return s + bias
    }

    @Test("the row kernel computes every output as its documented chain, bit for bit, at every row count", arguments: [AEPO_WEIGHT_F32, AEPO_WEIGHT_BF16, AEPO_WEIGHT_F16])
    func rowKernelChain(_ type: Int32) {
        // 1603 inputs: several 256-input chunks, a partial one and a scalar
        // tail; 11 outputs: blocks of 3 and a remainder; 33 rows: the AVX2
        // kernel's panels of 28 rows at this width, and blocks of 4 and 1
        let C = 1603, OC = 11, R = 33
        var rng = Xoshiro256(seed: 5)
        let x = (0..<(R * C)).map { _ in rng.nextFloat() * 2 - 1 }
        let (bytes, w) = Self.stored((0..<(OC * C)).map { _ in rng.nextFloat() * 2 - 1 }, type: type)
        let bias = (0..<OC).map { _ in rng.nextFloat() }
        let fused = aepo_kernels_level() >= 1
        for rows in [1, 2, 3, 4, 5, 16, R] {
            var y = [Float](repeating: .nan, count: rows * OC)
            bytes.withUnsafeBytes { wp in
                aepo_linear_rows(&y, OC, x, C, rows, C, wp.baseAddress, type, bias, 0, 4)
                aepo_linear_rows(&y, OC, x, C, rows, C, wp.baseAddress, type, bias, 4, OC)
            }
            for r in 0..<rows {
                for o in 0..<OC {
                    let expected = Self.chain(w[(o * C)..<((o + 1) * C)], x[(r * C)..<((r + 1) * C)], bias: bias[o], fused: fused)
                    #expect(y[r * OC + o].bitPattern == expected.bitPattern, "rows \(rows), row \(r), output \(o)")
                }
            }
        }
    }

    @Test("conversion, RMSNorm and SwiGLU against scalar arithmetic")
    func elementwise() {
        let (bytes, values) = Self.stored([1.5, -2.25, 3.0e-3, 65504, 0.1], type: AEPO_WEIGHT_F16)
        var out = [Float](repeating: 0, count: 4)
        bytes.withUnsafeBytes { aepo_convert_to_f32(&out, $0.baseAddress, AEPO_WEIGHT_F16, 1, 4) }
        #expect(out == Array(values[1...]))
        let x: [Float] = (0..<21).map { Float($0) - 7 }, weight: [Float] = (0..<21).map { 1 + Float($0) / 10 }
        var normed = [Float](repeating: 0, count: 21)
        aepo_rmsnorm(&normed, x, weight, 21, 1e-5)
        let rms = (x.map { Double($0 * $0) }.reduce(0, +) / 21 + 1e-5).squareRoot()
        #expect(zip(normed, (0..<21).map { Double(x[$0]) / rms * Double(weight[$0]) }).allSatisfy { abs(Double($0) - $1) < 1e-5 })
        var act = [Float](repeating: 0, count: 21)
        aepo_silu_mul(&act, x, weight, 21)
        #expect(zip(act, (0..<21).map { Double(x[$0]) / (1 + exp(-Double(x[$0]))) * Double(weight[$0]) }).allSatisfy { abs(Double($0) - $1) < 1e-5 })
    }

    /// The index a scan keeping the first strictly greater value finds.
    static func scanArgmax(_ x: [Float]) -> Int {
        var best = 0
        for j in x.indices.dropFirst() where x[j] > x[best] { best = j }
        return best
    }

    @Test("argmax is the first largest value, NaN skipped, at every length and place")
    func argmax() {
        var rng = Xoshiro256(seed: 5)
        for n in [1, 2, 15, 16, 17, 33, 1000] {
            for place in Set([0, n / 2, n - 1]) {
                var x = (0..<n).map { _ in rng.nextFloat() * 2 - 1 }
                x[place] = 3
                #expect(aepo_argmax(x, n) == place, "n \(n) place \(place)")
                #expect(aepo_argmax(x, n) == Self.scanArgmax(x))
            }
        }
        // ties: the first; -0 and 0 are equal
        #expect(aepo_argmax([1, 5, 2, 5, 5] + [Float](repeating: 0, count: 20), 25) == 1)
        #expect(aepo_argmax([Float](repeating: -1, count: 20) + [-0.0, 0, 0], 23) == 20)
        // NaN never counts as larger; a NaN first leaves index 0, as the scan does
        var withNaN = [Float](repeating: 0.5, count: 40)
        withNaN[3] = .nan
        withNaN[20] = .nan
        withNaN[31] = 0.75
        #expect(aepo_argmax(withNaN, 40) == 31)
        withNaN[0] = .nan
        #expect(aepo_argmax(withNaN, 40) == 0 && Self.scanArgmax(withNaN) == 0)
        #expect(aepo_argmax([-.infinity, -.infinity], 2) == 0)
        #expect(aepo_argmax([-.infinity, -3, .infinity, .infinity], 4) == 2)
    }

    @Test("RoPE pairs element i with i + D/2, products and sums unfused", arguments: [6, 64, 128])
    func rope(_ D: Int) {
        var rng = Xoshiro256(seed: UInt64(D))
        let v = (0..<D).map { _ in rng.nextFloat() * 8 - 4 }
        let angles = (0..<(D / 2)).map { _ in rng.nextFloat() * 6 }
        let cos = angles.map { Foundation.cos($0) }, sin = angles.map { Foundation.sin($0) }
        var rotated = v
        aepo_rope(&rotated, D, cos, sin)
        for i in 0..<(D / 2) {
            let a = v[i], b = v[i + D / 2]
            let (ac, bs, bc, as_) = (a * cos[i], b * sin[i], b * cos[i], a * sin[i])
            #expect(rotated[i] == ac - bs, "element \(i)")
            #expect(rotated[i + D / 2] == bc + as_, "element \(i + D / 2)")
        }
    }
}
