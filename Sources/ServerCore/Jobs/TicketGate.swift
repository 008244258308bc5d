import Synchronization

/// Runs async bodies one at a time in the order their tickets were drawn.
///
/// An actor that awaits inside a method can be re-entered, so two events it
/// stores one after the other could reach the database and the hub in either
/// order. Drawing a ticket is synchronous, so inside the actor it happens in
/// program order; ``run(_:_:)`` then waits for that ticket's turn.
package final class TicketGate: Sendable {
    private struct State {
        package var drawn = 0
        package var serving = 0
        package var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// The next ticket. Every ticket drawn must be passed to ``run(_:_:)``,
    /// or the tickets after it wait forever.
    package func draw() -> Int {
        state.withLock { state in
            defer { state.drawn += 1 }
            return state.drawn
        }
    }

    /// Runs `body` once every earlier ticket's body has finished.
    package func run<T: Sendable>(_ ticket: Int, _ body: @Sendable () async throws -> T) async throws -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.serving == ticket { return true }
                state.waiting[ticket] = continuation
                return false
            }
            if now { continuation.resume() }
        }
        defer {
            let next = state.withLock { state in
                state.serving += 1
                return state.waiting.removeValue(forKey: state.serving)
            }
            next?.resume()
        }
        return try await body()
    }
}
