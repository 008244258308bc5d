import Benchmarks
import Foundation
import Logging

/// The supervisor of training jobs: it owns their child processes and
/// moves each job through `pending → running → finished | failed |
/// cancelled`. What the children write is the ingester's business
/// (``TrainingIngester``); a crash or an out-of-memory kill of a child only
/// fails its job.
package actor TrainingManager {
    /// Where a job is, as far as its process goes.
    enum Phase {
        /// Started, its process not spawned yet.
        case starting
        /// Its process runs.
        case running(ChildProcess)
        /// A stop was asked for; the job ends with this status and reason.
        case stopping(status: JobStatus, reason: String, child: ChildProcess?)
    }

    private let store: TrainingStore
    private let ingester: TrainingIngester
    private let logger: Logger
    private let grace: Duration
    /// Registers a finished job's checkpoint and queues its evaluation.
    private let finish: @Sendable (TrainingLaunch) async throws -> TrainingResults.Outcome
    private var phases: [Int64: Phase] = [:]
    private var tasks: [Int64: Task<Void, Never>] = [:]

    package init(
        store: TrainingStore, hub: EventHub, logger: Logger, grace: Duration = .seconds(10),
        finish: @escaping @Sendable (TrainingLaunch) async throws -> TrainingResults.Outcome
    ) {
        self.store = store
        self.ingester = TrainingIngester(store: store, hub: hub)
        self.logger = logger
        self.grace = grace
        self.finish = finish
    }

    /// Starts job `id` (pending) with `launch`.
    package func start(_ id: Int64, launch: TrainingLaunch) {
        guard phases[id] == nil else { return }
        phases[id] = .starting
        tasks[id] = Task { await self.run(id, launch: launch) }
    }

    /// Cancels job `id`: before its process starts, it never starts; after,
    /// SIGTERM to its process group, then SIGKILL once the grace period passed.
    package func cancel(_ id: Int64, status: JobStatus = .cancelled, reason: String = "cancelled on request") async {
        switch phases[id] {
        case nil:
            // Not ours (pending after a restart, or already over): end it in the store.
            await end(id, status: status, reason: reason)
        case .starting:
            phases[id] = .stopping(status: status, reason: reason, child: nil)
            await tasks[id]?.value
        case .running(let child):
            phases[id] = .stopping(status: status, reason: reason, child: child)
            let task = tasks[id]
            await child.terminate(grace: grace)
            await task?.value
        case .stopping(_, _, let child):
            let task = tasks[id]
            if let child { await child.terminate(grace: grace) }
            await task?.value
        }
    }

    /// Stops every job (SIGTERM, then SIGKILL) when the server shuts down.
    package func shutdown() async {
        for id in phases.keys { await cancel(id, status: .failed, reason: "the server stopped while the job ran") }
    }

    /// Ends a job that has no running child (e.g. after a restart).
    package func end(_ id: Int64, status: JobStatus, reason: String) async {
        try? await emitEnd(id, status: status, error: reason)
    }

    private func run(_ id: Int64, launch: TrainingLaunch) async {
        defer {
            phases[id] = nil
            tasks[id] = nil
        }
        // Spawning is synchronous, so a cancel is either seen here or finds
        // the child running: it cannot slip between the check and the spawn.
        if case .stopping(let status, let reason, _) = phases[id] {
            try? await emitEnd(id, status: status, error: reason)
            return
        }
        let child: ChildProcess
        do {
            try FileManager.default.createDirectory(atPath: launch.workingDirectory, withIntermediateDirectories: true)
            // The trainer's output is ingested as fast as SQLite takes it; a
            // full buffer pauses the trainer rather than dropping its lines.
            child = try ChildProcess(ChildProcess.Configuration(
                executable: launch.arguments.first ?? "", arguments: Array(launch.arguments.dropFirst()),
                environment: ChildEnvironment.make(), workingDirectory: launch.workingDirectory,
                standardOutput: .lines(buffer: 4096, whenFull: .wait), standardError: .lines(buffer: 4096, whenFull: .wait)))
        } catch {
            try? await emitEnd(id, status: .failed, error: "could not start \(launch.arguments.first ?? ""): \(error)")
            return
        }
        phases[id] = .running(child)
        _ = try? await store.setStatus(id, .running, process: child.identity)
        try? await ingester.emit(id, .status, ["status": "running", "pid": Int(child.pid)])
        let ingester = self.ingester
        var lastErrors: [String] = []
        await withTaskGroup(of: [String].self) { group in
            let metricsFromStdout = launch.eventsFile == nil
            group.addTask { await ingester.consume(child.standardOutput, job: id, metrics: metricsFromStdout) }
            group.addTask { await ingester.consume(child.standardError, job: id, metrics: false) }
            if let file = launch.eventsFile {
                group.addTask { await ingester.tail(file: URL(fileURLWithPath: file), job: id, while: child) }
            }
            for await tail in group where !tail.isEmpty { lastErrors = tail }
        }
        let termination = await child.wait()
        if case .stopping(let status, let reason, _) = phases[id] {
            try? await emitEnd(id, status: status, error: reason)
        } else if termination == .exited(0) {
            do {
                let result = try await finish(launch)
                try await store.setResult(id, checkpointID: result.checkpoint, evaluationID: result.evaluation)
                var extra: [String: any Sendable] = [:]
                if let checkpoint = result.checkpoint { extra["checkpoint_id"] = Int(checkpoint) }
                if let evaluation = result.evaluation { extra["evaluation_id"] = Int(evaluation) }
                if let problem = result.evaluationError { extra["evaluation_error"] = problem }
                try await emitEnd(id, status: .finished, error: nil, extra: extra)
            } catch {
                try? await emitEnd(id, status: .failed, error: "training finished but its result could not be registered: \(error)")
            }
        } else {
            let reason = "the training process \(termination)" + (lastErrors.isEmpty ? "" : ": " + lastErrors.joined(separator: " | "))
            try? await emitEnd(id, status: .failed, error: reason)
        }
    }

    /// Moves the job to its terminal status, then emits `status` and `end`
    /// and closes its stream. Nothing happens if it already ended.
    private func emitEnd(_ job: Int64, status: JobStatus, error: String?, extra: [String: any Sendable] = [:]) async throws {
        guard try await store.setStatus(job, status, error: error) else { return }
        var object: [String: any Sendable] = ["status": status.rawValue]
        if let error { object["error"] = error }
        try await ingester.emit(job, .status, object)
        try await ingester.emit(job, .end, object.merging(extra) { $1 })
        ingester.hub.close(.trainingJob(job))
    }
}
