import Testing
@testable import Benchmarks

/// Collects values from concurrent tasks.
actor Log<Value: Sendable> {
    private(set) var values: [Value] = []
    func append(_ value: Value) { values.append(value) }
}

@Suite("Concurrency limiter")
struct ConcurrencyLimiterTests {
    @Test func neverMoreThanTheLimitAndAllFinish() async throws {
        let limiter = ConcurrencyLimiter(limit: 2)
        let counter = Recorder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await limiter.withPermit {
                        await counter.enter()
                        try await Task.sleep(for: .milliseconds(20))
                        await counter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await counter.maxInFlight == 2)
        #expect(await limiter.inUse == 0)
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        try await limiter.acquire()
        let order = Log<Int>()
        var tasks: [Task<Void, any Error>] = []
        for index in 0..<5 {
            tasks.append(Task {
                try await limiter.acquire()
                await order.append(index)
                await limiter.release()
            })
            while await limiter.waiting < index + 1 { await Task.yield() }
        }
        await limiter.release()
        for task in tasks { try await task.value }
        #expect(await order.values == [0, 1, 2, 3, 4])
        #expect(await limiter.inUse == 0)
    }

    @Test func cancelledWaiterLeavesTheQueueAndSkipsNoPermit() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        try await limiter.acquire()
        let cancelled = Task { try await limiter.acquire() }
        while await limiter.waiting < 1 { await Task.yield() }
        let next = Task { try await limiter.acquire() }
        while await limiter.waiting < 2 { await Task.yield() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(await limiter.waiting == 1)
        await limiter.release()
        try await next.value
        #expect(await limiter.inUse == 1)
        await limiter.release()
        #expect(await limiter.inUse == 0)
    }

    @Test func alreadyCancelledTaskDoesNotAcquire() async {
        let limiter = ConcurrencyLimiter(limit: 3)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await limiter.acquire()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await limiter.inUse == 0)
    }
}
