import Synchronization

/// Values (rendered pages, ranking data) cached by key and the data
/// generation they were computed at.
///
/// An entry of an older generation is never served: the request waits for a
/// fresh value, so a client always sees its own writes. Concurrent misses on
/// one key share one computation: the first starts it, the others await the
/// same task. The cache holds at most `capacity` entries; when full, entries
/// of older generations go first, then all.
package final class RenderCache<Value: Sendable>: Sendable {
    private struct Entry {
        package var generation: UInt64
        package var value: Value
    }

    private struct Flight {
        package var generation: UInt64
        package var task: Task<Value, any Error>
    }

    private struct State {
        package var entries: [String: Entry] = [:]
        package var inFlight: [String: Flight] = [:]
        package var hits = 0
        package var misses = 0
    }

    private enum Lookup {
        case hit(Value)
        case wait(Task<Value, any Error>)
    }

    private let state = Mutex(State())
    package let capacity: Int

    package init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// The value for `key` at `generation`, computed by `compute` on a miss.
    package func value(
        for key: String, generation: UInt64, compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let lookup: Lookup = state.withLock { state in
            if let entry = state.entries[key], entry.generation >= generation {
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
                store(value, for: key, generation: generation)
                return value
            } catch {
                state.withLock { state in
                    if state.inFlight[key]?.generation == generation { state.inFlight[key] = nil }
                }
                throw error
            }
        }
    }

    /// (hits, misses) so far, for tests.
    package var counts: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    private func store(_ value: Value, for key: String, generation: UInt64) {
        state.withLock { state in
            if state.inFlight[key]?.generation == generation { state.inFlight[key] = nil }
            if let existing = state.entries[key], existing.generation > generation { return }
            if state.entries[key] == nil, state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.generation >= generation }
                if state.entries.count >= capacity { state.entries.removeAll() }
            }
            state.entries[key] = Entry(generation: generation, value: value)
        }
    }
}
