import Benchmarks
import Crypto
import Foundation
import Logging

/// Runs training jobs as child processes and owns them: every event a child
/// emits is stored at once with its sequence number and published to the
/// hub; a cancel sends SIGTERM, then SIGKILL after a grace period; a crash or
/// an out-of-memory kill of the child only fails its job.
package actor TrainingManager {
    private let store: TrainingStore
    private let hub: EventHub
    private let logger: Logger
    private let grace: Duration
    /// Registers a finished job's checkpoint and queues its evaluation.
    private let finish: @Sendable (TrainingLaunch) async throws -> TrainingResults.Outcome
    private var children: [Int64: ChildProcess] = [:]
    private var tasks: [Int64: Task<Void, Never>] = [:]
    /// Jobs being stopped, with the status and reason they end with.
    private var stopping: [Int64: (status: JobStatus, reason: String)] = [:]
    /// Keeps events in the order the actor emitted them across its awaits.
    private let eventOrder = TicketGate()

    package init(
        store: TrainingStore, hub: EventHub, logger: Logger, grace: Duration = .seconds(10),
        finish: @escaping @Sendable (TrainingLaunch) async throws -> TrainingResults.Outcome
    ) {
        self.store = store
        self.hub = hub
        self.logger = logger
        self.grace = grace
        self.finish = finish
    }

    /// Starts job `id` with `launch`.
    package func start(_ id: Int64, launch: TrainingLaunch) {
        guard tasks[id] == nil else { return }
        tasks[id] = Task { await self.run(id, launch: launch) }
    }

    /// Cancels job `id`: SIGTERM to its process group, then SIGKILL if it
    /// is still alive after the grace period.
    package func cancel(_ id: Int64, status: JobStatus = .cancelled, reason: String = "cancelled on request") async {
        stopping[id] = (status, reason)
        guard let child = children[id] else {
            try? await emitEnd(id, status: status, error: reason)
            return
        }
        let task = tasks[id]
        await child.terminate(grace: grace)
        await task?.value
    }

    /// Stops every child (SIGTERM, then SIGKILL) when the server shuts down.
    package func shutdown() async {
        for id in children.keys { await cancel(id, status: .failed, reason: "the server stopped while the job ran") }
    }

    private func run(_ id: Int64, launch: TrainingLaunch) async {
        defer { tasks[id] = nil }
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
        children[id] = child
        _ = try? await store.setStatus(id, .running, process: child.identity)
        try? await emit(id, .status, ["status": "running", "pid": Int(child.pid)])
        var lastErrors: [String] = []
        await withTaskGroup(of: [String].self) { group in
            let metricsFromStdout = launch.eventsFile == nil
            group.addTask { await self.consume(child.standardOutput, job: id, metrics: metricsFromStdout) }
            group.addTask { await self.consume(child.standardError, job: id, metrics: false) }
            if let file = launch.eventsFile {
                group.addTask { await self.tail(file: URL(fileURLWithPath: file), job: id, while: child) }
            }
            for await tail in group { if !tail.isEmpty { lastErrors = tail } }
        }
        let termination = await child.wait()
        children[id] = nil
        if let stop = stopping.removeValue(forKey: id) {
            try? await emitEnd(id, status: stop.status, error: stop.reason)
        } else if termination == .exited(0) {
            do {
                let result = try await finish(launch)
                try await store.setResult(id, checkpointID: result.checkpoint, evaluationID: result.evaluation)
                var extra: [String: Any] = [:]
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

    /// Stores a stream's lines as events; returns the stream's last lines.
    private func consume(_ lines: ChildOutput, job: Int64, metrics: Bool) async -> [String] {
        var tail: [String] = []
        for await line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            if metrics, let metric = Self.metricLine(trimmed) {
                try? await publish(job, .metric, metric)
            } else {
                try? await emit(job, .log, ["line": String(trimmed.prefix(2000))])
                tail = Array((tail + [String(trimmed.prefix(300))]).suffix(3))
            }
        }
        return metrics ? [] : tail
    }

    /// Follows a verl file-logger JSONL while the child runs, then reads its rest.
    private func tail(file: URL, job: Int64, while child: ChildProcess) async -> [String] {
        var offset: UInt64 = 0
        var pending = Data()
        var finalPass = false
        while true {
            if let handle = try? FileHandle(forReadingFrom: file) {
                try? handle.seek(toOffset: offset)
                let data = (try? handle.readToEnd()) ?? Data()
                try? handle.close()
                offset += UInt64(data.count)
                pending.append(data)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    if let metric = Self.metricLine(line) { try? await publish(job, .metric, metric) }
                }
            }
            if finalPass { return [] }
            if child.hasExited { finalPass = true }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// A verl file-logger line `{"step":N,"data":{...}}`, normalised, or nil.
    static func metricLine(_ line: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["step"] is NSNumber, object["data"] is [String: Any],
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private func emit(_ job: Int64, _ kind: JobEvent.Kind, _ object: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        try await publish(job, kind, String(decoding: data, as: UTF8.self))
    }

    private func publish(_ job: Int64, _ kind: JobEvent.Kind, _ data: String) async throws {
        let store = self.store
        let hub = self.hub
        try await eventOrder.run(eventOrder.draw()) {
            let event = try await store.append(job: job, kind: kind, data: data)
            hub.publish(StreamEvent(seq: event.seq, name: event.kind.rawValue, data: event.data), on: .trainingJob(job))
        }
    }

    /// Ends a job that has no running child (e.g. after a restart).
    func end(_ id: Int64, status: JobStatus, reason: String) async {
        try? await emitEnd(id, status: status, error: reason)
    }

    private func emitEnd(_ job: Int64, status: JobStatus, error: String?, extra: [String: Any] = [:]) async throws {
        guard try await store.setStatus(job, status, error: error) else { return }
        var object: [String: Any] = ["status": status.rawValue]
        if let error { object["error"] = error }
        try await emit(job, .status, object)
        try await emit(job, .end, object.merging(extra) { $1 })
        hub.close(.trainingJob(job))
    }
}
