import Foundation
import Testing
@testable import Trainer

/// A tiny model so gradient checks and overfitting run fast in debug builds.
let tinyConfig = GPTConfig(vocabSize: 11, contextLength: 6, layerCount: 2, headCount: 2, modelDimension: 8)

/// A buffer of `count` values drawn uniformly from [-scale, scale).
func randomBuffer(_ count: Int, seed: UInt64, scale: Float = 1) -> FloatBuffer {
    var rng = Xoshiro256(seed: seed)
    return FloatBuffer((0..<count).map { _ in (rng.nextFloat() * 2 - 1) * scale })
}

/// `requests` submitted to `engine` all at once (so that it may batch
/// them), their outputs in the requests' order.
func generateTogether(_ engine: InferenceEngine, _ requests: [EngineRequest]) async throws -> [EngineOutput] {
    try await withThrowingTaskGroup(of: (Int, EngineOutput).self) { group in
        for (i, request) in requests.enumerated() { group.addTask { (i, try await engine.generate(request)) } }
        var outputs = [EngineOutput?](repeating: nil, count: requests.count)
        for try await (i, output) in group { outputs[i] = output }
        return outputs.compactMap { $0 }
    }
}

/// `count` random token ids in [0, vocab).
func randomTokens(_ count: Int, vocab: Int, seed: UInt64) -> [Int32] {
    var rng = Xoshiro256(seed: seed)
    return (0..<count).map { _ in Int32(rng.next() % UInt64(vocab)) }
}

/// `sum_i out[i] * weights[i]` in Double: the scalar loss of the layer checks
/// (its gradient with respect to `out` is `weights`).
func projectedLoss(_ out: FloatBuffer, _ weights: FloatBuffer) -> Double {
    (0..<out.count).reduce(0.0) { $0 + Double(out[$1]) * Double(weights[$1]) }
}

/// Result of comparing an analytic gradient with central differences.
struct GradientComparison: CustomStringConvertible {
    var label: String
    var maxAbsError = 0.0
    var worstIndex = -1
    var analyticNorm = 0.0
    var errorNorm = 0.0
    var relativeError: Double { errorNorm / max(analyticNorm, 1e-12) }
    var description: String {
        "\(label): max |analytic - numeric| = \(maxAbsError) at \(worstIndex), relative L2 error = \(relativeError)"
    }
}

/// Compares `analytic[i]` with the central difference of `loss` (Richardson-
/// extrapolated from steps eps and eps/2) for each
/// checked element `i` of `input` (all of them unless `indices` is given), and
/// records a failure when any element differs by more than
/// `atol + rtol * |numeric|`.
@discardableResult
func checkGradient(
    _ label: String, input: FloatBuffer, analytic: FloatBuffer, indices: [Int]? = nil,
    eps: Float = 1e-2, rtol: Double = 1e-2, atol: Double = 1e-3,
    sourceLocation: SourceLocation = #_sourceLocation, loss: () -> Double
) -> GradientComparison {
    var result = GradientComparison(label: label)
    /// central difference with step h, measuring the step actually taken in Float
    func centralDifference(_ i: Int, _ h: Float) -> Double {
        let original = input[i]
        input[i] = original + h
        let plusStep = Double(input[i])
        let lossPlus = loss()
        input[i] = original - h
        let minusStep = Double(input[i])
        let lossMinus = loss()
        input[i] = original
        return (lossPlus - lossMinus) / (plusStep - minusStep)
    }
    for i in indices ?? Array(0..<input.count) {
        // Richardson extrapolation of two central differences: O(eps^4) truncation error
        let numeric = (4 * centralDifference(i, eps / 2) - centralDifference(i, eps)) / 3
        let a = Double(analytic[i])
        let error = abs(a - numeric)
        result.analyticNorm += a * a
        result.errorNorm += error * error
        if error > result.maxAbsError {
            result.maxAbsError = error
            result.worstIndex = i
        }
        if error > atol + rtol * abs(numeric) {
            Issue.record("\(label)[\(i)]: analytic \(a) vs numeric \(numeric)", sourceLocation: sourceLocation)
            return result
        }
    }
    result.analyticNorm = result.analyticNorm.squareRoot()
    result.errorNorm = result.errorNorm.squareRoot()
    #expect(result.relativeError < 1e-2, "\(result)", sourceLocation: sourceLocation)
    return result
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-trainer-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
