import ServerCore

/// A CI gate `BENCH:pass@K=VALUE`: the evaluation fails it when the
/// benchmark's Pass@K is below VALUE.
struct Threshold: Sendable, Equatable, CustomStringConvertible {
    var benchmark: String
    var k: Int
    var minimum: Double

    var description: String { "\(benchmark):pass@\(k)=\(minimum)" }

    /// Parses `gsm8k:pass@1=0.40`; k is 1 or 5, the value a fraction in [0, 1].
    init(parsing text: String) throws(ThresholdError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ThresholdError(text: text) }
        let gate = parts[1].split(separator: "=", maxSplits: 1).map(String.init)
        guard gate.count == 2, gate[0].lowercased().hasPrefix("pass@"),
            let k = Int(gate[0].dropFirst("pass@".count)), k == 1 || k == 5,
            let value = Double(gate[1]), (0...1).contains(value), !parts[0].isEmpty
        else { throw ThresholdError(text: text) }
        self.benchmark = parts[0]
        self.k = k
        self.minimum = value
    }

    init(benchmark: String, k: Int, minimum: Double) {
        self.benchmark = benchmark
        self.k = k
        self.minimum = minimum
    }
}

/// A `--min` that does not read as `BENCH:pass@K=VALUE`.
struct ThresholdError: Error, CustomStringConvertible {
    let text: String
    var description: String {
        "--min \(text): expected BENCH:pass@K=VALUE with K 1 or 5 and VALUE a fraction in [0, 1], e.g. gsm8k:pass@1=0.40"
    }
}

/// How one threshold fared on an evaluation's results.
struct ThresholdCheck: Sendable, Equatable, Encodable {
    var threshold: String
    var benchmark: String
    var k: Int
    var minimum: Double
    /// The measured value; nil when the benchmark or Pass@K is missing.
    var value: Double?
    var passed: Bool

    static func evaluate(_ threshold: Threshold, results: [EvaluationView.BenchmarkResult]) -> ThresholdCheck {
        let result = results.first { $0.benchmark == threshold.benchmark }
        let value = threshold.k == 1 ? result?.passAt1 : result?.passAt5
        return ThresholdCheck(
            threshold: threshold.description, benchmark: threshold.benchmark, k: threshold.k, minimum: threshold.minimum,
            value: value, passed: value.map { $0 >= threshold.minimum } ?? false)
    }
}
