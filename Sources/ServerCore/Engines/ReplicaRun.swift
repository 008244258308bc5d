import Benchmarks
import Foundation
import Synchronization

/// A replica's running engine as its calls see it, whichever launcher
/// started it: a call in flight is abandoned as soon as its engine ends.
package protocol ReplicaRun: Sendable {
    /// Waits until the engine ends (true) or `timeout` passes (false).
    func ended(within timeout: Duration) async -> Bool
    /// Waits until the engine ends (true) or the calling task is cancelled (false).
    func waitEndedUnlessCancelled() async -> Bool
}

extension ChildProcess: ReplicaRun {
    package func ended(within timeout: Duration) async -> Bool { await wait(within: timeout) != nil }
    package func waitEndedUnlessCancelled() async -> Bool { await waitUnlessCancelled() != nil }
}

/// A one-shot signal many tasks can wait on: fired once, every waiter
/// resumes; a waiter whose task is cancelled resumes at once with false.
package final class EndSignal: Sendable {
    private struct State {
        var fired = false
        var waiters: [UUID: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    package var hasFired: Bool { state.withLock { $0.fired } }

    /// Fires the signal (later calls do nothing).
    package func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// True once fired; false if the calling task is cancelled first.
    package func wait() async -> Bool {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool? = state.withLock { state in
                    if state.fired { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: false)
        }
    }

    /// Whether it fires within `timeout`.
    package func wait(within timeout: Duration) async -> Bool {
        if hasFired { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.wait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || hasFired
        }
    }
}
