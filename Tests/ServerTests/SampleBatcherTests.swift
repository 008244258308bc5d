import Foundation
import Synchronization
import Testing

@testable import ServerCore

/// Group commit: every caller returns once its own row is written, rows
/// that arrive during a write go together in the next one, and a bad row
/// fails only its own caller.
@Suite("Sample group commit")
struct SampleBatcherTests {
    /// Records each write's rows; fails any batch holding `poison`, after `delay`.
    final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let poison: Int?
        let delay: Duration

        init(poison: Int? = nil, delay: Duration = .milliseconds(20)) {
            self.poison = poison
            self.delay = delay
        }

        func write(_ rows: [Int]) async throws {
            try await Task.sleep(for: delay)
            if let poison, rows.contains(poison) { throw CoreError.invalid("poison", "row \(poison)") }
            batches.withLock { $0.append(rows) }
        }
    }

    @Test func concurrentRowsAreWrittenOnceInFewerTransactions() async throws {
        let recorder = Recorder()
        let batcher = SampleBatcher<Int> { try await recorder.write($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for row in 0..<200 { group.addTask { try await batcher.insert(row) } }
            try await group.waitForAll()
        }
        let batches = recorder.batches.withLock { $0 }
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<200))
        // One write in flight at a time: the other 199 rows wait and go in groups.
        #expect(batches.count < 50, "\(batches.count) transactions for 200 rows")
    }

    @Test func aLoneRowIsWrittenAtOnce() async throws {
        let recorder = Recorder(delay: .zero)
        let batcher = SampleBatcher<Int> { try await recorder.write($0) }
        try await batcher.insert(1)
        try await batcher.insert(2)
        #expect(recorder.batches.withLock { $0 } == [[1], [2]])
    }

    @Test func aBadRowFailsOnlyItsOwnCaller() async throws {
        let recorder = Recorder(poison: 7)
        let batcher = SampleBatcher<Int> { try await recorder.write($0) }
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for row in 0..<30 {
                group.addTask {
                    do {
                        try await batcher.insert(row)
                        return (row, true)
                    } catch {
                        return (row, false)
                    }
                }
            }
            var results: [Int: Bool] = [:]
            for await (row, ok) in group { results[row] = ok }
            return results
        }
        #expect(results.filter { !$0.value }.keys.sorted() == [7])
        #expect(recorder.batches.withLock { $0 }.flatMap { $0 }.sorted() == (0..<30).filter { $0 != 7 })
        // The batcher is idle again and takes new rows.
        try await batcher.insert(100)
        #expect(recorder.batches.withLock { $0 }.last == [100])
    }
}
