import Benchmarks
import Foundation

/// Turns what a training child writes into the job's events: every line of
/// its stdout and stderr, and every line of a verl events file it writes,
/// stored with its sequence number, then published on the hub.
///
/// Appends from the three sources are serialized in the order they are
/// asked for (``TicketGate``), so the hub publishes in sequence order and a
/// subscriber never sees event 6 before event 5.
package struct TrainingIngester: Sendable {
    let store: TrainingStore
    let hub: EventHub
    private let order = TicketGate()

    package init(store: TrainingStore, hub: EventHub) {
        self.store = store
        self.hub = hub
    }

    /// Stores a stream's lines as events (`metric` for verl lines when
    /// `metrics`, else `log`); returns the stream's last three log lines.
    func consume(_ lines: ChildOutput, job: Int64, metrics: Bool) async -> [String] {
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
    func tail(file: URL, job: Int64, while child: ChildProcess) async -> [String] {
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
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["step"] is NSNumber, object["data"] is [String: Any],
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
