/// Splits a top-level JSON array into the byte ranges of its elements, with
/// the line each element starts on, without decoding them, so that a bad
/// element is reported at its own line.
enum JSONArraySplitter {
    /// The elements of the array whose `[` is at `open`.
    /// - Throws: `DatasetError.malformed(.malformedArray)` for an unclosed
    ///   array, an empty element, unbalanced brackets or text after `]`.
    static func elements(
        of bytes: [UInt8], openingAt open: Int, fileName: String
    ) throws(DatasetError) -> [DatasetParser.Record] {
        var line = 1 + bytes[..<open].count(where: { $0 == UInt8(ascii: "\n") })
        var records: [DatasetParser.Record] = []
        var depth = 0
        var inString = false
        var escaped = false
        var elementStart: (index: Int, line: Int)?
        var index = open + 1

        func fail(_ detail: String) -> DatasetError {
            .malformed(file: fileName, line: line, problem: .malformedArray(detail))
        }
        func closeElement(at end: Int, last: Bool) throws(DatasetError) {
            guard let start = elementStart else {
                if last && records.isEmpty { return }  // `[]`
                throw fail("empty element")
            }
            var stop = end
            while stop > start.index, DatasetParser.isWhitespace(bytes[stop - 1]) { stop -= 1 }
            records.append(
                DatasetParser.Record(
                    range: start.index..<stop, line: start.line, fallbackID: records.count + 1))
            elementStart = nil
        }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if depth == 0 && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) {
                let last = byte == UInt8(ascii: "]")
                try closeElement(at: index, last: last)
                if last {
                    let rest = bytes[(index + 1)...]
                    guard rest.allSatisfy(DatasetParser.isWhitespace) else {
                        throw fail("unexpected text after the closing ]")
                    }
                    return records
                }
            } else if !DatasetParser.isWhitespace(byte) {
                if elementStart == nil { elementStart = (index, line) }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth < 0 { throw fail("unbalanced closing bracket") }
                default: break
                }
            }
            index += 1
        }
        throw fail("the array is not closed")
    }
}
