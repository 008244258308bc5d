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

    @Test func benchmarkRunsOnATinyModel() throws {
        let config = GPTConfig(vocabSize: 300, contextLength: 8, layerCount: 1, headCount: 2, modelDimension: 8)
        let result = try TrainerBenchmark.run(
            threads: 1, config: config, trainBatchSize: 2, trainSequenceLength: 4, trainSteps: 1,
            decodeBatchSize: 2, promptLength: 2, newTokens: 3)
        #expect(result.trainTokensPerSecond > 0 && result.decodeTokensPerSecond > 0)
        #expect(result.threads == 1 && !result.blasCore.isEmpty)
        #expect(throws: GPTError.self) {
            try TrainerBenchmark.run(threads: 1, config: config, trainSteps: 1)  // T = 256 > context 8
        }
    }
}
