import Synchronization

/// Values (rendered pages, ranking data) cached by key until the data
/// generation they were computed at is superseded, or they reach `maxAge`.
///
/// Concurrent misses on one key share one computation: the first starts it,
/// the others await the same task. The cache holds at most `capacity`
/// entries; when full, entries of older generations go first, then all.
final class RenderCache<Value: Sendable>: Sendable {
    private struct Entry {
        var generation: UInt64
        var created: ContinuousClock.Instant
        var value: Value
    }

    private struct Flight {
        var generation: UInt64
        var task: Task<Value, any Error>
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var inFlight: [String: Flight] = [:]
        var hits = 0
        var misses = 0
    }

    private enum Lookup {
        case hit(Value)
        case wait(Task<Value, any Error>)
    }

    private let state = Mutex(State())
    let capacity: Int
    let maxAge: Duration

    /// - Parameters:
    ///   - capacity: the most entries kept.
    ///   - maxAge: how long an entry is served at most, whatever the
    ///     generation says (bounds staleness after writes by other processes).
    init(capacity: Int = 512, maxAge: Duration = .seconds(10)) {
        self.capacity = capacity
        self.maxAge = maxAge
    }

    /// The value for `key` at `generation`, computed by `compute` on a miss.
    func value(
        for key: String, generation: UInt64, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let now = ContinuousClock.now
        let lookup: Lookup = state.withLock { state in
            if let entry = state.entries[key], entry.generation >= generation, now - entry.created < maxAge {
                state.hits += 1
                return .hit(entry.value)
            }
            state.misses += 1
            if let flight = state.inFlight[key], flight.generation >= generation { return .wait(flight.task) }
            let task = Task { try await compute() }
            state.inFlight[key] = Flight(generation: generation, task: task)
            return .wait(task)
        }
        switch lookup {
        case .hit(let value):
            return value
        case .wait(let task):
            do {
                let value = try await task.value
                store(value, for: key, generation: generation, created: now)
                return value
            } catch {
                state.withLock { state in
                    if state.inFlight[key]?.generation == generation { state.inFlight[key] = nil }
                }
                throw error
            }
        }
    }

    /// (hits, misses) so far, for tests and metrics.
    var counts: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    /// Drops every entry.
    func removeAll() {
        state.withLock { $0.entries.removeAll() }
    }

    private func store(_ value: Value, for key: String, generation: UInt64, created: ContinuousClock.Instant) {
        state.withLock { state in
            if state.inFlight[key]?.generation == generation { state.inFlight[key] = nil }
            if let existing = state.entries[key], existing.generation > generation { return }
            if state.entries[key] == nil, state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.generation >= generation }
                if state.entries.count >= capacity { state.entries.removeAll() }
            }
            state.entries[key] = Entry(generation: generation, created: created, value: value)
        }
    }
}
