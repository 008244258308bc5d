import Testing
@testable import Benchmarks

@Suite("GAIAScorer")
struct GAIAScorerTests {
    @Test func numericGold() {
        #expect(GAIAScorer.isCorrect(prediction: "$1,000", gold: "1000"))
        #expect(GAIAScorer.isCorrect(prediction: "17%", gold: "17"))
        #expect(GAIAScorer.isCorrect(prediction: "5.0", gold: "5"))
        #expect(GAIAScorer.isCorrect(prediction: "1234", gold: "1,234"))
        #expect(!GAIAScorer.isCorrect(prediction: "about 5", gold: "5"))
        #expect(!GAIAScorer.isCorrect(prediction: "5.1", gold: "5"))
    }

    @Test func listGold() {
        #expect(GAIAScorer.isCorrect(prediction: "2,3,5, 7 ,11", gold: "2, 3, 5, 7, 11"))
        #expect(GAIAScorer.isCorrect(prediction: "Red; Green; Blue", gold: "red; green; blue"))
        #expect(!GAIAScorer.isCorrect(prediction: "red, green", gold: "red, green, blue"))
        #expect(!GAIAScorer.isCorrect(prediction: "green, red, blue", gold: "red, green, blue"))
        #expect(GAIAScorer.isCorrect(prediction: "1,2", gold: "1,2"))
        #expect(!GAIAScorer.isCorrect(prediction: "12", gold: "1,2"))
    }

    @Test func stringGold() {
        #expect(GAIAScorer.isCorrect(prediction: "Saint-Petersburg", gold: "saint petersburg"))
        #expect(GAIAScorer.isCorrect(prediction: " AU. ", gold: "Au"))
        #expect(!GAIAScorer.isCorrect(prediction: "Ag", gold: "Au"))
    }
}
