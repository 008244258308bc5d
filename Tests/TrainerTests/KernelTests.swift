import CKernels
import Foundation
import Testing
@testable import Trainer

/// The BLAS and vectorised kernels against their naive references.
@Suite struct KernelTests {
    @Test func sgemmMatchesNaiveForwardAndBackward() {
        let N = 7, C = 13, OC = 9
        let inp = randomBuffer(N * C, seed: 1), w = randomBuffer(OC * C, seed: 2), bias = randomBuffer(OC, seed: 3)
        let fast = FloatBuffer(count: N * OC), naive = FloatBuffer(count: N * OC)
        Matmul.forward(out: fast.pointer, inp: inp.pointer, weight: w.pointer, bias: bias.pointer, N: N, C: C, OC: OC)
        Matmul.forwardNaive(out: naive.pointer, inp: inp.pointer, weight: w.pointer, bias: bias.pointer, N: N, C: C, OC: OC)
        for i in 0..<fast.count { #expect(abs(fast[i] - naive[i]) < 1e-5) }

        let dout = randomBuffer(N * OC, seed: 4)
        let grads = (0..<2).map { _ in (FloatBuffer(count: N * C), FloatBuffer(count: OC * C), FloatBuffer(count: OC)) }
        for (index, g) in grads.enumerated() {
            g.0.pointer.update(repeating: 0.5, count: N * C)  // backward accumulates
            let call = index == 0 ? Matmul.backward : Matmul.backwardNaive
            call(g.0.pointer, g.1.pointer, g.2.pointer, dout.pointer, inp.pointer, w.pointer, N, C, OC)
        }
        for i in 0..<(N * C) { #expect(abs(grads[0].0[i] - grads[1].0[i]) < 1e-5) }
        for i in 0..<(OC * C) { #expect(abs(grads[0].1[i] - grads[1].1[i]) < 1e-5) }
        for i in 0..<OC { #expect(abs(grads[0].2[i] - grads[1].2[i]) < 1e-5) }
    }

    @Test func attentionMatchesNaive() {
        let B = 2, T = 5, C = 12, NH = 3
        let qkv = randomBuffer(B * T * 3 * C, seed: 5, scale: 2)
        let out = FloatBuffer(count: B * T * C), att = FloatBuffer(count: B * NH * T * T)
        let outRef = FloatBuffer(count: B * T * C), attRef = FloatBuffer(count: B * NH * T * T)
        Attention.forward(out: out.pointer, att: att.pointer, qkv: qkv.pointer, B: B, T: T, C: C, NH: NH)
        Attention.forwardNaive(out: outRef.pointer, att: attRef.pointer, qkv: qkv.pointer, B: B, T: T, C: C, NH: NH)
        for i in 0..<out.count { #expect(abs(out[i] - outRef[i]) < 1e-5) }
        for i in 0..<att.count { #expect(abs(att[i] - attRef[i]) < 1e-6) }
    }

    @Test func fastExpAndTanhAreAccurate() {
        var worstExp = 0.0, worstTanh = 0.0
        for step in 0...4000 {
            let x = Float(step) / 100 - 20
            let e = Double(FastMath.exp(x)), reference = Foundation.exp(Double(x))
            worstExp = max(worstExp, abs(e - reference) / reference)
            worstTanh = max(worstTanh, abs(Double(FastMath.tanh(x)) - Foundation.tanh(Double(x))))
        }
        #expect(worstExp < 5e-7)
        #expect(worstTanh < 5e-7)
        #expect(FastMath.exp(-200) < 1e-37)
        #expect(FastMath.tanh(-30) == -1 && FastMath.tanh(30) == 1)
    }

    @Test func vectorReductionsHandleTails() {
        for count in [1, 7, 8, 9, 17, 33] {
            let a = randomBuffer(count, seed: UInt64(count)), b = randomBuffer(count, seed: UInt64(count) + 100)
            let dot = (0..<count).reduce(0.0) { $0 + Double(a[$1]) * Double(b[$1]) }
            #expect(abs(Double(FastMath.dot(a.pointer, b.pointer, count)) - dot) < 1e-5)
            #expect(FastMath.max(a.pointer, count) == a.array.max())
            let expected = a.array.map { Foundation.exp(Double($0) - 0.25) }
            let sum = FastMath.expShiftInPlace(a.pointer, count, shift: 0.25)
            #expect(abs(Double(sum) - expected.reduce(0, +)) < 1e-5)
            for i in 0..<count { #expect(abs(Double(a[i]) - expected[i]) < 1e-6) }
        }
    }

    @Test func xoshiroIsDeterministicAndUniform() {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42), c = Xoshiro256(seed: 43)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        var rng = Xoshiro256(seed: 7)
        let samples = (0..<20_000).map { _ in rng.nextFloat() }
        #expect(samples.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = samples.reduce(0, +) / Float(samples.count)
        #expect(abs(mean - 0.5) < 0.01)
        #expect(Xoshiro256(seed: 1, stream: 0) != Xoshiro256(seed: 1, stream: 1))
    }

    @Test func featureMajorKernelsMatchRowMajor() {
        let R = 5, C = 12, OC = 7
        let x = randomBuffer(R * C, seed: 40, scale: 2), w = randomBuffer(OC * C, seed: 41), bias = randomBuffer(OC, seed: 42)
        let xT = FloatBuffer(count: R * C)
        for r in 0..<R { for c in 0..<C { xT[c * R + r] = x[r * C + c] } }
        let y = FloatBuffer(count: R * OC), yT = FloatBuffer(count: R * OC)
        Matmul.forward(out: y.pointer, inp: x.pointer, weight: w.pointer, bias: bias.pointer, N: R, C: C, OC: OC)
        FeatureMajor.linear(outT: yT.pointer, inpT: xT.pointer, weight: w.pointer, bias: bias.pointer, R: R, C: C, OC: OC)
        for r in 0..<R { for o in 0..<OC { #expect(abs(y[r * OC + o] - yT[o * R + r]) < 1e-5) } }
        let g = randomBuffer(C, seed: 43), b = randomBuffer(C, seed: 44)
        let ln = FloatBuffer(count: R * C), lnT = FloatBuffer(count: R * C)
        let stats = (0..<4).map { _ in FloatBuffer(count: R) }
        LayerNorm.forward(
            out: ln.pointer, mean: stats[0].pointer, rstd: stats[1].pointer, inp: x.pointer,
            weight: g.pointer, bias: b.pointer, N: R, C: C)
        FeatureMajor.layerNorm(
            outT: lnT.pointer, mean: stats[2].pointer, rstd: stats[3].pointer, inpT: xT.pointer,
            weight: g.pointer, bias: b.pointer, R: R, C: C)
        for r in 0..<R { for c in 0..<C { #expect(abs(ln[r * C + c] - lnT[c * R + r]) < 1e-5) } }
    }

    /// The decoding linear kernel: close to the naive product, the same bits
    /// for a row whatever R (so batching never changes a sequence's samples),
    /// and the same bits with AVX2 as with AVX-512.
    @Test func featureMajorLinearIsBatchInvariant() {
        let C = 37, OC = 19
        let w = randomBuffer(OC * C, seed: 50), bias = randomBuffer(OC, seed: 51)
        let column = randomBuffer(C, seed: 52, scale: 2)
        let alone = FloatBuffer(count: OC)
        FeatureMajor.linear(outT: alone.pointer, inpT: column.pointer, weight: w.pointer, bias: bias.pointer, R: 1, C: C, OC: OC)
        for R in [1, 3, 16, 17, 40] {
            // the test column sits at row R / 2 among random ones
            let xT = randomBuffer(R * C, seed: UInt64(60 + R), scale: 2)
            for c in 0..<C { xT[c * R + R / 2] = column[c] }
            let yT = FloatBuffer(count: R * OC)
            FeatureMajor.linear(outT: yT.pointer, inpT: xT.pointer, weight: w.pointer, bias: bias.pointer, R: R, C: C, OC: OC)
            for o in 0..<OC {
                for r in 0..<R {
                    let naive = (0..<C).reduce(Double(bias[o])) { $0 + Double(w[o * C + $1]) * Double(xT[$1 * R + r]) }
                    #expect(abs(Double(yT[o * R + r]) - naive) < 1e-4)
                }
            }
            if aepo_kernels_level() >= 1 {
                #expect((0..<OC).allSatisfy { yT[$0 * R + R / 2] == alone[$0] }, "R = \(R)")
            }
            if aepo_kernels_level() >= 2 {
                let narrow = FloatBuffer(count: R * OC)
                #expect(aepo_linear_fm_level(1, narrow.pointer, xT.pointer, w.pointer, bias.pointer, R, C, OC))
                #expect(narrow.array == yT.array, "R = \(R)")
            }
        }
    }

    /// Query heads sharing a K/V head give, head by head, the bits of
    /// one-head attention: positions in blocks of 16 and single ones, more
    /// heads than one pass takes, and head sizes without a vector path.
    @Test(arguments: [(64, 1, 7), (64, 16, 7), (64, 100, 7), (128, 33, 2), (64, 40, 11), (40, 21, 3), (16, 47, 9)])
    func groupedAttentionMatchesOneHeadAtATime(headSize hs: Int, positions count: Int, heads: Int) {
        let keys = randomBuffer(count * hs, seed: 80, scale: 2), values = randomBuffer(count * hs, seed: 81)
        let q = randomBuffer(heads * hs, seed: 82, scale: 2)
        let grouped = FloatBuffer(count: heads * hs), single = FloatBuffer(count: heads * hs)
        let scratch = FloatBuffer(count: heads * count)
        let scale = 1 / Float(hs).squareRoot()
        aepo_attend_group(grouped.pointer, q.pointer, heads, keys.pointer, values.pointer, count, hs, scale, scratch.pointer)
        for h in 0..<heads {
            aepo_attend_row(
                single.pointer + h * hs, 1, q.pointer + h * hs, 1, keys.pointer, values.pointer, count, hs, scale,
                scratch.pointer)
        }
        #expect(grouped.array == single.array)
    }

    /// K and V cached in bf16 give, head by head, the bits of the f32
    /// kernel on the same values widened (with and without a vector path).
    @Test(arguments: [(64, 1, 7), (64, 100, 7), (128, 33, 2), (40, 21, 3)])
    func groupedAttentionOverBF16MatchesItsF32Values(headSize hs: Int, positions count: Int, heads: Int) {
        let keys = randomBuffer(count * hs, seed: 83, scale: 2), values = randomBuffer(count * hs, seed: 84)
        var keys16 = [UInt16](repeating: 0, count: count * hs), values16 = keys16
        aepo_round_to_bf16(&keys16, keys.pointer, count * hs)
        aepo_round_to_bf16(&values16, values.pointer, count * hs)
        let wideKeys = FloatBuffer(keys16.map { Float(bitPattern: UInt32($0) << 16) })
        let wideValues = FloatBuffer(values16.map { Float(bitPattern: UInt32($0) << 16) })
        let q = randomBuffer(heads * hs, seed: 85, scale: 2)
        let narrow = FloatBuffer(count: heads * hs), wide = FloatBuffer(count: heads * hs)
        let scratch = FloatBuffer(count: heads * count)
        let scale = 1 / Float(hs).squareRoot()
        aepo_attend_group_bf16(narrow.pointer, q.pointer, heads, keys16, values16, count, hs, scale, scratch.pointer)
        aepo_attend_group(wide.pointer, q.pointer, heads, wideKeys.pointer, wideValues.pointer, count, hs, scale, scratch.pointer)
        #expect(narrow.array == wide.array)
        #expect(wideKeys.array != keys.array, "the keys were not rounded")
    }

    @Test func decodeAttentionMatchesNaive() {
        for (hs, count) in [(8, 1), (8, 9), (20, 17), (64, 40)] {
            let R = 3, r = 1
            let keys = randomBuffer(count * hs, seed: 70, scale: 2), values = randomBuffer(count * hs, seed: 71)
            let qT = randomBuffer(hs * R, seed: 72, scale: 2), outT = FloatBuffer(count: hs * R)
            let scratch = FloatBuffer(count: count)
            let scale = 1 / Float(hs).squareRoot()
            aepo_attend_row(outT.pointer + r, R, qT.pointer + r, R, keys.pointer, values.pointer, count, hs, scale, scratch.pointer)
            let scores = (0..<count).map { t in
                (0..<hs).reduce(0.0) { $0 + Double(qT[$1 * R + r]) * Double(keys[t * hs + $1]) } * Double(scale)
            }
            let top = scores.max()!
            let weights = scores.map { Foundation.exp($0 - top) }
            let total = weights.reduce(0, +)
            for i in 0..<hs {
                let expected = (0..<count).reduce(0.0) { $0 + weights[$1] * Double(values[$1 * hs + i]) } / total
                #expect(abs(Double(outT[i * R + r]) - expected) < 1e-5, "hs \(hs) count \(count) i \(i)")
                #expect(outT[i * R] == 0 && outT[i * R + 2] == 0)  // other columns untouched
            }
        }
    }

    @Test func geluKernelsMatchTheDoubleReference() {
        for n in [1, 15, 16, 33, 1000] {
            let x = randomBuffer(n, seed: UInt64(n), scale: 6), dout = randomBuffer(n, seed: UInt64(n) + 1)
            let out = FloatBuffer(count: n), dinp = FloatBuffer(count: n)
            dinp.pointer.update(repeating: 0.5, count: n)  // backward accumulates
            GELU.forward(out: out.pointer, inp: x.pointer, N: n)
            GELU.backward(dinp: dinp.pointer, inp: x.pointer, dout: dout.pointer, N: n)
            for i in 0..<n {
                #expect(abs(Double(out[i]) - GELU.forwardReference(x[i])) < 2e-6)
                #expect(abs(Double(dinp[i]) - (0.5 + GELU.derivativeReference(x[i]) * Double(dout[i]))) < 2e-6)
            }
        }
    }

    @Test func benchmarkRunsOnATinyModel() throws {
        let config = GPTConfig(vocabSize: 300, contextLength: 8, layerCount: 1, headCount: 2, modelDimension: 8)
        let result = try TrainerBenchmark.run(
            threads: 1, config: config, trainBatchSize: 2, trainSequenceLength: 4, trainSteps: 1,
            decodeBatchSize: 2, promptLength: 2, newTokens: 3)
        #expect(result.trainTokensPerSecond > 0 && result.decodeTokensPerSecond > 0)
        #expect(result.threads == 1 && !result.blasCore.isEmpty)
        #expect(["avx512", "avx2", "portable"].contains(result.decodeKernels))
        #expect(throws: GPTError.self) {
            try TrainerBenchmark.run(threads: 1, config: config, trainSteps: 1)  // T = 256 > context 8
        }
    }
}
