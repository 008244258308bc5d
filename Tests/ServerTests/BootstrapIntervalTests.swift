import Testing

@testable import Server
@testable import ServerCore

@Suite("Bootstrap interval over items")
struct BootstrapIntervalTests {
    let values = (0..<200).map { Double($0 % 5) / 4 }

    @Test func sameInputsGiveTheSameIntervalAndSeedsMatter() throws {
        let first = try #require(BootstrapInterval.mean(of: values, seed: 42))
        #expect(BootstrapInterval.mean(of: values, seed: 42) == first)
        #expect(BootstrapInterval.mean(of: values, seed: 43) != first)
    }

    @Test func intervalBracketsTheMeanAndShrinksWithMoreItems() throws {
        let mean = values.reduce(0, +) / Double(values.count)
        let interval = try #require(BootstrapInterval.mean(of: values))
        #expect(interval.low < mean && mean < interval.high)
        // Standard error of the mean: sd / sqrt(n); the 95% interval is about ±1.96 se.
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        let halfWidth = 1.96 * (variance / Double(values.count)).squareRoot()
        #expect(abs((interval.high - interval.low) / 2 - halfWidth) < 0.25 * halfWidth)
        let larger = try #require(BootstrapInterval.mean(of: values + values + values + values))
        #expect(larger.high - larger.low < interval.high - interval.low)
    }

    @Test func degenerateInputs() {
        #expect(BootstrapInterval.mean(of: []) == nil)
        #expect(BootstrapInterval.mean(of: [0.5], resamples: 0) == nil)
        #expect(BootstrapInterval.mean(of: [0.5], confidence: 1) == nil)
        #expect(BootstrapInterval.mean(of: [0.7]) == .init(low: 0.7, high: 0.7))
        #expect(BootstrapInterval.mean(of: [1, 1, 1]) == .init(low: 1, high: 1))
    }

    @Test func nearestRankPercentiles() {
        #expect(BootstrapInterval.rankIndex(0.025, of: 1000) == 24)
        #expect(BootstrapInterval.rankIndex(0.975, of: 1000) == 974)
        #expect(BootstrapInterval.rankIndex(0.025, of: 1) == 0)
        #expect(BootstrapInterval.rankIndex(0.975, of: 1) == 0)
    }

    @Test func splitMixIsTheReferenceSequence() {
        // First outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        var bounded = SplitMix64(seed: 7)
        #expect((0..<1000).allSatisfy { _ in (0..<13).contains(bounded.index(below: 13)) })
    }
}
