import Testing
@testable import Benchmarks

@Suite("PassAtK")
struct PassAtKTests {
    @Test func handValues() throws {
        #expect(abs(try PassAtK.estimate(n: 5, c: 2, k: 1) - 0.4) < 1e-12)
        #expect(try PassAtK.estimate(n: 5, c: 2, k: 5) == 1.0)
        #expect(try PassAtK.estimate(n: 5, c: 0, k: 1) == 0)
        #expect(try PassAtK.estimate(n: 5, c: 0, k: 5) == 0)
        #expect(abs(try PassAtK.estimate(n: 10, c: 3, k: 5) - (1 - 21.0 / 252.0)) < 1e-12)
        #expect(try PassAtK.estimate(n: 5, c: 5, k: 1) == 1)
        // n = 4, c = 1, k = 2: 1 - C(3,2)/C(4,2) = 1 - 3/6
        #expect(abs(try PassAtK.estimate(n: 4, c: 1, k: 2) - 0.5) < 1e-12)
    }

    @Test func largeCountsStayStable() throws {
        // 1 - C(900,10)/C(1000,10) without overflowing factorials.
        var expected = 1.0
        for i in 0..<10 { expected *= Double(900 - i) / Double(1000 - i) }
        #expect(abs(try PassAtK.estimate(n: 1000, c: 100, k: 10) - (1 - expected)) < 1e-12)
    }

    @Test func mean() throws {
        let value = try PassAtK.mean([(n: 5, c: 2), (n: 5, c: 0), (n: 5, c: 5)], k: 1)
        #expect(abs(value - (0.4 + 0 + 1) / 3) < 1e-12)
        #expect(try PassAtK.mean([(n: 5, c: 1), (n: 5, c: 0)], k: 5) == 0.5)
    }

    @Test func impossibleInputsThrow() {
        #expect(throws: PassAtKError.notEnoughSamples(n: 3, k: 5)) { try PassAtK.estimate(n: 3, c: 1, k: 5) }
        #expect(throws: PassAtKError.correctExceedsSamples(c: 6, n: 5)) { try PassAtK.estimate(n: 5, c: 6, k: 1) }
        #expect(throws: PassAtKError.invalidK(0)) { try PassAtK.estimate(n: 5, c: 1, k: 0) }
        #expect(throws: PassAtKError.negativeCorrect(-1)) { try PassAtK.estimate(n: 5, c: -1, k: 1) }
        #expect(throws: PassAtKError.noItems) { try PassAtK.mean([], k: 1) }
    }
}
