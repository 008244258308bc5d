import Testing
@testable import Benchmarks

/// A judge stub that answers from a fixed rule and counts its calls.
actor StubJudge: Judge {
    private(set) var calls = 0
    let verdict: @Sendable (String) -> JudgeVerdict

    init(_ verdict: @escaping @Sendable (String) -> JudgeVerdict) {
        self.verdict = verdict
    }

    func judge(question: String, golds: [String], prediction: String) async throws -> JudgeVerdict {
        calls += 1
        return verdict(prediction)
    }
}

struct JudgeDown: Error {}

/// A judge whose endpoint is unreachable.
struct FailingJudge: Judge {
    func judge(question: String, golds: [String], prediction: String) async throws -> JudgeVerdict {
        throw JudgeDown()
    }
}

@Suite("Scorer")
struct ScorerTests {
    let scorer = Scorer()

    func spec(_ name: String) throws -> BenchmarkSpec {
        try BenchmarkCatalog.spec(named: name)
    }

    @Test func mathFamily() async throws {
        let item = DatasetItem(id: "1", question: "Half?", answers: ["\\frac{1}{2}"], line: 1)
        let right = try await scorer.score(spec: spec("math500"), item: item, prediction: "0.5")
        #expect(right == ScoreResult(correct: true, score: 1, metric: .mathEqual))
        let wrong = try await scorer.score(spec: spec("math500"), item: item, prediction: "0.6")
        #expect(wrong == ScoreResult(correct: false, score: 0, metric: .mathEqual))
        let none = try await scorer.score(spec: spec("math500"), item: item, prediction: nil)
        #expect(!none.correct)
        let boxed = try await scorer.score(
            spec: spec("math500"), item: item, trajectory: "<answer>\\boxed{\\dfrac{1}{2}}</answer>")
        #expect(boxed.correct)
    }

    @Test func qaFamilyUsesEMForCorrectAndF1ForScore() async throws {
        let item = DatasetItem(id: "1", question: "Who?", answers: ["Barack Obama", "Obama"], line: 1)
        let partial = try await scorer.score(spec: spec("hotpotqa"), item: item, prediction: "Barack Obama Jr.")
        #expect(!partial.correct)
        #expect(abs(partial.score - 0.8) < 1e-12)
        #expect(partial.metric == .exactMatch)
        let exact = try await scorer.score(spec: spec("hotpotqa"), item: item, prediction: "obama")
        #expect(exact == ScoreResult(correct: true, score: 1, metric: .exactMatch))
    }

    @Test func hleMultipleChoiceAndGaia() async throws {
        let choice = DatasetItem(id: "1", question: "Pick.\nA. x\nB. y", answers: ["B"], line: 1)
        #expect(try await scorer.score(spec: spec("hle"), item: choice, prediction: "(B)").correct)
        #expect(try await scorer.score(spec: spec("hle"), item: choice, prediction: "A").score == 0)
        let gaia = DatasetItem(id: "t", question: "How much?", answers: ["1000"], line: 1)
        let result = try await scorer.score(spec: spec("gaia"), item: gaia, prediction: "$1,000")
        #expect(result == ScoreResult(correct: true, score: 1, metric: .gaiaRules))
    }

    @Test func judgeIsAskedOnlyWhenRulesSayIncorrect() async throws {
        let judge = StubJudge { $0.contains("Obama") ? .correct : .incorrect }
        let judged = Scorer(judge: judge)
        let item = DatasetItem(id: "1", question: "Who?", answers: ["Barack Obama"], line: 1)
        let byRules = try await judged.score(spec: spec("musique"), item: item, prediction: "barack obama")
        #expect(byRules == ScoreResult(correct: true, score: 1, metric: .judge))
        #expect(await judge.calls == 0)
        let byJudge = try await judged.score(spec: spec("musique"), item: item, prediction: "President Obama")
        #expect(byJudge.correct && byJudge.metric == .judge)
        #expect(abs(byJudge.score - 0.5) < 1e-12)  // F1 stays the score: p = 1/2, r = 1/2
        let rejected = try await judged.score(spec: spec("gaia"), item: item, prediction: "Bush")
        #expect(rejected == ScoreResult(correct: false, score: 0, metric: .judge))
        #expect(await judge.calls == 2)
        let blank = try await judged.score(spec: spec("hotpotqa"), item: item, prediction: " ")
        #expect(blank == ScoreResult(correct: false, score: 0, metric: .judge))
        #expect(await judge.calls == 2)
        let math = DatasetItem(id: "m", question: "1+1?", answers: ["2"], line: 1)
        #expect(try await judged.score(spec: spec("gsm8k"), item: math, prediction: "Obama").metric == .mathEqual)
    }

    @Test func judgeFailureFallsBackToTheRules() async throws {
        let item = DatasetItem(id: "1", question: "Who?", answers: ["Obama"], line: 1)
        let result = try await Scorer(judge: FailingJudge()).score(spec: spec("xbench"), item: item, prediction: "Bush")
        #expect(result == ScoreResult(correct: false, score: 0, metric: .exactMatch, judgeError: "JudgeDown()"))
    }
}
