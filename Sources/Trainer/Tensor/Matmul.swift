import CBLAS

/// The linear layer `out = inp @ weight^T + bias`, every product through
/// OpenBLAS `cblas_sgemm`, with a naive reference beside it for the tests.
///
/// Shapes (row-major): `inp` (N, C), `weight` (OC, C) as in `nn.Linear`,
/// `bias` (OC), `out` (N, OC), where N = B * T rows.
public enum Matmul {
    /// `out = inp @ weight^T + bias` (overwrites `out`).
    /// - Parameters:
    ///   - out: (N, OC) result.
    ///   - inp: (N, C) input rows.
    ///   - weight: (OC, C) weight.
    ///   - bias: (OC) bias, or nil.
    ///   - N: rows; C: input features; OC: output features.
    public static func forward(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        N: Int, C: Int, OC: Int
    ) {
        if let bias {
            for row in 0..<N { (out + row * OC).update(from: bias, count: OC) }
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(N), Int32(OC), Int32(C),
            1, inp, Int32(C), weight, Int32(C), bias == nil ? 0 : 1, out, Int32(OC))
    }

    /// Backward of `forward`, accumulating (`+=`) into `dinp`, `dweight`, `dbias`:
    /// `dinp += dout @ weight`, `dweight += dout^T @ inp`, `dbias += sum_rows dout`.
    /// - Parameters:
    ///   - dinp: (N, C) or nil to skip; dweight: (OC, C); dbias: (OC) or nil.
    ///   - dout: (N, OC) upstream gradient; inp: (N, C); weight: (OC, C).
    public static func backward(
        dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
        dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
        inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        N: Int, C: Int, OC: Int
    ) {
        if let dinp {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(N), Int32(C), Int32(OC),
                1, dout, Int32(OC), weight, Int32(C), 1, dinp, Int32(C))
        }
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(OC), Int32(C), Int32(N),
            1, dout, Int32(OC), inp, Int32(C), 1, dweight, Int32(C))
        if let dbias {
            for row in 0..<N {
                let d = dout + row * OC
                for o in 0..<OC { dbias[o] += d[o] }
            }
        }
    }

    /// Naive triple-loop reference of `forward` (accumulates in Double).
    public static func forwardNaive(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        N: Int, C: Int, OC: Int
    ) {
        for row in 0..<N {
            for o in 0..<OC {
                var sum = Double(bias?[o] ?? 0)
                for i in 0..<C { sum += Double(inp[row * C + i]) * Double(weight[o * C + i]) }
                out[row * OC + o] = Float(sum)
            }
        }
    }

    /// Naive triple-loop reference of `backward` (same accumulate semantics).
    public static func backwardNaive(
        dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
        dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
        inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        N: Int, C: Int, OC: Int
    ) {
        if let dinp {
            for row in 0..<N {
                for i in 0..<C {
                    var sum = 0.0
                    for o in 0..<OC { sum += Double(dout[row * OC + o]) * Double(weight[o * C + i]) }
                    dinp[row * C + i] += Float(sum)
                }
            }
        }
        for o in 0..<OC {
            for i in 0..<C {
                var sum = 0.0
                for row in 0..<N { sum += Double(dout[row * OC + o]) * Double(inp[row * C + i]) }
                dweight[o * C + i] += Float(sum)
            }
            if let dbias {
                var sum = 0.0
                for row in 0..<N { sum += Double(dout[row * OC + o]) }
                dbias[o] += Float(sum)
            }
        }
    }
}
