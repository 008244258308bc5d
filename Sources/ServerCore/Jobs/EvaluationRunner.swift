import Benchmarks
import Foundation
import Logging

/// Everything needed to run one evaluation's samples.
package struct EvaluationJob: Sendable {
    package var id: Int64
    package var checkpointID: Int64
    package var config: EvaluationConfig
    package var concurrency: Int
}

/// Runs one evaluation to its end: plans the samples not written yet, runs
/// them at the evaluation's concurrency and writes each as it finishes.
///
/// Cancellation leaves the status alone: `POST .../cancel` has already set
/// `cancelled`, and a server shutting down leaves `running` so the next start
/// resumes the evaluation.
package struct EvaluationRunner: Sendable {
    package let store: EvaluationStore
    package let datasets: DatasetStore
    package let logger: Logger
    /// Builds the sample executor for a job (model client, tools, scorer).
    package let makeExecutor: @Sendable (EvaluationJob) async throws -> any SampleExecutor

    package init(store: EvaluationStore, datasets: DatasetStore, logger: Logger, makeExecutor: @escaping @Sendable (EvaluationJob) async throws -> any SampleExecutor) {
        self.store = store
        self.datasets = datasets
        self.logger = logger
        self.makeExecutor = makeExecutor
    }

    package func run(_ id: Int64) async {
        do {
            let stored = try await store.job(id)
            guard !stored.status.isTerminal else { return }
            try await store.setStatus(id, .running)
            let job = EvaluationJob(id: id, checkpointID: stored.checkpointID, config: stored.config, concurrency: stored.concurrency)
            let executor = try await makeExecutor(job)
            let work = try await plan(job)
            logger.info("evaluation started", metadata: ["eval.id": "\(id)", "eval.pending_samples": "\(work.count)"])
            let policy = SampleFailurePolicy(
                maxErrorRate: job.config.maxErrorRate, total: try await store.progress(id).total)
            let tally = SampleFailurePolicy.Tally(errors: try await store.errorCount(id), planned: work.count)
            if let failure = try await runSamples(work, of: job, with: executor, policy: policy, tally: tally) {
                try Task.checkCancellation()
                logger.error("evaluation failed", metadata: ["eval.id": "\(id)", "error": "\(failure)"])
                try await store.setStatus(id, .failed, error: failure)
                return
            }
            try Task.checkCancellation()
            try await store.setStatus(id, .finished)
            logger.info("evaluation finished", metadata: ["eval.id": "\(id)"])
        } catch {
            if Task.isCancelled { return }
            logger.error("evaluation failed", metadata: ["eval.id": "\(id)", "error": "\(error)"])
            _ = try? await store.setStatus(id, .failed, error: "\(error)")
        }
    }

    /// One sample still to run.
    package struct PlannedSample: Sendable {
        package var key: SampleKey
        package var spec: BenchmarkSpec
        package var item: DatasetItem
        package var seed: UInt64
    }

    /// The samples of `job` that are not written yet, benchmark by benchmark,
    /// item by item, repeat by repeat.
    package func plan(_ job: EvaluationJob) async throws -> [PlannedSample] {
        let done = try await store.doneKeys(job.id)
        var work: [PlannedSample] = []
        for benchmark in job.config.benchmarks {
            let spec = try BenchmarkDirectory.spec(named: benchmark)
            let sha = job.config.datasets[benchmark] ?? ""
            var items = try await datasets.items(benchmark: benchmark, sha256: sha)
            if let cap = job.config.itemCap(benchmark) { items = Array(items.prefix(cap)) }
            for item in items {
                for index in 0..<job.config.samples {
                    let key = SampleKey(benchmark: benchmark, item: item.id, repeat: index)
                    guard !done.contains(key) else { continue }
                    let seed = SampleSeed.make(evaluationSeed: job.config.seed, benchmark: benchmark, item: item.id, repeat: index)
                    work.append(PlannedSample(key: key, spec: spec, item: item, seed: seed))
                }
            }
        }
        return work
    }

    /// Runs `work` with at most `job.concurrency` samples in flight. A
    /// sample that fails is stored as an error (``SampleOutcome/failed``)
    /// and the run goes on, until `policy` says the evaluation must fail:
    /// then the samples in flight are cancelled and the reason returned.
    /// - Returns: nil when every sample was stored, else why the evaluation failed.
    private func runSamples(
        _ work: [PlannedSample], of job: EvaluationJob, with executor: any SampleExecutor,
        policy: SampleFailurePolicy, tally start: SampleFailurePolicy.Tally
    ) async throws -> String? {
        let store = self.store
        let logger = self.logger
        return try await withThrowingTaskGroup(of: SampleOutcome.self) { group in
            var tally = start
            var inFlight = 0
            func record(_ outcome: SampleOutcome) -> String? {
                tally.finished += 1
                if outcome.reachedModel { tally.reached += 1 }
                if let error = outcome.error {
                    tally.errors += 1
                    tally.lastError = error
                }
                return policy.failure(tally)
            }
            for sample in work {
                if inFlight >= job.concurrency, let outcome = try await group.next() {
                    inFlight -= 1
                    if let failure = record(outcome) {
                        group.cancelAll()
                        return failure
                    }
                }
                try Task.checkCancellation()
                group.addTask {
                    let outcome: SampleOutcome
                    do {
                        outcome = try await executor.run(spec: sample.spec, item: sample.item, seed: sample.seed)
                    } catch {
                        if Task.isCancelled || error is CancellationError { throw CancellationError() }
                        // Whatever the executor could not turn into an outcome is still this sample's error.
                        logger.info("sample failed", metadata: ["eval.id": "\(job.id)", "error": "\(error)"])
                        outcome = .failed("\(error)", reachedModel: false, metric: sample.spec.scoring.rawValue)
                    }
                    try Task.checkCancellation()
                    try await store.insertSample(evaluation: job.id, key: sample.key, seed: sample.seed, outcome: outcome)
                    return outcome
                }
                inFlight += 1
            }
            while let outcome = try await group.next() {
                if let failure = record(outcome) {
                    group.cancelAll()
                    return failure
                }
            }
            return nil
        }
    }
}
