/// Global-norm gradient clipping (as `torch.nn.utils.clip_grad_norm_`).
public enum GradientClipping {
    /// The L2 norm of all gradients together (accumulated in Double).
    /// - Parameter gradients: the gradient buffer.
    public static func globalNorm(_ gradients: FloatBuffer) -> Float {
        Float(FastMath.sumSquares(gradients.pointer, gradients.count).squareRoot())
    }

    /// Scales all gradients by `maxNorm / (norm + 1e-6)` when their global norm
    /// exceeds `maxNorm`, and returns the norm before clipping (verl logs it as
    /// `actor/grad_norm`). A non-finite norm is returned unchanged and the
    /// gradients are left alone: the caller should skip that update.
    /// - Parameters:
    ///   - gradients: the gradient buffer, modified in place.
    ///   - maxNorm: the largest allowed norm (> 0).
    @discardableResult
    public static func clip(_ gradients: FloatBuffer, maxNorm: Float) -> Float {
        let norm = globalNorm(gradients)
        guard norm.isFinite, norm > maxNorm else { return norm }
        let scale = maxNorm / (norm + 1e-6)
        let p = gradients.pointer
        for i in 0..<gradients.count { p[i] *= scale }
        return norm
    }
}
