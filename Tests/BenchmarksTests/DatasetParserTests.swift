import Foundation
import Testing
@testable import Benchmarks

@Suite("DatasetParser")
struct DatasetParserTests {
    @Test func readsJSONLWithIdsAndLineNumbers() throws {
        let text = """
            {"id": "q1", "question": "Capital of France?", "answer": ["Paris", "paris city"]}

            {"question": "Largest planet?", "answer": "Jupiter", "type": "bridge"}
            {"idx": 7, "question": "Q?", "answer": "A"}
            """
        let dataset = try TestSupport.parse(text)
        #expect(dataset.items.map(\.id) == ["q1", "3", "7"])
        #expect(dataset.items.map(\.line) == [1, 3, 4])
        #expect(dataset.items[0].answers == ["Paris", "paris city"])
        #expect(dataset.items[1].metadata == ["type": .string("bridge")])
        #expect(dataset.source == .imported)
        #expect(dataset.benchmark == "hotpotqa")
    }

    @Test func sha256IsOfTheExactBytes() throws {
        let text = "{\"question\": \"q\", \"answer\": \"a\"}\n"
        let dataset = try TestSupport.parse(text)
        #expect(dataset.sha256 == DatasetParser.sha256Hex(of: Data(text.utf8)))
        #expect(DatasetParser.sha256Hex(of: Data("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func readsAJSONArrayWithElementLines() throws {
        let text = """
            [
              {"question": "One?", "answer": "1"},
              {"question": "Two?",
               "answer": "2"}
            ]
            """
        let dataset = try TestSupport.parse(text, fileName: "test.json")
        #expect(dataset.items.map(\.id) == ["1", "2"])
        #expect(dataset.items.map(\.line) == [2, 3])
    }

    @Test func badArrayElementReportsItsLine() {
        let text = "[\n{\"question\": \"One?\", \"answer\": \"1\"},\n{\"question\": \"Two?\"}\n]"
        #expect(TestSupport.parseError(text) == .malformed(file: "test.jsonl", line: 3, problem: .missingAnswer))
        let unclosed = TestSupport.parseError("[{\"question\": \"q\", \"answer\": \"a\"},\n")
        #expect(unclosed?.line == 2)
        if case .malformed(_, _, .malformedArray) = TestSupport.parseError("[{\"question\": \"q\", \"answer\": \"a\"},]") {
        } else {
            Issue.record("a trailing comma should be a malformed array")
        }
    }

    @Test func gaiaQuestionWithCapitalQ() throws {
        let line = #"{"task_id": "abc-123", "Question": "How many?", "answer": "17", "Level": 2}"#
        let item = try #require(try TestSupport.parse(line, benchmark: "gaia").items.first)
        #expect(item.id == "abc-123")
        #expect(item.question == "How many?")
        #expect(item.answers == ["17"])
        #expect(item.metadata == ["Level": .number(2)])
    }

