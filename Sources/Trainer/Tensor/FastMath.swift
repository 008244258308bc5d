/// Vectorised elementwise kernels for the hot loops (exp, tanh, reductions).
///
/// Swift does not vectorise floating-point reductions on its own (it must keep
/// the order of additions) and glibc's `expf`/`tanhf` are scalar calls, so the
/// softmaxes and GELU use these 8-lane versions. `exp` is the Cephes `expf`
/// polynomial (about 1 ulp on the clamped range [-87, 88]); `tanh` is built on
/// it and is accurate to about 1e-7 absolute.
enum FastMath {
    typealias Vec = SIMD8<Float>
    static let width = 8

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vec {
        UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
    }

    @inline(__always) static func store(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self)
    }

    /// Loads `count` (< 8) floats, padding the other lanes with `pad`.
    @inline(__always) static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, pad: Float) -> Vec {
        var v = Vec(repeating: pad)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// e^x lane by lane (inputs below -87 give about 1.6e-38, above 88 are clamped).
    ///
    /// Rounding and the float-to-int conversion use the 1.5 * 2^23 "magic
    /// number" trick: Swift's generic SIMD `rounded` and `Int32(_:rounding:)`
    /// are not lowered to vector instructions and cost 10-50x more.
    @inline(__always) static func exp(_ x: Vec) -> Vec {
        let lo = Vec(repeating: -87), hi = Vec(repeating: 88)
        var x = x.replacing(with: lo, where: x .< lo)
        x.replace(with: hi, where: x .> hi)
        let magic = Vec(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Vec(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * r * r + r + 1
        let ni = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        return y * unsafeBitCast((ni &+ 127) &<< 23, to: Vec.self)
    }

    /// tanh(x) lane by lane.
    @inline(__always) static func tanh(_ x: Vec) -> Vec {
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: Vec.self)
        let e = exp(-2 * magnitude)
        let y = (1 - e) / (1 + e)
        return y.replacing(with: -y, where: x .< 0)
    }

    /// Scalar e^x with the same polynomial as the vector path.
    @inline(__always) static func exp(_ x: Float) -> Float {
        exp(Vec(repeating: x))[0]
    }

    /// Scalar tanh with the same polynomial as the vector path.
    @inline(__always) static func tanh(_ x: Float) -> Float {
        tanh(Vec(repeating: x))[0]
    }

    /// Largest of `count` (>= 1) floats.
    static func max(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var m = Vec(repeating: -.infinity)
        var i = 0
        while i + width <= count {
            let v = load(p + i)
            m.replace(with: v, where: v .> m)
            i += width
        }
        var result = m.max()
        while i < count { result = Swift.max(result, p[i]); i += 1 }
        return result
    }

    /// Replaces `p[i]` by `exp(p[i] - shift)` and returns the sum of the results.
    static func expShiftInPlace(_ p: UnsafeMutablePointer<Float>, _ count: Int, shift: Float) -> Float {
        let s = Vec(repeating: shift)
        var acc = Vec.zero
        var i = 0
        while i + width <= count {
            let e = exp(load(p + i) - s)
            store(e, p + i)
            acc += e
            i += width
        }
        if i < count {
            let rest = count - i
            let e = exp(loadPartial(p + i, rest, pad: -.infinity) - s)
            for k in 0..<rest { p[i + k] = e[k]; acc[k] += e[k] }
        }
        return acc.sum()
    }

    /// Dot product of two `count`-float vectors.
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = Vec.zero, acc1 = Vec.zero
        var i = 0
        while i + 2 * width <= count {
            acc0 += load(a + i) * load(b + i)
            acc1 += load(a + i + width) * load(b + i + width)
            i += 2 * width
        }
        while i + width <= count { acc0 += load(a + i) * load(b + i); i += width }
        var result = (acc0 + acc1).sum()
        while i < count { result += a[i] * b[i]; i += 1 }
        return result
    }

    /// `y += alpha * x` over `count` floats.
    static func axpy(_ y: UnsafeMutablePointer<Float>, _ alpha: Float, _ x: UnsafePointer<Float>, _ count: Int) {
        let a = Vec(repeating: alpha)
        var i = 0
        while i + width <= count { store(load(y + i) + a * load(x + i), y + i); i += width }
        while i < count { y[i] += alpha * x[i]; i += 1 }
    }

    /// Sum of the squares of `count` floats, accumulated in Double per 8 lanes.
    static func sumSquares(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        var total = 0.0
        var i = 0
        while i + width <= count {
            let v = load(p + i)
            total += Double((v * v).sum())
            i += width
        }
        while i < count { total += Double(p[i] * p[i]); i += 1 }
        return total
    }
}
