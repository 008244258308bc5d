import Testing
@testable import Benchmarks

@Suite("SampleDatasets")
struct SampleDatasetsTests {
    @Test(arguments: BenchmarkCatalog.all)
    func loadsWithTenItemsMarkedSample(spec: BenchmarkSpec) throws {
        let dataset = try SampleDatasets.load(spec)
        #expect(dataset.source == .sample)
        #expect(dataset.benchmark == spec.name)
        #expect(dataset.items.count >= 10)
        #expect(dataset.sha256.count == 64)
        for item in dataset.items {
            #expect(item.metadata["source"] == .string("sample"), "\(spec.name) \(item.id)")
        }
    }

    @Test(arguments: BenchmarkCatalog.all)
    func goldAnswersScoreCorrectAgainstThemselves(spec: BenchmarkSpec) async throws {
        let dataset = try SampleDatasets.load(spec)
        let scorer = Scorer()
        for item in dataset.items {
            for gold in item.answers {
                let direct = try await scorer.score(spec: spec, item: item, prediction: gold)
                #expect(direct.correct, "\(spec.name) \(item.id): \(gold)")
                let trajectory = "<think>done</think>\n<answer>The answer is \\boxed{\(gold)}</answer>"
                let extracted = try await scorer.score(spec: spec, item: item, trajectory: trajectory)
                #expect(extracted.correct, "\(spec.name) \(item.id) boxed: \(gold)")
            }
        }
    }

    @Test func quirksAreMirrored() throws {
        let aime25 = try SampleDatasets.load(BenchmarkCatalog.spec(named: "aime25"))
        #expect(aime25.items.allSatisfy { Int($0.answers[0]) != nil })
        let gsm8k = try SampleDatasets.load(BenchmarkCatalog.spec(named: "gsm8k"))
        #expect(gsm8k.items.contains { $0.answers == ["1250"] })
        let gaia = try SampleDatasets.load(BenchmarkCatalog.spec(named: "gaia"))
        #expect(gaia.items.allSatisfy { $0.metadata["Level"] != nil && $0.id.count > 8 })
        let hle = try SampleDatasets.load(BenchmarkCatalog.spec(named: "hle"))
        let choices = hle.items.filter { $0.metadata["answer_type"] == .string("multipleChoice") }
        #expect(choices.count >= 3)
        #expect(choices.allSatisfy { ["A", "B", "C", "D", "E"].contains($0.answers[0]) })
        let xbench = try SampleDatasets.load(BenchmarkCatalog.spec(named: "xbench"))
        #expect(xbench.items.allSatisfy { $0.question.contains(where: QAScoring.isCJK) })
        let webwalker = try SampleDatasets.load(BenchmarkCatalog.spec(named: "webwalker"))
        #expect(webwalker.items.filter { $0.question.contains(where: QAScoring.isCJK) }.count > 5)
        let simpleqa = try SampleDatasets.load(BenchmarkCatalog.spec(named: "simpleqa"))
        #expect(simpleqa.items.contains { $0.answers.count > 1 })
    }

    @Test func missingSampleIsATypedError() {
        let spec = BenchmarkSpec(name: "nope", group: .math, scoring: .mathEqual, authorsItemCount: nil)
        #expect(throws: SampleDatasetError.missing(benchmark: "nope")) {
            try SampleDatasets.load(spec)
        }
    }
}
