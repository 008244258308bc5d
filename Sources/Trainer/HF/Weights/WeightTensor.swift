import CKernels

/// One tensor inside a mapped shard, in its stored precision: a pointer to
/// its first element (possibly unaligned), its element type and shape.
/// Valid while the `HFWeights` that made it is alive.
public struct WeightTensor: @unchecked Sendable {
    /// First element.
    let base: UnsafeRawPointer
    /// Stored element type (BF16, F16 or F32).
    public let dtype: SafetensorsDType
    /// Shape, row-major.
    public let shape: [Int]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Bytes the tensor occupies.
    public var byteCount: Int { count * dtype.byteSize }

    /// The element type code of the C kernels.
    var kernelType: Int32 {
        switch dtype {
        case .bf16: AEPO_WEIGHT_BF16
        case .f16: AEPO_WEIGHT_F16
        default: AEPO_WEIGHT_F32
        }
    }

    /// Elements `start..<start + n` converted to f32 into `out`.
    func convert(_ start: Int, _ n: Int, into out: UnsafeMutablePointer<Float>) {
        aepo_convert_to_f32(out, base, kernelType, start, n)
    }

    /// The whole tensor as f32 (for small vectors: norms and biases).
    func floats() -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let p = buffer.baseAddress { convert(0, count, into: p) }
            initialized = count
        }
    }
}
