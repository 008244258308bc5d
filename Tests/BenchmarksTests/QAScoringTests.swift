import Testing
@testable import Benchmarks

@Suite("QAScoring")
struct QAScoringTests {
    @Test func squadNormalisation() {
        #expect(QAScoring.normalize("The  Eiffel-Tower!") == "eiffeltower")
        #expect(QAScoring.normalize("An apple, a day") == "apple day")
        #expect(QAScoring.normalize("  Theory  of   Everything ") == "theory of everything")
    }

    @Test func exactMatchOverAliases() {
        #expect(QAScoring.exactMatch(prediction: "the Nile", aliases: ["Nile River", "Nile"]))
        #expect(QAScoring.exactMatch(prediction: "George H. W. Bush", aliases: ["george h. w. bush"]))
        #expect(!QAScoring.exactMatch(prediction: "Nile River basin", aliases: ["Nile River"]))
    }

    @Test func f1HandWorked() {
        // prediction tokens [barack, obama, jr], gold [barack, obama]: p = 2/3, r = 1, f1 = 0.8
        #expect(abs(QAScoring.f1(prediction: "Barack Obama Jr.", aliases: ["Barack Obama"]) - 0.8) < 1e-12)
        // best alias wins: "paris" vs ["city of light", "paris"] -> 1
        #expect(QAScoring.f1(prediction: "Paris", aliases: ["city of light", "Paris"]) == 1)
        #expect(QAScoring.f1(prediction: "London", aliases: ["Paris"]) == 0)
        #expect(QAScoring.f1(prediction: "the", aliases: ["a"]) == 1)
        #expect(QAScoring.f1(prediction: "the", aliases: ["Paris"]) == 0)
    }

    @Test func chineseIsComparedByCharacters() {
        #expect(QAScoring.tokens(of: "北京大学 is in 北京。") == ["北", "京", "大", "学", "is", "in", "北", "京"])
        // prediction 北京市 [北, 京, 市], gold 北京 [北, 京]: p = 2/3, r = 1 -> 0.8
        #expect(abs(QAScoring.f1(prediction: "北京市", aliases: ["北京"]) - 0.8) < 1e-12)
        #expect(QAScoring.exactMatch(prediction: "北京 大学", aliases: ["北京大学"]))
        #expect(QAScoring.exactMatch(prediction: "珠穆朗玛峰。", aliases: ["珠穆朗玛峰"]))
        // 罗贯中 vs 罗贯: common 2, p = 2/2, r = 2/3 -> 0.8
        #expect(abs(QAScoring.f1(prediction: "罗贯", aliases: ["罗贯中"]) - 0.8) < 1e-12)
    }
}
