import Foundation

/// RoPE inverse frequencies and the cos/sin multiplier for one sequence
/// length, computed as transformers' `modeling_rope_utils` does for each
/// `rope_type` (frequencies rounded to f32 like its float32 tensors).
/// Pure functions of the config: `dynamic` depends on the sequence length,
/// the others do not.
enum RotaryFrequencies {
    /// Frequencies (head_dim / 2 values) and the factor cos and sin are multiplied by.
    struct Table: Equatable {
        var inverseFrequencies: [Float]
        var attentionFactor: Float
    }

    /// The table for a sequence of `length` tokens.
    static func table(_ config: HFModelConfig, length: Int) -> Table {
        let dim = config.headDimension
        let base = config.ropeTheta
        switch config.ropeScaling {
        case .none:
            return Table(inverseFrequencies: plain(base: base, dim: dim), attentionFactor: 1)
        case .linear(let factor):
            return Table(inverseFrequencies: plain(base: base, dim: dim).map { Float(Double($0) / factor) }, attentionFactor: 1)
        case .dynamic(let factor):
            // base grows once the sequence passes max_position_embeddings
            let maxPositions = Double(config.maxPositionEmbeddings)
            let n = max(Double(length), maxPositions)
            let grown = base * pow(factor * n / maxPositions - (factor - 1), Double(dim) / Double(dim - 2))
            return Table(inverseFrequencies: plain(base: grown, dim: dim), attentionFactor: 1)
        case .llama3(let factor, let low, let high, let original):
            return Table(
                inverseFrequencies: llama3(plain(base: base, dim: dim), factor: factor, low: low, high: high, original: original),
                attentionFactor: 1)
        case .yarn(let yarn):
            return Table(inverseFrequencies: self.yarn(base: base, dim: dim, yarn), attentionFactor: Float(yarn.attentionFactor))
        }
    }

    /// `1 / base^(2i / dim)` for i < dim / 2 (the exponent rounded to f32 as torch computes it).
    static func plain(base: Double, dim: Int) -> [Float] {
        (0..<(dim / 2)).map { i in
            let exponent = Float(2 * i) / Float(dim)
            return Float(1 / pow(base, Double(exponent)))
        }
    }

    /// Llama 3.1: wavelengths longer than `original / low` are divided by
    /// `factor`, shorter than `original / high` kept, and a smooth blend between.
    static func llama3(_ inverse: [Float], factor: Double, low: Double, high: Double, original: Int) -> [Float] {
        let context = Double(original)
        let lowWavelength = context / low, highWavelength = context / high
        return inverse.map { f in
            let frequency = Double(f)
            let wavelength = 2 * Double.pi / frequency
            if wavelength < highWavelength { return f }
            if wavelength > lowWavelength { return Float(frequency / factor) }
            let smooth = (context / wavelength - low) / (high - low)
            return Float((1 - smooth) * frequency / factor + smooth * frequency)
        }
    }

    /// YaRN: interpolated (divided by `factor`) below the correction range,
    /// extrapolated (kept) above it, a linear ramp across it.
    static func yarn(base: Double, dim: Int, _ p: RopeScaling.Yarn) -> [Float] {
        func correctionDimension(_ rotations: Double) -> Double {
            Double(dim) * log(Double(p.originalContext) / (rotations * 2 * Double.pi)) / (2 * log(base))
        }
        var low = correctionDimension(p.betaFast), high = correctionDimension(p.betaSlow)
        if p.truncate {
            low = low.rounded(.down)
            high = high.rounded(.up)
        }
        low = max(low, 0)
        high = min(high, Double(dim - 1))
        if low == high { high += 0.001 }
        return plain(base: base, dim: dim).enumerated().map { i, f in
            let extrapolated = Double(f)
            let interpolated = extrapolated / p.factor
            // the ramp is computed in f32 in transformers
            let ramp = Double(min(max(Float(Double(i) - low) / Float(high - low), 0), 1))
            let extrapolationShare = 1 - ramp
            return Float(interpolated * (1 - extrapolationShare) + extrapolated * extrapolationShare)
        }
    }

    /// cos and sin of `position * inverse[i]` (the angle rounded to f32 as torch
    /// multiplies in float32), times the attention factor, into `cos` and `sin`.
    static func angles(
        position: Int, table: Table, cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>
    ) {
        let p = Float(position)
        for (i, f) in table.inverseFrequencies.enumerated() {
            let angle = Double(p * f)
            cos[i] = Float(Foundation.cos(angle)) * table.attentionFactor
            sin[i] = Float(Foundation.sin(angle)) * table.attentionFactor
        }
    }
}
