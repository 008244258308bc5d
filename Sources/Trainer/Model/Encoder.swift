/// Token + position embedding: `out[b,t,:] = wte[tokens[b,t],:] + wpe[t,:]`.
///
/// Shapes: `tokens` (B, T) ids in [0, V), `wte` (V, C), `wpe` (maxT, C) with
/// T <= maxT, `out` (B, T, C). Token ids are validated by the caller (`GPT`).
public enum Encoder {
    /// Writes the embedded sequence into `out`.
    /// - Parameters:
    ///   - out: (B, T, C) result.
    ///   - tokens: (B, T) token ids.
    ///   - wte: (V, C) token table; wpe: (maxT, C) position table.
    ///   - B: batch; T: sequence length; C: model width.
    public static func forward(
        out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>,
        wte: UnsafePointer<Float>, wpe: UnsafePointer<Float>, B: Int, T: Int, C: Int
    ) {
        for b in 0..<B {
            for t in 0..<T {
                let o = out + (b * T + t) * C
                let tokenRow = wte + Int(tokens[b * T + t]) * C
                let positionRow = wpe + t * C
                for i in 0..<C { o[i] = tokenRow[i] + positionRow[i] }
            }
        }
    }

    /// Accumulates the embedding gradients: `dwte[tokens[b,t]] += dout[b,t]`,
    /// `dwpe[t] += dout[b,t]`.
    /// - Parameters:
    ///   - dwte: (V, C); dwpe: (maxT, C) gradients (accumulated).
    ///   - dout: (B, T, C) upstream gradient.
    ///   - tokens: (B, T) token ids of the forward pass.
    public static func backward(
        dwte: UnsafeMutablePointer<Float>, dwpe: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>, B: Int, T: Int, C: Int
    ) {
        for b in 0..<B {
            for t in 0..<T {
                let d = dout + (b * T + t) * C
                let tokenRow = dwte + Int(tokens[b * T + t]) * C
                let positionRow = dwpe + t * C
                for i in 0..<C {
                    tokenRow[i] += d[i]
                    positionRow[i] += d[i]
                }
            }
        }
    }
}
