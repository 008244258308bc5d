/// Residual connection `out = inp1 + inp2` over N elements (N = B * T * C).
///
/// The backward pass sends the upstream gradient unchanged to both branches.
public enum Residual {
    /// `out[i] = inp1[i] + inp2[i]`.
    /// - Parameters:
    ///   - out: (N) result; inp1, inp2: (N) the two branches.
    ///   - N: element count.
    public static func forward(
        out: UnsafeMutablePointer<Float>, inp1: UnsafePointer<Float>,
        inp2: UnsafePointer<Float>, N: Int
    ) {
        for i in 0..<N { out[i] = inp1[i] + inp2[i] }
    }

    /// `dinp1 += dout`, `dinp2 += dout` (accumulated; the buffers must not alias `dout`).
    /// - Parameters:
    ///   - dinp1, dinp2: (N) gradients of the two branches.
    ///   - dout: (N) upstream gradient.
    ///   - N: element count.
    public static func backward(
        dinp1: UnsafeMutablePointer<Float>, dinp2: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, N: Int
    ) {
        for i in 0..<N {
            dinp1[i] += dout[i]
            dinp2[i] += dout[i]
        }
    }
}
