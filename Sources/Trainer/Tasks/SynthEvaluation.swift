import Benchmarks

/// Pass@1 / Pass@k of a model on a synthetic split, through the agent loop
/// with the built-in setup (`SynthAgent`) and the benchmark scorer of the
/// suite's spec. Samples run concurrently so a `BuiltinModel` batches them.
public enum SynthEvaluation {
    /// The outcome of an evaluation.
    public struct Report: Sendable, Equatable {
        /// Items evaluated.
        public var items: Int
        /// Samples per item.
        public var samples: Int
        /// Mean correctness (unbiased Pass@1).
        public var passAt1: Double
        /// Unbiased Pass@k for k = `samples` (nil for one sample).
        public var passAtK: Double?
        /// Per item, the number of correct samples.
        public var correctCounts: [Int]
        /// Share of samples that ended with an answer.
        public var answeredRate: Double
        /// Mean tool calls per sample.
        public var meanToolCalls: Double
        /// Samples whose model calls failed (counted incorrect).
        public var failures: Int
        /// One full trajectory per item (the first sample), for inspection.
        public var firstTrajectories: [String]
    }

    /// Evaluates `model` on a split.
    /// - Parameters:
    ///   - suite: the suite (items, tools, scorer family).
    ///   - split: which split (normally `.test`).
    ///   - model: the model (e.g. a `BuiltinModel`).
    ///   - python: the python runner (e.g. `BubblewrapPython()`), or nil.
    ///   - samples: samples per item (each with its own seed).
    ///   - sampling: sampling parameters (temperature 0.6, top_p 0.95, top_k 20 by default).
    ///   - seed: the evaluation seed; a sample's seed is a function of (seed, item, repeat).
    ///   - concurrency: samples in flight.
    ///   - limit: evaluate only the first `limit` items.
    /// - Throws: `ScoringError` when the scorer cannot run, `PassAtKError` for impossible counts.
    public static func run(
        suite: SynthSuite, split: SynthSuite.Split = .test, model: any CompletionModel, python: (any PythonRunner)?,
        samples: Int = 5, sampling: SamplingParameters = SamplingParameters(), seed: UInt64 = 0,
        concurrency: Int = 32, limit: Int? = nil
    ) async throws -> Report {
        let examples = Array(suite.examples(split).prefix(limit ?? Int.max))
        let loop = suite.agentLoop(model: model, python: python, sampling: sampling)
        let spec = suite.task.spec
        let scorer = Scorer()
        var outcomes = [[Outcome?]](repeating: [Outcome?](repeating: nil, count: samples), count: examples.count)
        let jobs = examples.indices.flatMap { i in (0..<samples).map { (i, $0) } }
        try await withThrowingTaskGroup(of: (Int, Int, Outcome).self) { group in
            var next = 0
            func launch() {
                let (i, r) = jobs[next]
                next += 1
                let item = examples[i].item
                var seeder = Xoshiro256(seed: seed, stream: UInt64(i) << 16 | UInt64(r))
                let sampleSeed = seeder.next()
                group.addTask {
                    let run: AgentRun
                    do {
                        run = try await loop.runSynth(item: item, seed: sampleSeed)
                    } catch AgentError.cancelled {
                        throw CancellationError()
                    } catch {
                        return (i, r, Outcome(correct: false, answered: false, toolCalls: 0, failed: true, trajectory: ""))
                    }
                    let score = try await scorer.score(spec: spec, item: item, prediction: run.prediction)
                    return (i, r, Outcome(
                        correct: score.correct, answered: run.finishReason == .answered,
                        toolCalls: run.searchCalls + run.pythonCalls, failed: false, trajectory: run.trajectory))
                }
            }
            while next < min(concurrency, jobs.count) { launch() }
            for try await (i, r, outcome) in group {
                outcomes[i][r] = outcome
                if next < jobs.count { launch() }
            }
        }
        let all = outcomes.flatMap { $0.compactMap { $0 } }
        let counts = outcomes.map { row in row.count { $0?.correct == true } }
        let total = Double(max(1, all.count))
        return Report(
            items: examples.count, samples: samples,
            passAt1: try PassAtK.mean(counts.map { (samples, $0) }, k: 1),
            passAtK: samples > 1 ? try PassAtK.mean(counts.map { (samples, $0) }, k: samples) : nil,
            correctCounts: counts,
            answeredRate: Double(all.count { $0.answered }) / total,
            meanToolCalls: Double(all.reduce(0) { $0 + $1.toolCalls }) / total,
            failures: all.count { $0.failed },
            firstTrajectories: outcomes.map { $0.first??.trajectory ?? "" })
    }

    private struct Outcome: Sendable {
        var correct: Bool
        var answered: Bool
        var toolCalls: Int
        var failed: Bool
        var trajectory: String
    }
}
