import CBLAS
import Foundation

/// Causal multi-head self-attention over a fused `qkv` input.
///
/// Shapes: `qkv` (B, T, 3C) holding q | k | v, each split into NH heads of
/// hs = C / NH; `att` (B, NH, T, T) post-softmax weights (saved for backward;
/// entries above the diagonal are 0); `out` (B, T, C) heads concatenated.
/// Per (b, h) the products are `cblas_sgemm` calls with leading dimension 3C,
/// over blocks of query rows so the masked upper triangle is mostly skipped.
public enum Attention {
    /// Query rows processed per sgemm: row block i only needs keys
    /// 0..<(i + 1) * queryBlock, which skips most of the masked upper triangle.
    static let queryBlock = 64

    /// `out = softmax(mask(q k^T / sqrt(hs))) v` per batch and head.
    /// - Parameters:
    ///   - out: (B, T, C) result; att: (B, NH, T, T) attention weights (written).
    ///   - qkv: (B, T, 3C) input.
    ///   - B: batch; T: length; C: width; NH: heads.
    public static func forward(
        out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
        qkv: UnsafePointer<Float>, B: Int, T: Int, C: Int, NH: Int
    ) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let ld = Int32(3 * C)
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * T * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let a = att + (b * NH + h) * T * T
                var start = 0
                while start < T {
                    // query rows start..<end attend to keys 0..<end
                    let end = min(start + queryBlock, T), rows = end - start
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(end), Int32(hs),
                        scale, q + start * 3 * C, ld, k, ld, 0, a + start * T, Int32(T))
                    for t in start..<end {
                        let row = a + t * T
                        let maxValue = FastMath.max(row, t + 1)
                        let inv = 1 / FastMath.expShiftInPlace(row, t + 1, shift: maxValue)
                        for j in 0...t { row[j] *= inv }
                        (row + t + 1).update(repeating: 0, count: T - t - 1)
                    }
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(hs), Int32(end),
                        1, a + start * T, Int32(T), v, ld, 0, out + (b * T + start) * C + h * hs, Int32(C))
                    start = end
                }
            }
        }
    }

    /// Accumulates `dqkv` from `dout`.
    /// - Parameters:
    ///   - dqkv: (B, T, 3C) gradient (accumulated).
    ///   - scratch: (T, T) workspace.
    ///   - dout: (B, T, C) upstream gradient; qkv: (B, T, 3C) forward input;
    ///     att: (B, NH, T, T) weights from `forward`.
    public static func backward(
        dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, qkv: UnsafePointer<Float>, att: UnsafePointer<Float>,
        B: Int, T: Int, C: Int, NH: Int
    ) {
        let hs = C / NH
        let scale = 1 / Float(hs).squareRoot()
        let ld = Int32(3 * C)
        for b in 0..<B {
            for h in 0..<NH {
                let base = b * T * 3 * C + h * hs
                let q = qkv + base, k = q + C, v = q + 2 * C
                let dq = dqkv + base, dk = dq + C, dv = dq + 2 * C
                let a = att + (b * NH + h) * T * T
                var start = 0
                while start < T {
                    let end = min(start + queryBlock, T), rows = end - start
                    let d = dout + (b * T + start) * C + h * hs
                    let aBlock = a + start * T, dBlock = scratch + start * T
                    // datt = dout v^T                                  (rows, end)
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(end), Int32(hs),
                        1, d, Int32(C), v, ld, 0, dBlock, Int32(T))
                    // dv += att^T dout                                 (end, hs)
                    cblas_sgemm(
                        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(end), Int32(hs), Int32(rows),
                        1, aBlock, Int32(T), d, Int32(C), 1, dv, ld)
                    // softmax backward in place: dpre = att * (datt - sum(att * datt))
                    for t in start..<end {
                        let arow = a + t * T, drow = scratch + t * T
                        let inner = FastMath.dot(arow, drow, t + 1)
                        for j in 0...t { drow[j] = arow[j] * (drow[j] - inner) }
                        (drow + t + 1).update(repeating: 0, count: end - t - 1)
                    }
                    // dq += scale dpre k ; dk += scale dpre^T q         (rows, hs), (end, hs)
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(hs), Int32(end),
                        scale, dBlock, Int32(T), k, ld, 1, dq + start * 3 * C, ld)
                    cblas_sgemm(
                        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(end), Int32(hs), Int32(rows),
                        scale, dBlock, Int32(T), q + start * 3 * C, ld, 1, dk, ld)
                    start = end
                }
            }
        }
    }

    /// Naive reference of `forward` (llm.c's loops, Double accumulation).
    public static func forwardNaive(
        out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
        qkv: UnsafePointer<Float>, B: Int, T: Int, C: Int, NH: Int
    ) {
        let hs = C / NH
        let scale = 1 / Double(hs).squareRoot()
        for b in 0..<B {
            for t in 0..<T {
                for h in 0..<NH {
                    let q = qkv + (b * T + t) * 3 * C + h * hs
                    let a = att + (b * NH + h) * T * T + t * T
                    var scores = [Double](repeating: -.infinity, count: t + 1)
                    for j in 0...t {
                        let k = qkv + (b * T + j) * 3 * C + C + h * hs
                        scores[j] = (0..<hs).reduce(0.0) { $0 + Double(q[$1]) * Double(k[$1]) } * scale
                    }
                    let m = scores.max() ?? 0
                    let e = scores.map { exp($0 - m) }
                    let total = e.reduce(0, +)
                    for j in 0..<T { a[j] = j <= t ? Float(e[j] / total) : 0 }
                    let o = out + (b * T + t) * C + h * hs
                    for i in 0..<hs {
                        var acc = 0.0
                        for j in 0...t { acc += e[j] / total * Double(qkv[(b * T + j) * 3 * C + 2 * C + h * hs + i]) }
                        o[i] = Float(acc)
                    }
                }
            }
        }
    }
}
