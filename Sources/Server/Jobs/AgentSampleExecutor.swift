import Benchmarks

/// Runs a sample with the paper's agent loop and scores its final answer.
struct AgentSampleExecutor: SampleExecutor {
    let loop: AgentLoop
    let scorer: Scorer
    let math: MathScorerProvider

    func run(spec: BenchmarkSpec, item: DatasetItem, seed: UInt64) async throws -> SampleOutcome {
        let run = try await loop.run(item: item, spec: spec, seed: seed)
        let result: ScoreResult
        do {
            result = try await scorer.score(spec: spec, item: item, prediction: run.prediction)
        } catch let error where spec.scoring == .mathEqual {
            // math-verify could not run: the Swift rules decide this sample.
            await math.markUnavailable(error)
            result = try await Scorer(math: MathScorer(), judge: scorer.judge).score(spec: spec, item: item, prediction: run.prediction)
        }
        return SampleOutcome(
            trajectory: run.trajectory, prediction: run.prediction, correct: result.correct, score: result.score,
            metric: result.metric.rawValue, finishReason: run.finishReason.rawValue, searchCalls: run.searchCalls,
            pythonCalls: run.pythonCalls, modelCalls: run.modelCalls,
            latencyMilliseconds: Int(run.latencySeconds * 1000))
    }
}
