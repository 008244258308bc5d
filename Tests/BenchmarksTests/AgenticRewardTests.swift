import Testing

@testable import Benchmarks

@Suite("RL reward (AEPO.md section 4)")
struct AgenticRewardTests {
    static let both = """
        <think>look it up, then compute</think>
        <search> population of Orlen </search>
        <result>
        Orlen has 1,200 people.
        </result>
        <python>print(1200 * 2)</python>
        <result>
        2400
        </result>
        <answer>\\boxed{2400}</answer>
        """

    @Test func correctAnswerWithBothToolsGetsTheBonus() {
        let score = AgenticReward.score(trajectory: Self.both, golds: ["2400"])
        #expect(score.formatProblem == nil)
        #expect(score.f1 == 1)
        #expect(abs(score.reward - 1.1) < 1e-12)
        #expect(score.searchCalls == 1 && score.pythonCalls == 1)
    }

    @Test func partialF1WithoutBothToolsHasNoBonus() {
        let trajectory = "<think>ok</think>\n<answer>\\boxed{Ada Kest Miller}</answer>"
        let score = AgenticReward.score(trajectory: trajectory, golds: ["Ada Kest"])
        // tokens {ada, kest, miller} vs {ada, kest}: P = 2/3, R = 1, F1 = 0.8
        #expect(abs(score.reward - 0.8) < 1e-12)
    }

    @Test func wrongAnswerWithToolsGetsZeroNotTheBonus() {
        let score = AgenticReward.score(trajectory: Self.both, golds: ["17"])
        #expect(score.reward == 0)
    }

    @Test(arguments: [
        ("<think>a<think>b</think></think><answer>\\boxed{1}</answer>", "think"),
        ("<think>a</think><answer>\\boxed{1}</answer><answer>\\boxed{2}</answer>", "exactly one"),
        ("<think>a</think>", "exactly one"),
        ("<search> q </search>\n<answer>\\boxed{1}</answer>", "followed by its <result>"),
        ("<python>print(1)\n<result>1</result><answer>\\boxed{1}</answer>", "python"),
        ("<answer>1</answer>", "boxed"),
    ])
    func invalidFormatsScoreMinusOne(trajectory: String, problem: String) {
        let score = AgenticReward.score(trajectory: trajectory, golds: ["1"])
        #expect(score.reward == -1)
        #expect(score.formatProblem?.contains(problem) == true, "\(score.formatProblem ?? "valid")")
    }
}
