import Testing

@testable import Server
@testable import ServerCore

@Suite("Trajectory segments")
struct TrajectorySegmentsTests {
    @Test func toolCallsAndResultsAreSetApart() {
        let text = """
            <think>Look it up.</think>
            <search> who founded orlen </search>
            <result>
            Orlen was founded in 1999.
            </result>
            <python>print(2025 - 1999)</python>
            <result>
            26
            </result>
            So 26 years. <answer>\\boxed{26}</answer>
            """
        let segments = TrajectorySegments.parse(text)
        #expect(segments.map(\.kind) == [.think, .search, .result, .python, .result, .text, .answer])
        #expect(segments[1].text == " who founded orlen ")
        #expect(segments[2].text == "Orlen was founded in 1999.")
        #expect(segments[5].text == "So 26 years. ")
        #expect(segments[6].text == "\\boxed{26}")
        #expect(segments.allSatisfy { $0.closed })
    }

    @Test func anUnclosedTagRunsToTheEndAndPlainTextStays() {
        let segments = TrajectorySegments.parse("Plain start <python>while True:\n  pass")
        #expect(segments == [
            .init(kind: .text, text: "Plain start "),
            .init(kind: .python, text: "while True:\n  pass", closed: false),
        ])
        #expect(TrajectorySegments.parse("no tags <b>at all</b>") == [.init(kind: .text, text: "no tags <b>at all</b>")])
        #expect(TrajectorySegments.parse("").isEmpty)
    }

    @Test func markupInsideSegmentsIsKeptAsText() {
        let segments = TrajectorySegments.parse("<think><script>alert(1)</script></think>")
        #expect(segments == [.init(kind: .think, text: "<script>alert(1)</script>")])
    }
}
