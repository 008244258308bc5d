import Testing
@testable import Trainer

@Suite("Worker pool and the linear layers' items")
struct WorkerPoolTests {
    @Test("every item runs once, on a thread below the count, loop after loop", arguments: [1, 2, 3])
    func coverage(_ threads: Int) {
        let pool = WorkerPool(threads: threads)
        for count in [1, 2, 7, 100, 1000] {
            let runs = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
            let threadOf = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
            defer {
                runs.deallocate()
                threadOf.deallocate()
            }
            runs.initialize(repeating: 0)
            threadOf.initialize(repeating: -1)
            pool.forEach(count) { item, thread in
                runs[item] += 1
                threadOf[item] = thread
            }
            #expect(runs.allSatisfy { $0 == 1 }, "threads \(threads) count \(count)")
            #expect(threadOf.allSatisfy { (0..<threads).contains($0) })
        }
    }

    @Test("after shutdown loops still run, on the caller")
    func afterShutdown() {
        let pool = WorkerPool(threads: 2)
        var sum = 0
        pool.forEach(10) { item, _ in _ = item }
        pool.shutdown()
        pool.shutdown()  // idempotent
        pool.forEach(10) { item, thread in
            #expect(thread == 0)
            sum += item
        }
        #expect(sum == 45)
    }

    @Test("items cover each product in order, bounds multiples of 8, about itemBytes each")
    func items() {
        // q, k, v of Qwen2.5-0.5B in bf16 (896 inputs: 1792 bytes per row)
        let products = [(outFeatures: 896, rowBytes: 1792), (outFeatures: 128, rowBytes: 1792), (outFeatures: 130, rowBytes: 1792)]
        let items = LinearExecutor.items(products, threads: 2)
        for (j, product) in products.enumerated() {
            let ranges = items.filter { $0.0 == j }.map(\.1)
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == product.outFeatures)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(ranges.allSatisfy { $0.lowerBound % 8 == 0 && !$0.isEmpty })
        }
        #expect(items.map(\.0) == items.map(\.0).sorted())
        // 128 KiB / 1792 bytes = 73 rows, rounded down to 72
        #expect(items.first?.1 == 0..<72)
        // rows longer than itemBytes: 8 rows per item
        #expect(LinearExecutor.items([(outFeatures: 20, rowBytes: 1 << 20)], threads: 2).map(\.1) == [0..<8, 8..<16, 16..<20])
        // one thread: one item per product
        #expect(LinearExecutor.items(products, threads: 1).map(\.1) == [0..<896, 0..<128, 0..<130])
    }

    @Test("split covers [0, n) once, in shares with bounds multiples of 16, only for large n", arguments: [1, 2, 3])
    func split(_ threads: Int) {
        let executor = LinearExecutor(threads: threads)
        defer { executor.shutdown() }
        for n in [0, 5, LinearExecutor.parallelElements - 1, LinearExecutor.parallelElements, 77_831] {
            // shares are disjoint: each marks its own elements and its first one
            let seen = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, n))
            let starts = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, n))
            defer {
                seen.deallocate()
                starts.deallocate()
            }
            seen.initialize(repeating: 0)
            starts.initialize(repeating: false)
            executor.split(n) { start, count in
                #expect(start % 16 == 0 && count > 0)
                for i in start..<(start + count) { seen[i] += 1 }
                starts[start] = true
            }
            #expect(seen.prefix(n).allSatisfy { $0 == 1 }, "threads \(threads) n \(n)")
            let shares = starts.prefix(n).filter { $0 }.count
            #expect(shares == (n == 0 ? 0 : n >= LinearExecutor.parallelElements ? threads : 1), "threads \(threads) n \(n)")
        }
    }
}
