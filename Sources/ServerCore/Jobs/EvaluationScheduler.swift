import Foundation

/// Owns the task of every running evaluation, so one can be cancelled on
/// request and all are cancelled and awaited when the server shuts down.
package actor EvaluationScheduler {
    private let runner: EvaluationRunner
    private var tasks: [Int64: Task<Void, Never>] = [:]
    /// Evaluations queued again while their previous run was ending (a
    /// failed one resubmitted): started once that run is gone.
    private var restarts: Set<Int64> = []
    private var accepting = true

    package init(runner: EvaluationRunner) {
        self.runner = runner
    }

    /// Starts evaluation `id` unless the server is stopping; when it still
    /// runs, once that run ends (which does nothing if it is finished).
    package func start(_ id: Int64) {
        guard accepting else { return }
        guard tasks[id] == nil else {
            restarts.insert(id)
            return
        }
        let runner = self.runner
        tasks[id] = Task {
            await runner.run(id)
            await self.remove(id)
        }
    }

    /// Stops evaluation `id` if it runs; in-flight model calls are cancelled.
    package func cancel(_ id: Int64) async {
        guard let task = tasks[id] else { return }
        task.cancel()
        await task.value
    }

    /// Whether evaluation `id` has a running task.
    package func isRunning(_ id: Int64) -> Bool { tasks[id] != nil }

    /// Refuses new work, cancels every running evaluation and waits for them.
    package func shutdown() async {
        accepting = false
        let running = Array(tasks.values)
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    private func remove(_ id: Int64) {
        tasks[id] = nil
        if restarts.remove(id) != nil { start(id) }
    }
}
