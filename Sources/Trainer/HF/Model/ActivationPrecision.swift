import CKernels

/// How the linear layers of a Hugging Face model multiply.
public enum ActivationPrecision: String, Sendable, CaseIterable {
    /// Activations in f32, weights converted to f32 in registers: the
    /// default, within 1e-3 of transformers' f32 logits.
    case f32
    /// Activations rounded to bf16 once per product, multiplied with bf16
    /// weights by `vdpbf16ps` and accumulated in f32: how PyTorch runs a
    /// bf16 model on a CPU with AVX512 BF16, twice the multiply-adds of the
    /// f32 path where it is compute-bound (prefill, batches); decode
    /// batches then cache keys and values in bf16 too. Products whose
    /// weights are not bf16, or a CPU without AVX512 BF16, stay in f32.
    case bf16

    /// Whether this CPU can run `.bf16` products.
    public static var bf16Available: Bool { aepo_bf16_products_available() != 0 }
}
