import Foundation

/// Owns the task of every running evaluation, so one can be cancelled on
/// request and all are cancelled and awaited when the server shuts down.
package actor EvaluationScheduler {
    private let runner: EvaluationRunner
    private var tasks: [Int64: Task<Void, Never>] = [:]
    private var accepting = true

    package init(runner: EvaluationRunner) {
        self.runner = runner
    }

    /// Starts evaluation `id` unless it already runs or the server is stopping.
    package func start(_ id: Int64) {
        guard accepting, tasks[id] == nil else { return }
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
    }
}
