import Testing
@testable import Trainer

/// Central-difference checks of every layer's backward pass. Each layer's
/// output is reduced to a scalar `sum(out * R)` with random R, so the upstream
/// gradient is R.
@Suite struct LayerGradientTests {
    let B = 2, T = 3, C = 8

    @Test func encoder() {
        let V = 5, maxT = 4
        let tokens: [Int32] = [1, 4, 1, 0, 2, 4]
        let wte = randomBuffer(V * C, seed: 1), wpe = randomBuffer(maxT * C, seed: 2)
        let out = FloatBuffer(count: B * T * C), r = randomBuffer(B * T * C, seed: 3)
        let dwte = FloatBuffer(count: V * C), dwpe = FloatBuffer(count: maxT * C)
        func loss() -> Double {
            Encoder.forward(out: out.pointer, tokens: tokens, wte: wte.pointer, wpe: wpe.pointer, B: B, T: T, C: C)
            return projectedLoss(out, r)
        }
        _ = loss()
        Encoder.backward(dwte: dwte.pointer, dwpe: dwpe.pointer, dout: r.pointer, tokens: tokens, B: B, T: T, C: C)
        checkGradient("encoder.wte", input: wte, analytic: dwte, loss: loss)
        checkGradient("encoder.wpe", input: wpe, analytic: dwpe, loss: loss)
    }

    @Test func layerNorm() {
        let N = B * T
        let inp = randomBuffer(N * C, seed: 4, scale: 2), w = randomBuffer(C, seed: 5), bias = randomBuffer(C, seed: 6)
        let out = FloatBuffer(count: N * C), mean = FloatBuffer(count: N), rstd = FloatBuffer(count: N)
        let r = randomBuffer(N * C, seed: 7)
        let dinp = FloatBuffer(count: N * C), dw = FloatBuffer(count: C), db = FloatBuffer(count: C)
        func loss() -> Double {
            LayerNorm.forward(
                out: out.pointer, mean: mean.pointer, rstd: rstd.pointer, inp: inp.pointer,
                weight: w.pointer, bias: bias.pointer, N: N, C: C)
            return projectedLoss(out, r)
        }
        _ = loss()
        LayerNorm.backward(
            dinp: dinp.pointer, dweight: dw.pointer, dbias: db.pointer, dout: r.pointer, inp: inp.pointer,
            weight: w.pointer, mean: mean.pointer, rstd: rstd.pointer, N: N, C: C)
        checkGradient("layernorm.inp", input: inp, analytic: dinp, loss: loss)
        checkGradient("layernorm.weight", input: w, analytic: dw, loss: loss)
        checkGradient("layernorm.bias", input: bias, analytic: db, loss: loss)
    }

    @Test func matmul() {
        let N = B * T, OC = 5
        let inp = randomBuffer(N * C, seed: 8), w = randomBuffer(OC * C, seed: 9), bias = randomBuffer(OC, seed: 10)
        let out = FloatBuffer(count: N * OC), r = randomBuffer(N * OC, seed: 11)
        let dinp = FloatBuffer(count: N * C), dw = FloatBuffer(count: OC * C), db = FloatBuffer(count: OC)
        func loss() -> Double {
            Matmul.forward(out: out.pointer, inp: inp.pointer, weight: w.pointer, bias: bias.pointer, N: N, C: C, OC: OC)
            return projectedLoss(out, r)
        }
        _ = loss()
        Matmul.backward(
            dinp: dinp.pointer, dweight: dw.pointer, dbias: db.pointer, dout: r.pointer,
            inp: inp.pointer, weight: w.pointer, N: N, C: C, OC: OC)
        checkGradient("matmul.inp", input: inp, analytic: dinp, loss: loss)
        checkGradient("matmul.weight", input: w, analytic: dw, loss: loss)
        checkGradient("matmul.bias", input: bias, analytic: db, loss: loss)
    }

    @Test func attention() {
        let NH = 2
        let qkv = randomBuffer(B * T * 3 * C, seed: 12, scale: 1.5)
        let out = FloatBuffer(count: B * T * C), att = FloatBuffer(count: B * NH * T * T)
        let r = randomBuffer(B * T * C, seed: 13)
        let dqkv = FloatBuffer(count: B * T * 3 * C), scratch = FloatBuffer(count: T * T)
        func loss() -> Double {
            Attention.forward(out: out.pointer, att: att.pointer, qkv: qkv.pointer, B: B, T: T, C: C, NH: NH)
            return projectedLoss(out, r)
        }
        _ = loss()
        Attention.backward(
            dqkv: dqkv.pointer, scratch: scratch.pointer, dout: r.pointer, qkv: qkv.pointer, att: att.pointer,
            B: B, T: T, C: C, NH: NH)
        checkGradient("attention.qkv", input: qkv, analytic: dqkv, loss: loss)
    }

