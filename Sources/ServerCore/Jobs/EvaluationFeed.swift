import Foundation
import Synchronization

/// What the event streams of evaluations see, shared by all their watchers:
/// however many clients follow an evaluation, its view is read from the
/// database at most once per `interval` (by whichever watcher finds the
/// snapshot stale first), and every watcher renders its events from that
/// one snapshot. Memory is one small entry per watched evaluation.
package final class EvaluationFeed: Sendable {
    /// The state the events are made of.
    package struct Snapshot: Sendable, Equatable {
        package var status: JobStatus
        package var error: String
        package var done: Int
        package var total: Int
        /// The results as JSON, once the evaluation has ended.
        package var results: String?
    }

    private struct Entry {
        package var snapshot: Snapshot?
        package var version = 0
        package var readAt: ContinuousClock.Instant?
        package var reading = false
        package var watchers = 0
    }

    private enum Step {
        case ready(Snapshot, Int)
        case read
        case wait(ContinuousClock.Instant)
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    private let reads = Atomic<Int>(0)
    /// The least time between two database reads of one evaluation.
    package let interval: Duration

    /// Creates a feed.
    /// - Parameter interval: the least time between two reads of one evaluation.
    package init(interval: Duration = .milliseconds(500)) {
        self.interval = interval
    }

    /// Database reads so far, all evaluations together.
    package var readCount: Int { reads.load(ordering: .relaxed) }

    /// Evaluations with at least one watcher.
    package var watchedCount: Int { entries.withLock { $0.count } }

    /// Registers a watcher of `id`; pair with `leave`.
    package func join(_ id: Int64) {
        entries.withLock { $0[id, default: Entry()].watchers += 1 }
    }

    /// Unregisters a watcher; the last one out drops the entry.
    package func leave(_ id: Int64) {
        entries.withLock { all in
            guard var entry = all[id] else { return }
            entry.watchers -= 1
            all[id] = entry.watchers > 0 ? entry : nil
        }
    }

    /// The first snapshot newer than `version` (0 before any), or nil when
    /// `deadline` passes first.
    /// - Throws: the store's error (e.g. the evaluation is gone), or
    ///   `CancellationError`.
    package func next(
        _ id: Int64, after version: Int, store: EvaluationStore, deadline: ContinuousClock.Instant
    ) async throws -> (snapshot: Snapshot, version: Int)? {
        while true {
            try Task.checkCancellation()
            let now = ContinuousClock.now
            let interval = self.interval
            let step: Step = entries.withLock { all in
                var entry = all[id, default: Entry()]
                defer { all[id] = entry }
                if let snapshot = entry.snapshot, entry.version > version { return .ready(snapshot, entry.version) }
                if entry.reading { return .wait(now + .milliseconds(20)) }
                if let readAt = entry.readAt, now - readAt < interval { return .wait(readAt + interval) }
                entry.reading = true
                return .read
            }
            switch step {
            case .ready(let snapshot, let version):
                return (snapshot, version)
            case .read:
                let snapshot: Snapshot
                do {
                    snapshot = try await Self.snapshot(of: store.view(id))
                } catch {
                    entries.withLock { $0[id]?.reading = false }
                    throw error
                }
                reads.add(1, ordering: .relaxed)
                entries.withLock { all in
                    var entry = all[id, default: Entry()]
                    if entry.snapshot != snapshot {
                        entry.snapshot = snapshot
                        entry.version += 1
                    }
                    entry.readAt = .now
                    entry.reading = false
                    all[id] = entry
                }
            case .wait(let until):
                if now >= deadline { return nil }
                try await Task.sleep(until: min(until, deadline), clock: .continuous)
            }
        }
    }

    private static func snapshot(of view: EvaluationView) -> Snapshot {
        var results: String?
        if view.status.isTerminal {
            results = (try? JSONEncoder().encode(view.results)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        }
        return Snapshot(
            status: view.status, error: view.error ?? "", done: view.progress.done, total: view.progress.total,
            results: results)
    }
}
