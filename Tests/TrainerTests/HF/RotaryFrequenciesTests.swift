import Foundation
import Testing
@testable import Trainer

@Suite("RoPE frequencies")
struct RotaryFrequenciesTests {
    @Test("hand-worked: plain, linear, dynamic")
    func handWorked() {
        // dim 4, base 10000: 1 / 10000^(0/4), 1 / 10000^(2/4)
        #expect(RotaryFrequencies.plain(base: 10_000, dim: 4) == [1, 0.01])
        var config = configWith(.linear(factor: 2), dim: 4)
        #expect(RotaryFrequencies.table(config, length: 5).inverseFrequencies == [0.5, 0.005])
        config = configWith(.dynamic(factor: 2), dim: 4)
        // up to max_position_embeddings (32) the base is unchanged
        #expect(RotaryFrequencies.table(config, length: 20).inverseFrequencies == [1, 0.01])
        // at 64 tokens: base * (2 * 64 / 32 - 1)^(4 / 2) = 10000 * 9
        let grown = RotaryFrequencies.table(config, length: 64).inverseFrequencies
        #expect(grown[0] == 1 && abs(grown[1] - 1 / 300) < 1e-9)
    }

    @Test("llama3: kept, divided and blended by wavelength")
    func llama3() {
        // original context 16, low 1, high 4: wavelengths < 4 kept, > 16 divided by 8
        let inverse: [Float] = [2, 1, 0.5, 0.1]  // wavelengths 3.14, 6.28, 12.6, 62.8
        let out = RotaryFrequencies.llama3(inverse, factor: 8, low: 1, high: 4, original: 16)
        #expect(out[0] == 2 && out[3] == Float(0.1 / 8))
        // wavelength 2 pi: smooth = (16 / 2 pi - 1) / 3
        let smooth = (16 / (2 * Double.pi) - 1) / 3
        #expect(abs(Double(out[1]) - ((1 - smooth) / 8 + smooth)) < 1e-7)
    }

    @Test("every fixture's frequencies equal transformers' within f32 rounding")
    func fixtures() throws {
        for name in HFFixtures.cases {
            let config = try HFFixtures.config(name)
            let reference = try HFFixtures.expected(name).rope
            let table = RotaryFrequencies.table(config, length: 1)
            #expect(close(table.inverseFrequencies, reference.inv_freq), "\(name)")
            #expect(abs(table.attentionFactor - reference.attention_scaling) < 1e-6, "\(name)")
            if let length = reference.grown_length, let grown = reference.grown_inv_freq {
                #expect(close(RotaryFrequencies.table(config, length: length).inverseFrequencies, grown), "\(name) grown")
            }
        }
    }

    private func close(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 2e-6 * max(abs($1), 1e-6) + 1e-12 }
    }

    private func configWith(_ scaling: RopeScaling, dim: Int) -> HFModelConfig {
        var config = try! HFFixtures.config("llama")
        config.headDimension = dim
        config.ropeTheta = 10_000
        config.maxPositionEmbeddings = 32
        config.ropeScaling = scaling
        return config
    }
}
