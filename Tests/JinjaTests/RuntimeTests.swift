import Foundation
import Testing

@testable import Jinja

@Suite struct RuntimeTests {
    @Test(arguments: [
        (5, nil, nil, 1, [0, 1, 2, 3, 4]), (5, nil, nil, -1, [4, 3, 2, 1, 0]), (5, nil, nil, -2, [4, 2, 0]),
        (5, 1, -1, 1, [1, 2, 3]), (5, -2, nil, 1, [3, 4]), (5, 4, 1, -1, [4, 3, 2]), (5, 10, nil, 1, []),
        (5, -10, 2, 1, [0, 1]), (3, nil, -10, -1, [2, 1, 0]), (0, nil, nil, -1, []),
    ] as [(Int, Int?, Int?, Int, [Int])])
    func sliceIndicesFollowPython(_ count: Int, _ start: Int?, _ stop: Int?, _ step: Int, _ expected: [Int]) {
        #expect(Slicing.indices(count: count, start: start, stop: stop, step: step) == expected)
    }

    @Test func integerDivisionAndModuloFloorLikePython() throws {
        #expect(try Operators.binary(.floorDiv, -7, 2) == -4)
        #expect(try Operators.binary(.mod, -7, 3) == 2)
        #expect(try Operators.binary(.mod, 7, -3) == -2)
        #expect(try Operators.binary(.div, 7, 2) == 3.5)
        #expect(try Operators.binary(.pow, 2, -1) == 0.5)
        #expect(throws: JinjaError.runtime(kind: "ZeroDivisionError", message: "integer division or modulo by zero")) {
            try Operators.binary(.floorDiv, 1, 0)
        }
    }

    @Test func overflowRaisesInsteadOfTrapping() {
        #expect(throws: Operators.overflow) { try Operators.binary(.add, .int(Int.max), 1) }
        #expect(throws: Operators.overflow) { try Operators.binary(.pow, 10, 30) }
        #expect(throws: Operators.overflow) { try Operators.negate(.int(Int.min)) }
    }

    @Test func dictKeysCompareAsInPython() {
        var d = ValueDict()
        d[.int(1)] = "int"
        d[.float(1.0)] = "float"
        d[.bool(true)] = "bool"
        #expect(d.count == 1 && d[.int(1)] == "bool")
        d["b"] = 2
        d["a"] = 3
        d["b"] = nil
        #expect(d.keys == [.int(1), "a"])
    }

    @Test func jsonKeepsKeyOrderAndNumberKinds() throws {
        let v = try Value(json: #"{"z": 1, "a": 1.0, "m": [1e2, -0, "\ud83d\ude00\u00e9"], "n": null}"#)
        guard case .dict(let d) = v else {
            Issue.record("not a dict")
            return
        }
        #expect(d.keys == ["z", "a", "m", "n"])
        #expect(d["z"] == .int(1) && d["a"] == .float(1))
        #expect(d["m"] == [.float(100), .int(0), "😀é"])
        #expect(throws: JinjaError.value("Expecting ',' delimiter: line 1 column 7 (char 6)")) { try Value(json: "[1, 2 3]") }
        #expect(throws: JinjaError.value("Extra data: line 1 column 3 (char 2)")) { try Value(json: "1 2") }
    }

    @Test func jsonDumpMatchesPythonLayout() throws {
        let v: Value = ["a": [1, ["b": "é"]], "c": [:], "d": []]
        #expect(try JSONDump.dumps(v, ensureASCII: false, indent: .none, separators: .none, sortKeys: false)
            == #"{"a": [1, {"b": "é"}], "c": {}, "d": []}"#)
        #expect(try JSONDump.dumps(v, ensureASCII: true, indent: 1, separators: .none, sortKeys: true)
            == "{\n \"a\": [\n  1,\n  {\n   \"b\": \"\\u00e9\"\n  }\n ],\n \"c\": {},\n \"d\": []\n}")
    }

    @Test func strftimeUsesPythonCodes() {
        let date = Date(timeIntervalSince1970: 1_721_988_000.25)  // 2024-07-26 10:00:00.25 UTC
        let utc = TimeZone(identifier: "UTC")!
        #expect(Strftime.format("%d %b %Y, %A %H:%M:%S.%f%z%Z %%", date: date, timeZone: utc)
            == "26 Jul 2024, Friday 10:00:00.250000 %")
        #expect(Strftime.format("%H", date: date, timeZone: TimeZone(secondsFromGMT: 3600)!) == "11")
    }

    @Test func sandboxRangeIsBounded() throws {
        #expect(throws: JinjaError.runtime(kind: "OverflowError", message: "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).")) {
            try Template("{{ range(100001) | length }}").render([:])
        }
        #expect(try Template("{{ range(100000) | length }}").render([:]) == "100000")
    }
}