    /// Longer than `Attention.queryBlock`, so several query blocks are used.
    @Test func attentionAcrossQueryBlocks() {
        let B = 1, T = Attention.queryBlock + 9, C = 4, NH = 2
        let qkv = randomBuffer(B * T * 3 * C, seed: 30, scale: 1.5)
        let out = FloatBuffer(count: B * T * C), att = FloatBuffer(count: B * NH * T * T)
        let outRef = FloatBuffer(count: B * T * C), attRef = FloatBuffer(count: B * NH * T * T)
        Attention.forwardNaive(out: outRef.pointer, att: attRef.pointer, qkv: qkv.pointer, B: B, T: T, C: C, NH: NH)
        let r = randomBuffer(B * T * C, seed: 31)
        let dqkv = FloatBuffer(count: B * T * 3 * C), scratch = randomBuffer(T * T, seed: 32)  // garbage must not leak
        func loss() -> Double {
            Attention.forward(out: out.pointer, att: att.pointer, qkv: qkv.pointer, B: B, T: T, C: C, NH: NH)
            return projectedLoss(out, r)
        }
        _ = loss()
        for i in 0..<out.count { #expect(abs(out[i] - outRef[i]) < 1e-5) }
        for i in 0..<att.count { #expect(abs(att[i] - attRef[i]) < 1e-6) }
        Attention.backward(
            dqkv: dqkv.pointer, scratch: scratch.pointer, dout: r.pointer, qkv: qkv.pointer, att: att.pointer,
            B: B, T: T, C: C, NH: NH)
        var rng = Xoshiro256(seed: 33)
        let indices = (0..<80).map { _ in Int(rng.next() % UInt64(qkv.count)) } + [0, qkv.count - 1]
        checkGradient("attention.qkv (T=\(T))", input: qkv, analytic: dqkv, indices: indices, loss: loss)
    }

    @Test func gelu() {
        let N = 64
        let inp = randomBuffer(N, seed: 14, scale: 4), out = FloatBuffer(count: N)
        let r = randomBuffer(N, seed: 15), dinp = FloatBuffer(count: N)
        func loss() -> Double {
            GELU.forward(out: out.pointer, inp: inp.pointer, N: N)
            return projectedLoss(out, r)
        }
        _ = loss()
        GELU.backward(dinp: dinp.pointer, inp: inp.pointer, dout: r.pointer, N: N)
        checkGradient("gelu.inp", input: inp, analytic: dinp, loss: loss)
    }

    @Test func residual() {
        let N = 24
        let a = randomBuffer(N, seed: 16), b = randomBuffer(N, seed: 17), out = FloatBuffer(count: N)
        let r = randomBuffer(N, seed: 18), da = FloatBuffer(count: N), db = FloatBuffer(count: N)
        func loss() -> Double {
            Residual.forward(out: out.pointer, inp1: a.pointer, inp2: b.pointer, N: N)
            return projectedLoss(out, r)
        }
        _ = loss()
        Residual.backward(dinp1: da.pointer, dinp2: db.pointer, dout: r.pointer, N: N)
        checkGradient("residual.inp1", input: a, analytic: da, loss: loss)
        checkGradient("residual.inp2", input: b, analytic: db, loss: loss)
    }

    @Test(arguments: [Float(1), 0.7])
    func softmaxCrossEntropy(temperature: Float) {
        let N = 4, V = 7
        let logits = randomBuffer(N * V, seed: 19, scale: 3)
        let targets: [Int32] = [0, 6, 3, 3]
        let weights = FloatBuffer([0.5, -1.25, 0, 2])  // arbitrary dL/dlogprob, one row masked
        let probs = FloatBuffer(count: N * V), logprobs = FloatBuffer(count: N), entropy = FloatBuffer(count: N)
        let dlogits = FloatBuffer(count: N * V)
        func loss() -> Double {
            SoftmaxCrossEntropy.forward(
                probs: probs.pointer, logprobs: logprobs.pointer, entropy: entropy.pointer, logits: logits.pointer,
                targets: targets, invTemperature: 1 / temperature, N: N, V: V)
            return projectedLoss(logprobs, weights)
        }
        _ = loss()
        SoftmaxCrossEntropy.backward(
            dlogits: dlogits.pointer, dlogprob: weights.pointer, probs: probs.pointer, targets: targets,
            invTemperature: 1 / temperature, N: N, V: V)
        checkGradient("softmax_ce.logits", input: logits, analytic: dlogits, loss: loss)
        _ = loss()  // the check leaves the outputs of a perturbed input behind
        let reference = SoftmaxCrossEntropy.referenceLogProbs(
            logits: logits.pointer, targets: targets, invTemperature: 1 / temperature, N: N, V: V)
        for row in 0..<N {
            #expect(abs(Double(logprobs[row]) - reference.logprobs[row]) < 1e-5)
            #expect(abs(Double(entropy[row]) - reference.entropies[row]) < 1e-5)
        }
    }
}
