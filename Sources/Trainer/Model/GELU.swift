/// GELU with the tanh approximation (as GPT-2):
/// `gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`, elementwise over
/// N elements (N = B * T * 4C in the MLP).
public enum GELU {
    static let scale: Float = 0.797_884_560_802_865_4  // sqrt(2 / pi)
    static let cubic: Float = 0.044_715

    /// `out = gelu(inp)`.
    /// - Parameters:
    ///   - out: (N) result; inp: (N) input.
    ///   - N: element count.
    public static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int) {
        var i = 0
        while i + FastMath.width <= N {
            let x = FastMath.load(inp + i)
            let th = FastMath.tanh(scale * (x + cubic * x * x * x))
            FastMath.store(0.5 * x * (1 + th), out + i)
            i += FastMath.width
        }
        while i < N {
            let x = inp[i]
            out[i] = 0.5 * x * (1 + FastMath.tanh(scale * (x + cubic * x * x * x)))
            i += 1
        }
    }

    /// `dinp += gelu'(inp) * dout` (accumulated).
    /// - Parameters:
    ///   - dinp: (N) gradient of the input; inp: (N) forward input; dout: (N) upstream gradient.
    ///   - N: element count.
    public static func backward(
        dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        dout: UnsafePointer<Float>, N: Int
    ) {
        var i = 0
        while i + FastMath.width <= N {
            let x = FastMath.load(inp + i)
            let th = FastMath.tanh(scale * (x + cubic * x * x * x))
            let sech2 = 1 - th * th
            let local = 0.5 * (1 + th) + x * 0.5 * sech2 * scale * (1 + 3 * cubic * x * x)
            FastMath.store(FastMath.load(dinp + i) + local * FastMath.load(dout + i), dinp + i)
            i += FastMath.width
        }
        while i < N {
            let x = inp[i]
            let th = FastMath.tanh(scale * (x + cubic * x * x * x))
            let sech2 = 1 - th * th
            let local = 0.5 * (1 + th) + x * 0.5 * sech2 * scale * (1 + 3 * cubic * x * x)
            dinp[i] += local * dout[i]
            i += 1
        }
    }
}
