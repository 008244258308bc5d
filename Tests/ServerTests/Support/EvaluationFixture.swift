import Foundation

@testable import Server
@testable import ServerCore

/// A small gsm8k set and a pattern of right and wrong answers with known
/// Pass@1 / Pass@5: item a all 5 right, item b 2 of 5, item c none.
enum EvaluationFixture {
    static let gsm8k = """
        {"id": "a", "question": "What is 2 + 3?", "answer": "2 + 3 = 5\\n#### 5"}
        {"id": "b", "question": "What is 10 - 4?", "answer": "10 - 4 = 6\\n#### 6"}
        {"id": "c", "question": "What is 3 x 3?", "answer": "3 x 3 = 9\\n#### 9"}

        """

    static let gold = ["a": "5", "b": "6", "c": "9"]
    static let correctRepeats = ["a": Set(0..<5), "b": Set([1, 3]), "c": Set<Int>()]

    /// Pass@1 = (5/5 + 2/5 + 0/5) / 3; Pass@5 = (1 + 1 + 0) / 3.
    static let expectedPassAt1 = (1.0 + 0.4 + 0.0) / 3
    static let expectedPassAt5 = 2.0 / 3

    /// The answer the scripted model gives for each sample's seed.
    static func answers(seed evaluationSeed: Int = 0) -> [UInt64: String] {
        var answers: [UInt64: String] = [:]
        for (item, gold) in gold {
            for index in 0..<5 {
                let seed = SampleSeed.make(evaluationSeed: evaluationSeed, benchmark: "gsm8k", item: item, repeat: index)
                answers[seed] = correctRepeats[item, default: []].contains(index) ? gold : "\(Int(gold)! + 100)"
            }
        }
        return answers
    }
}
