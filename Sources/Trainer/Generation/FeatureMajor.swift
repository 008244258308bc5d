import CBLAS
import CKernels

/// Kernels on feature-major activations, `X^T` of shape (C, R): feature c of
/// row r is at `c * R + r`. Decoding keeps its few rows (R = number of
/// sequences) in this layout: a 16-row block of `X^T` is one AVX-512 register
/// per input feature, so `Y^T = W X^T` is a stream of broadcast FMAs over the
/// weight read in place (`aepo_linear_fm` in CKernels). OpenBLAS sgemm would
/// pack the whole weight on every call, which at R = 16 costs as much as the
/// product itself.
public enum FeatureMajor {
    /// The SIMD kernels decoding uses on this CPU: "avx512", "avx2" (with FMA)
    /// or "portable" (then linear layers go through OpenBLAS sgemm).
    /// `AEPO_KERNELS=1` (or 0) in the environment caps it, for comparisons.
    public static var instructionSet: String {
        switch aepo_kernels_level() {
        case 2: "avx512"
        case 1: "avx2"
        default: "portable"
        }
    }

    /// `Y^T = W X^T + bias` (overwrites `outT`).
    ///
    /// With AVX2 or AVX-512 each output is one FMA chain over the inputs, so a
    /// row's result does not depend on R or on the other rows (a sequence
    /// samples the same tokens alone or in a batch); without them OpenBLAS
    /// sgemm does the product.
    /// - Parameters:
    ///   - outT: (OC, R) result; inpT: (C, R) input.
    ///   - weight: (OC, C) as in `Matmul`; bias: (OC) or nil.
    ///   - R: rows (columns of the feature-major matrices); C: inputs; OC: outputs.
    public static func linear(
        outT: UnsafeMutablePointer<Float>, inpT: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, R: Int, C: Int, OC: Int
    ) {
        if aepo_linear_fm(outT, inpT, weight, bias, R, C, OC) { return }
        if let bias {
            for o in 0..<OC { (outT + o * R).update(repeating: bias[o], count: R) }
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(OC), Int32(R), Int32(C),
            1, weight, Int32(C), inpT, Int32(R), bias == nil ? 0 : 1, outT, Int32(R))
    }

    /// LayerNorm of each column (the same arithmetic as `LayerNorm.forward`).
    /// - Parameters:
    ///   - outT: (C, R) result; mean, rstd: (R) statistics (written).
    ///   - inpT: (C, R) input; weight, bias: (C).
    public static func layerNorm(
        outT: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        inpT: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, R: Int, C: Int
    ) {
        mean.update(repeating: 0, count: R)
        rstd.update(repeating: 0, count: R)
        for c in 0..<C {
            let x = inpT + c * R
            for r in 0..<R { mean[r] += x[r] }
        }
        for r in 0..<R { mean[r] /= Float(C) }
        for c in 0..<C {
            let x = inpT + c * R
            for r in 0..<R {
                let d = x[r] - mean[r]
                rstd[r] += d * d
            }
        }
        for r in 0..<R { rstd[r] = 1 / (rstd[r] / Float(C) + LayerNorm.eps).squareRoot() }
        for c in 0..<C {
            let x = inpT + c * R, o = outT + c * R
            let w = weight[c], b = bias[c]
            for r in 0..<R { o[r] = (x[r] - mean[r]) * rstd[r] * w + b }
        }
    }

    /// Copies column `column` of the (rows, R) matrix `source` into `destination` (rows floats).
    @inline(__always)
    static func gatherColumn(
        _ destination: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, column: Int, rows: Int, R: Int
    ) {
        for i in 0..<rows { destination[i] = source[i * R + column] }
    }

    /// Writes `values` (rows floats) into column `column` of the (rows, R) matrix `destination`.
    @inline(__always)
    static func scatterColumn(
        _ values: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, column: Int, rows: Int, R: Int
    ) {
        for i in 0..<rows { destination[i * R + column] = values[i] }
    }
}
