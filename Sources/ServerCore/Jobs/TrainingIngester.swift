import Benchmarks
import Foundation
import Logging

/// Turns what a training job writes into its events: the lines of its
/// `stdout.log` and `stderr.log` (metric lines in either of verl's forms
/// become `metric` events, the rest `log` events) and the lines of its verl
/// metrics file, each batch stored with how far its file was read, then
/// published on the hub.
///
/// Appends are serialized in the order they are asked for
/// (``TicketGate``), so the hub publishes in sequence order and a
/// subscriber never sees event 6 before event 5.
package struct TrainingIngester: Sendable {
    let store: TrainingStore
    let hub: EventHub
    let logger: Logger
    private let order = TicketGate()

    package init(store: TrainingStore, hub: EventHub, logger: Logger) {
        self.store = store
        self.hub = hub
        self.logger = logger
    }

    /// How often the files are read while the job runs.
    static let interval: Duration = .milliseconds(250)

    /// Reads `files` from `positions` until `exited` answers true, then once
    /// more to the end; returns early when the task is cancelled (the
    /// server stopping: the next one reads on from the stored positions).
    func follow(
        job: Int64, files: [OutputFile], from positions: [String: OutputFile.Position], logLimit: Int64,
        exited: @Sendable () -> Bool
    ) async {
        var positions = positions
        while !Task.isCancelled {
            let final = exited()
            for file in files {
                positions[file.name] = await read(
                    job: job, file: file, from: positions[file.name] ?? OutputFile.Position(), final: final, logLimit: logLimit)
            }
            if final { return }
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// Reads `file` from `position` to its end (its last line too when
    /// `final`), storing each batch with how far it got; returns where it stopped.
    func read(
        job: Int64, file: OutputFile, from position: OutputFile.Position, final: Bool, logLimit: Int64
    ) async -> OutputFile.Position {
        var position = position
        while !Task.isCancelled {
            let (lines, next) = file.read(from: position, final: final)
            guard next != position else { break }
            let entries = lines.compactMap { Self.entry(for: $0, metricsOnly: file.rewritable) }
            do {
                try await store(job, entries, source: file.name, position: next, logLimit: logLimit)
            } catch {
                logger.warning(
                    "could not store a training job's output",
                    metadata: ["training.id": "\(job)", "training.source": "\(file.name)", "error": "\(error)"])
                break
            }
            position = next
            file.release(before: next.offset)
        }
        return position
    }

    /// Stores output lines that did not come from a file (a Ray job's log):
    /// console metric lines become metrics, the rest log lines; `position`
    /// is how far source `source` has been consumed after them.
    func ingest(job: Int64, lines: [String], source: String, position: OutputFile.Position, logLimit: Int64) async throws {
        let entries = lines.compactMap { Self.entry(for: $0, metricsOnly: false) }
        try await store(job, entries, source: source, position: position, logLimit: logLimit)
    }

    /// The event a line becomes: a metric (with a note per non-finite
    /// value), a log line, or nothing (a line of the metrics file that is
    /// not a metric).
    static func entry(for line: String, metricsOnly: Bool) -> TrainingStore.Entry? {
        let metric = metricsOnly ? MetricLine.parse(fileLogger: line) : MetricLine.parse(line)
        if let metric {
            let notes = metric.nonFinite.map { "step \(metric.step): \($0.key) is \($0.value); stored as null" }
            return TrainingStore.Entry(kind: .metric, data: metric.json, step: metric.step, notes: notes)
        }
        return metricsOnly ? nil : TrainingStore.Entry(kind: .log, data: TrainingStore.logData(line))
    }

    private func store(
        _ job: Int64, _ entries: [TrainingStore.Entry], source: String, position: OutputFile.Position, logLimit: Int64
    ) async throws {
        let store = self.store, hub = self.hub
        try await order.run(order.draw()) {
            let events = try await store.ingest(job: job, entries: entries, source: source, position: position, logLimit: logLimit)
            for event in events {
                hub.publish(StreamEvent(seq: event.seq, name: event.kind.rawValue, data: event.data), on: .trainingJob(job))
            }
        }
    }

    /// Stores and publishes one event whose data is `object` as JSON.
    func emit(_ job: Int64, _ kind: JobEvent.Kind, _ object: [String: any Sendable]) async throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        try await publish(job, kind, String(decoding: data, as: UTF8.self))
    }

    /// Stores and publishes one event, in the order the calls were made.
    func publish(_ job: Int64, _ kind: JobEvent.Kind, _ data: String) async throws {
        let store = self.store, hub = self.hub
        try await order.run(order.draw()) {
            let event = try await store.append(job: job, kind: kind, data: data)
            hub.publish(StreamEvent(seq: event.seq, name: event.kind.rawValue, data: event.data), on: .trainingJob(job))
        }
    }

    /// A verl file-logger line `{"step":N,"data":{...}}`, normalised, or nil.
    package static func metricLine(_ line: String) -> String? {
        MetricLine.parse(fileLogger: line)?.json
    }
}
