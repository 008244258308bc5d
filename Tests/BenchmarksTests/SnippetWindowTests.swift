import Testing
@testable import Benchmarks

@Suite("Page windows around search snippets")
struct SnippetWindowTests {
    // Offsets: "Alpha one two. " is 0..<15, "Beta three four." 15..<31, "Gamma five six." 32..<47.
    let page = "Alpha one two. Beta three four. Gamma five six."

    @Test func anExactPieceIsCentred() {
        // "beta three four" is 15..<30; 21 characters leave 6, 3 on each side: 12..<33.
        let (text, anchor) = SnippetWindow.window(in: page, around: "beta three four", size: 21)
        #expect(text == "o. Beta three four. G")
        #expect(anchor == .exact)
        // Engines join pieces with "...": the long piece is looked up, the short one ignored.
        #expect(SnippetWindow.window(in: page, around: "Lorem ... beta three four ...", size: 21).text == "o. Beta three four. G")
        // Case and line breaks do not matter; highlights and references are cleaned.
        let broken = "Alpha one two.\nBETA three\nfour. Gamma five six."
        #expect(SnippetWindow.window(in: broken, around: "<b>beta</b>&#32;three four", size: 21) == ("o.\nBETA three\nfour. G", .exact))
    }

    @Test func otherwiseTheSentenceWithTheBestWordOverlap() {
        // {gamma, six, seven, eight} against {gamma, five, six}: 2 shared,
        // F1 = 2·2 / (4 + 3) = 4/7. Centred on 32..<47 the window would pass
        // the end, so it is moved back to the last 21 characters: 26..<47.
        let (text, anchor) = SnippetWindow.window(in: page, around: "gamma six seven eight", size: 21)
        #expect(text == "four. Gamma five six.")
        #expect(anchor == .overlap(4.0 / 7.0))
        // Chinese by characters: 7 of 8 and 9 shared, F1 = 14/17; the sentence is 9..<18.
        let chinese = "巴黎是法国的首都。埃菲尔铁塔在巴黎。"
        let window = SnippetWindow.window(in: chinese, around: "埃菲尔铁塔位于巴黎", size: 9)
        #expect(window == ("埃菲尔铁塔在巴黎。", .overlap(14.0 / 17.0)))
    }

    @Test func noMatchIsTheBeginningOfThePage() {
        #expect(SnippetWindow.window(in: page, around: "zebra crossing", size: 21) == ("Alpha one two. Beta t", .start))
        // One word of ten shared with a 3-word sentence: F1 = 2/13, below 0.2.
        let weak = "alpha x1 x2 x3 x4 x5 x6 x7 x8 x9"
        #expect(SnippetWindow.window(in: page, around: weak, size: 21) == ("Alpha one two. Beta t", .start))
        #expect(SnippetWindow.window(in: page, around: "", size: 21) == ("Alpha one two. Beta t", .start))
    }

    @Test func aShortPageIsItsOwnWindow() {
        #expect(SnippetWindow.window(in: page, around: "gamma five six", size: 100) == (page, .exact))
        // A match longer than the window starts the window.
        #expect(SnippetWindow.window(in: page, around: "beta three four. gamma five six", size: 10).text == "Beta three")
    }

    @Test func sentencesAndWords() {
        let text = Array("One. Two!Three? Four\nFive。六")
        #expect(SnippetWindow.sentences(of: text).map { String(text[$0]) } == ["One.", "Two!Three?", "Four", "Five。", "六"])
        #expect(SnippetWindow.words(of: "It's 330-m, Tall!") == ["it", "s", "330", "m", "tall"])
        #expect(SnippetWindow.f1(["a", "b"], ["a", "b"]) == 1)
        #expect(SnippetWindow.f1(["a"], ["b"]) == 0)
    }
}
