/// Layer normalisation over the last dimension, eps = 1e-5:
/// `out = (x - mean) * rstd * weight + bias`, `rstd = 1 / sqrt(var + eps)`.
///
/// Shapes: `inp`, `out` (N, C) with N = B * T rows; `weight`, `bias` (C);
/// `mean`, `rstd` (N) saved for the backward pass.
public enum LayerNorm {
    static let eps: Float = 1e-5

    /// Normalises each row of `inp`.
    /// - Parameters:
    ///   - out: (N, C) result; mean, rstd: (N) per-row statistics (written).
    ///   - inp: (N, C) input; weight, bias: (C) affine parameters.
    ///   - N: rows; C: row width.
    public static func forward(
        out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
        rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, N: Int, C: Int
    ) {
        for row in 0..<N {
            let x = inp + row * C
            let m = sum(x, C) / Float(C)
            var variance: Float = 0
            for i in 0..<C {
                let d = x[i] - m
                variance += d * d
            }
            let s = 1 / (variance / Float(C) + eps).squareRoot()
            let o = out + row * C
            for i in 0..<C { o[i] = (x[i] - m) * s * weight[i] + bias[i] }
            mean[row] = m
            rstd[row] = s
        }
    }

    /// Accumulates `dinp`, `dweight`, `dbias` from `dout`.
    /// - Parameters:
    ///   - dinp: (N, C); dweight, dbias: (C) gradients (accumulated).
    ///   - dout: (N, C) upstream gradient; inp: (N, C) forward input; weight: (C).
    ///   - mean, rstd: (N) statistics saved by `forward`.
    public static func backward(
        dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
        dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, N: Int, C: Int
    ) {
        for row in 0..<N {
            let d = dout + row * C, x = inp + row * C, dx = dinp + row * C
            let m = mean[row], s = rstd[row]
            // the two reductions of the LayerNorm backward
            var dnormMean: Float = 0, dnormNormMean: Float = 0
            for i in 0..<C {
                let norm = (x[i] - m) * s
                let dnorm = weight[i] * d[i]
                dnormMean += dnorm
                dnormNormMean += dnorm * norm
            }
            dnormMean /= Float(C)
            dnormNormMean /= Float(C)
            for i in 0..<C {
                let norm = (x[i] - m) * s
                let dnorm = weight[i] * d[i]
                dbias[i] += d[i]
                dweight[i] += norm * d[i]
                dx[i] += (dnorm - dnormMean - norm * dnormNormMean) * s
            }
        }
    }

    @inline(__always) static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = FastMath.Vec.zero
        var i = 0
        while i + FastMath.width <= n { acc += FastMath.load(x + i); i += FastMath.width }
        var total = acc.sum()
        while i < n { total += x[i]; i += 1 }
        return total
    }
}
