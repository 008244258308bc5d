import Benchmarks

/// Runs a sample with the agent loop of its benchmark and the checkpoint's
/// setup, and scores its final answer: the adapters with the evaluation's
/// scorer (an LLM judge when one is configured), the built-in suites with
/// the rules of their spec alone, as `aepo train --eval-samples` does.
///
/// A model call that fails for good (after the client's retries, or a
/// context overflow) does not throw: the sample becomes an error outcome
/// with what was generated before, scored incorrect.
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
    /// Whether the judge sees math sets too (the authors' judge mode).
    package var judgesMath = false
    /// How final answers are extracted.
    package var extraction: ExtractionMode = .strict
    /// The evaluation's own system prompts, replacing the setup's.
    package var prompt: PromptSettings? = nil

    package func run(spec: BenchmarkSpec, item: DatasetItem, seed: UInt64) async throws -> SampleOutcome {
        guard let loop = loops[spec.name] else { throw SampleExecutorError.notPlanned(benchmark: spec.name) }
        let system = prompt?.system(for: spec) ?? setup.systemPrompt(for: spec)
        let run: AgentRun
        do {
            run = try await loop.run(question: item.question, system: system, seed: seed)
        } catch {
            switch error {
            case .cancelled:
                throw CancellationError()
            case .promptFailed:
                return .failed("\(error)", trajectory: "", modelCalls: 0, reachedModel: false, metric: spec.scoring.rawValue)
            case .modelFailed(let cause, let calls, let trajectory):
                let answered = (cause as? HTTPCallError)?.statusCode != nil || calls > 1
                return .failed(
                    "\(error)", trajectory: trajectory, modelCalls: calls, reachedModel: answered,
                    metric: spec.scoring.rawValue)
            }
        }
        let (prediction, result) = try await score(run, spec: spec, item: item)
        return SampleOutcome(
            trajectory: run.trajectory, prediction: prediction, correct: result.correct, score: result.score,
            metric: result.metric.rawValue, finishReason: run.finishReason.rawValue, searchCalls: run.searchCalls,
            pythonCalls: run.pythonCalls, modelCalls: run.modelCalls,
            latencyMilliseconds: Int(run.latencySeconds * 1000), judgeError: result.judgeError)
    }
}

extension AgentSampleExecutor {
    /// Scores a finished sample as evaluations do: the final answer
    /// extracted with the evaluation's mode (a built-in suite's with its
    /// strict rule) and scored by the benchmark's rules, with the judge for
    /// the adapters when one is configured. When math-verify cannot run,
    /// the Swift rules decide (and are used from then on).
    /// - Parameters:
    ///   - run: the finished sample.
    ///   - spec: its benchmark.
    ///   - item: its item, with the gold answers.
    /// - Returns: the extracted prediction and its score.
    /// - Throws: `ScoringError` when the rules themselves cannot score it.
    package func score(
        _ run: AgentRun, spec: BenchmarkSpec, item: DatasetItem
    ) async throws -> (prediction: String?, result: ScoreResult) {
        let builtIn = BenchmarkDirectory.isBuiltIn(spec.name)
        let judge = builtIn ? nil : self.judge
        let prediction = builtIn ? run.prediction : AnswerExtraction.prediction(from: run.trajectory, mode: extraction)
        do {
            let result = try await Scorer(math: mathScorer, judge: judge, judgesMath: judgesMath)
                .score(spec: spec, item: item, prediction: prediction)
            return (prediction, result)
        } catch {
            // math-verify could not run: the Swift rules decide this sample.
            await math.markUnavailable(error)
            let result = try await Scorer(math: MathScorer(), judge: judge, judgesMath: judgesMath)
                .score(spec: spec, item: item, prediction: prediction)
            return (prediction, result)
        }
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
