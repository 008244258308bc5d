import Testing
@testable import Benchmarks

@Suite("AnswerExtraction")
struct AnswerExtractionTests {
    @Test func lastAnswerThenLastBoxed() {
        let trajectory = """
            <think>try</think><answer>\\boxed{1}</answer>
            <result>no</result><answer>so \\boxed{2} or rather \\boxed{3}</answer>
            """
        #expect(AnswerExtraction.finalAnswer(from: trajectory) == "3")
    }

    @Test func nestedBraces() {
        #expect(AnswerExtraction.finalAnswer(from: "<answer>\\boxed{\\frac{1}{2}}</answer>") == "\\frac{1}{2}")
        #expect(AnswerExtraction.finalAnswer(from: "<answer>$\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$</answer>")
            == "\\left( 3, \\frac{\\pi}{2} \\right)")
        #expect(AnswerExtraction.lastBoxed(in: "\\boxed{\\{1, 2\\}}") == "\\{1, 2\\}")
        #expect(AnswerExtraction.lastBoxed(in: "\\boxed{a{b{c}}d}") == "a{b{c}}d")
    }

    @Test func textIsUnwrapped() {
        #expect(AnswerExtraction.finalAnswer(from: "<answer>\\boxed{\\text{Paris}}</answer>") == "Paris")
        #expect(AnswerExtraction.finalAnswer(from: "<answer>\\boxed{\\text{a} + 1}</answer>") == "\\text{a} + 1")
    }

    @Test func fallbacks() {
        #expect(AnswerExtraction.finalAnswer(from: "<answer>  Paris \n</answer>") == "Paris")
        #expect(AnswerExtraction.finalAnswer(from: "The answer is \\boxed{5}") == nil)
        #expect(AnswerExtraction.finalAnswer(from: "<answer>   </answer>") == nil)
        #expect(AnswerExtraction.finalAnswer(from: "<answer>\\boxed{7}") == "7")
        #expect(AnswerExtraction.finalAnswer(from: "<answer>\\boxed{\\frac{1}{2} truncated</answer>")
            == "\\boxed{\\frac{1}{2} truncated")
        #expect(AnswerExtraction.finalAnswer(from: "<answer>\\boxed{4} then \\boxed{broken</answer>") == "4")
        #expect(AnswerExtraction.lastBoxed(in: "\\boxed 5 apples") == "5")
        #expect(AnswerExtraction.lastBoxed(in: "\\fbox{9}") == "9")
        #expect(AnswerExtraction.answerTag(in: "no tags") == nil)
    }
}