    @Test func problemFieldAndIntegerAnswer() throws {
        let line = #"{"id": "p1", "problem": "Find $x$.", "answer": 70}"#
        let item = try #require(try TestSupport.parse(line, benchmark: "aime25").items.first)
        #expect(item.question == "Find $x$.")
        #expect(item.answers == ["70"])
        let decimal = try TestSupport.parse(#"{"question": "q", "answer": 0.5}"#, benchmark: "math")
        #expect(decimal.items[0].answers == ["0.5"])
    }

    @Test func gsm8kGoldIsAfterTheMarkerWithoutCommas() throws {
        let line = #"{"question": "How many?", "answer": "12 * 100 = 1200\n1200 + 34 = 1234\n#### 1,234"}"#
        #expect(try TestSupport.parse(line, benchmark: "gsm8k").items[0].answers == ["1234"])
        let missing = TestSupport.parseError(#"{"question": "q", "answer": "no marker"}"#, benchmark: "gsm8k")
        #expect(missing == .malformed(file: "test.jsonl", line: 1, problem: .missingGSM8KMarker))
    }

    @Test func aliasesWrittenAsAString() throws {
        let text = """
            {"question": "a", "answer": "['Paris', 'City of Light']"}
            {"question": "b", "answer": "[\\"New York\\", \\"NYC\\"]"}
            {"question": "c", "answer": "[\\"O'Hare\\", 'it\\\\'s']"}
            {"question": "d", "answer": "[not a list]"}
            """
        let items = try TestSupport.parse(text).items
        #expect(items[0].answers == ["Paris", "City of Light"])
        #expect(items[1].answers == ["New York", "NYC"])
        #expect(items[2].answers == ["O'Hare", "it's"])
        #expect(items[3].answers == ["[not a list]"])
    }

    @Test func mathAnswersAreNeverSplitAsLists() throws {
        let line = #"{"problem": "Solve.", "answer": "[-2, 7]"}"#
        #expect(try TestSupport.parse(line, benchmark: "math").items[0].answers == ["[-2, 7]"])
        #expect(ListLiteral.parse("[1, 2]") == nil)
        #expect(ListLiteral.parse("['a',]") == ["a"])
        #expect(ListLiteral.parse("['\\u5317\\u4eac']") == ["北京"])
    }

    @Test func hleAnswerTypeStaysInMetadata() throws {
        let line = #"{"id": "h1", "question": "Pick one.\nA. x\nB. y", "answer": "B", "answer_type": "multipleChoice"}"#
        let item = try TestSupport.parse(line, benchmark: "hle").items[0]
        #expect(item.answers == ["B"])
        #expect(item.metadata["answer_type"] == .string("multipleChoice"))
    }

    @Test func chineseTextAndByteOrderMark() throws {
        let text = "\u{FEFF}{\"question\": \"中国的首都是哪里？\", \"answer\": [\"北京\", \"北京市\"]}\n"
        let item = try TestSupport.parse(text, benchmark: "xbench").items[0]
        #expect(item.question == "中国的首都是哪里？")
        #expect(item.answers == ["北京", "北京市"])
    }

    @Test func malformedLinesNameFileAndLine() {
        let good = #"{"question": "q", "answer": "a"}"#
        #expect(TestSupport.parseError("\(good)\n\n{oops}\n")?.line == 3)
        #expect(TestSupport.parseError("\(good)\n[1, 2]") == .malformed(file: "test.jsonl", line: 2, problem: .notAnObject))
        #expect(TestSupport.parseError(#"{"answer": "a"}"#) == .malformed(file: "test.jsonl", line: 1, problem: .missingQuestion))
        #expect(TestSupport.parseError(#"{"question": "q", "answer": "  "}"#) == .malformed(file: "test.jsonl", line: 1, problem: .missingAnswer))
        #expect(TestSupport.parseError(#"{"question": "q", "answer": []}"#)?.line == 1)
        #expect(TestSupport.parseError(#"{"question": "q", "answer": true}"#)?.line == 1)
        let duplicate = TestSupport.parseError("{\"id\": 1, \"question\": \"q\", \"answer\": \"a\"}\n{\"id\": 1, \"question\": \"r\", \"answer\": \"b\"}")
        #expect(duplicate == .malformed(file: "test.jsonl", line: 2, problem: .duplicateID("1", firstLine: 1)))
        let message = DatasetError.malformed(file: "test.jsonl", line: 3, problem: .missingQuestion).description
        #expect(message.hasPrefix("test.jsonl line 3: missing question"))
    }

    @Test func emptyFilesAreErrors() {
        #expect(TestSupport.parseError("") == .empty(file: "test.jsonl"))
        #expect(TestSupport.parseError(" \n\n ") == .empty(file: "test.jsonl"))
        #expect(TestSupport.parseError("[ ]") == .empty(file: "test.jsonl"))
        #expect(throws: DatasetError.notUTF8(file: "x.jsonl")) {
            try DatasetParser.parse(
                Data([0x7B, 0xFF, 0xFE, 0x7D]), fileName: "x.jsonl",
                spec: BenchmarkCatalog.spec(named: "math"))
        }
    }

    @Test func windowsLineEndings() throws {
        let text = "{\"question\": \"q1\", \"answer\": \"a\"}\r\n\r\n{\"question\": \"q2\", \"answer\": \"b\"}\r\n"
        let dataset = try TestSupport.parse(text)
        #expect(dataset.items.map(\.id) == ["1", "3"])
        #expect(dataset.items.map(\.answers) == [["a"], ["b"]])
    }

    @Test func jsonValueRoundTrips() throws {
        let text = #"{"a": [1, 2.5, "x", null, true, {"b": false}]}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let again = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(value == again)
        #expect(value == .object(["a": .array([.number(1), .number(2.5), .string("x"), .null, .bool(true), .object(["b": .bool(false)])])]))
        #expect(JSONValue.number(70).scalarText == "70")
    }
}
