import CKernels
import Foundation

/// GELU with the tanh approximation (as GPT-2):
/// `gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`, elementwise over
/// N elements (N = B * T * 4C in the MLP).
///
/// Both directions run in CKernels (16 lanes, AVX-512 or AVX2 when the CPU has
/// them, the `FastMath` exp polynomial), so training and KV-cache decoding
/// compute the same activations.
public enum GELU {
    static let scale: Float = 0.797_884_560_802_865_4  // sqrt(2 / pi)
    static let cubic: Float = 0.044_715

    /// `out = gelu(inp)`.
    /// - Parameters:
    ///   - out: (N) result; inp: (N) input.
    ///   - N: element count.
    public static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int) {
        aepo_gelu_forward(out, inp, N)
    }

    /// `dinp += gelu'(inp) * dout` (accumulated).
    /// - Parameters:
    ///   - dinp: (N) gradient of the input; inp: (N) forward input; dout: (N) upstream gradient.
    ///   - N: element count.
    public static func backward(
        dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        dout: UnsafePointer<Float>, N: Int
    ) {
        aepo_gelu_backward(dinp, inp, dout, N)
    }

    /// `forward` in Double with Foundation's tanh (the tests' reference).
    static func forwardReference(_ x: Float) -> Double {
        let x = Double(x)
        return 0.5 * x * (1 + Foundation.tanh(Double(scale) * (x + Double(cubic) * x * x * x)))
    }

    /// gelu'(x) in Double (the tests' reference).
    static func derivativeReference(_ x: Float) -> Double {
        let x = Double(x), s = Double(scale), c = Double(cubic)
        let th = Foundation.tanh(s * (x + c * x * x * x))
        return 0.5 * (1 + th) + x * 0.5 * (1 - th * th) * s * (1 + 3 * c * x * x)
    }
}
