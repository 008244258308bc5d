import Foundation
import GRDB
import Testing

@testable import Server
@testable import ServerCore

/// The deadlock a 2-core machine hit under a few dozen GETs: the store's
/// reads parked cooperative threads in GRDB's reader pool while async reads
/// (`/healthz`, the auth middleware) held readers and waited for a thread to
/// resume on. The workload below runs the store's request paths on an
/// executor of exactly two threads, as the cooperative pool of such a
/// machine is, and must finish.
@Suite("Pool starvation")
struct PoolStarvationTests {
    @Test func mixedStoreTrafficOnTwoThreadsFinishes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aepo-starve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase.open(directory: directory)
        let datasets = DatasetStore(database: database)
        try await datasets.installSampleSets()
        let checkpoints = CheckpointStore(database: database, directory: directory)
        let evaluations = EvaluationStore(database: database)
        let training = TrainingStore(database: database)
        let executor = FixedThreadExecutor(threads: 2)
        defer { executor.stop() }

        // Unstructured on purpose: a deadlocked workload can never be awaited,
        // so the test waits for it with a deadline instead.
        let workload = Task(executorPreference: executor) {
            await withTaskGroup(of: Bool.self) { group in
                for index in 0..<400 {
                    group.addTask {
                        do {
                            switch index % 6 {
                            case 0: _ = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
                            case 1: _ = try await datasets.activeVersions()
                            case 2: _ = try await checkpoints.list(limit: 50, before: nil)
                            case 3: _ = try await evaluations.list(checkpointID: nil, limit: 50, before: nil)
                            case 4:
                                _ = try await checkpoints.registerEndpoint(
                                    name: "endpoint-\(index)", url: "http://127.0.0.1:9/v1", model: "m", maxConcurrency: 4)
                            default: _ = try await training.list(limit: 20, before: nil)
                            }
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                var finished = 0
                for await ok in group where ok { finished += 1 }
                return finished
            }
        }
        // On a deadlock the store is wedged for good: report and stop here.
        guard let finished = await value(of: workload, within: .seconds(30)) else {
            Issue.record("the mixed workload did not finish within 30 s on a 2-thread executor (deadlock)")
            return
        }
        #expect(finished == 400)
        let registered = try await checkpoints.list(limit: 500, before: nil).checkpoints.count
        #expect(registered == (0..<400).filter { $0 % 6 == 4 }.count)
    }
}

/// The task's value, or nil when it has not finished within `limit`.
private func value<T: Sendable>(of task: Task<T, Never>, within limit: Duration) async -> T? {
    let (results, continuation) = AsyncStream<T?>.makeStream()
    Task {
        continuation.yield(await task.value)
    }
    Task {
        try? await Task.sleep(for: limit)
        continuation.yield(nil)
    }
    for await result in results { return result }
    return nil
}

/// A task executor with a fixed number of threads: the cooperative pool of
/// a small machine, whatever machine the tests run on.
final class FixedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "fixed-executor-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads end once the queue is empty.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
