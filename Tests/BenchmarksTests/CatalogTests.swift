import Testing
@testable import Benchmarks

@Suite("BenchmarkCatalog")
struct CatalogTests {
    @Test func listsTheFourteenAdaptersInOrder() {
        #expect(BenchmarkCatalog.names == [
            "aime24", "aime25", "math500", "gsm8k", "math", "hotpotqa", "2wiki", "musique",
            "bamboogle", "webwalker", "gaia", "hle", "xbench", "simpleqa",
        ])
    }

    @Test func groupsScoringAndCounts() throws {
        let gsm8k = try BenchmarkCatalog.spec(named: "gsm8k")
        #expect(gsm8k.group == .math)
        #expect(gsm8k.scoring == .mathEqual)
        #expect(gsm8k.answerFormat == .gsm8kRationale)
        #expect(gsm8k.authorsItemCount == 1319)
        #expect(try BenchmarkCatalog.spec(named: "math").authorsItemCount == nil)
        #expect(try BenchmarkCatalog.spec(named: "bamboogle").group == .knowledge)
        #expect(try BenchmarkCatalog.spec(named: "gaia").scoring == .gaia)
        #expect(try BenchmarkCatalog.spec(named: "hle").scoring == .exactMatch)
        #expect(try BenchmarkCatalog.spec(named: "xbench").language == .zh)
        #expect(try BenchmarkCatalog.spec(named: "simpleqa").group == .deepSearch)
        #expect(BenchmarkSpec.Group.deepSearch.rawValue == "deep-search")
        let math = BenchmarkCatalog.all.filter { $0.group == .math }.map(\.name)
        #expect(math == ["aime24", "aime25", "math500", "gsm8k", "math"])
        // The synthetic group is the built-in suites' alone: rankings average over the adapters' three.
        #expect(BenchmarkCatalog.groups == [.math, .knowledge, .deepSearch])
    }

    @Test func unknownNameListsTheValidOnes() {
        #expect(throws: CatalogError.unknownBenchmark(name: "aime", valid: BenchmarkCatalog.names)) {
            try BenchmarkCatalog.spec(named: "aime")
        }
        let message = CatalogError.unknownBenchmark(name: "x", valid: ["a", "b"]).description
        #expect(message == "unknown benchmark \"x\"; valid names: a, b")
    }
}
