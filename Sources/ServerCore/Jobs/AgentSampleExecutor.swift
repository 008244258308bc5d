import Benchmarks

/// Runs a sample with the agent loop of its benchmark and the checkpoint's
/// setup, and scores its final answer: the adapters with the evaluation's
/// scorer (an LLM judge when one is configured), the built-in suites with
/// the rules of their spec alone, as `aepo train --eval-samples` does.
package struct AgentSampleExecutor: SampleExecutor {
    /// Per benchmark of the evaluation, its loop (model, tools, template, sampling).
    package let loops: [String: AgentLoop]
    /// The system prompt policy of the checkpoint.
    package let setup: AgentSetup
    package let math: MathScorerProvider
    /// The math scorer at the start of the evaluation.
    package let mathScorer: MathScorer
    /// The LLM judge, if the evaluation configured one.
    package let judge: (any Judge)?

    package func run(spec: BenchmarkSpec, item: DatasetItem, seed: UInt64) async throws -> SampleOutcome {
        guard let loop = loops[spec.name] else { throw SampleExecutorError.notPlanned(benchmark: spec.name) }
        let run = try await loop.run(question: item.question, system: setup.systemPrompt(for: spec), seed: seed)
        let judge = BenchmarkDirectory.isBuiltIn(spec.name) ? nil : self.judge
        let result: ScoreResult
        do {
            result = try await Scorer(math: mathScorer, judge: judge).score(spec: spec, item: item, prediction: run.prediction)
        } catch let error where spec.scoring == .mathEqual {
            // math-verify could not run: the Swift rules decide this sample.
            await math.markUnavailable(error)
            result = try await Scorer(math: MathScorer(), judge: judge).score(spec: spec, item: item, prediction: run.prediction)
        }
        return SampleOutcome(
            trajectory: run.trajectory, prediction: run.prediction, correct: result.correct, score: result.score,
            metric: result.metric.rawValue, finishReason: run.finishReason.rawValue, searchCalls: run.searchCalls,
            pythonCalls: run.pythonCalls, modelCalls: run.modelCalls,
            latencyMilliseconds: Int(run.latencySeconds * 1000))
    }
}

/// Why an executor could not run a sample.
package enum SampleExecutorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sample's benchmark is not one of the evaluation's (a planning bug).
    case notPlanned(benchmark: String)

    package var description: String {
        switch self {
        case .notPlanned(let benchmark): "no agent loop was set up for \(benchmark)"
        }
    }
}
