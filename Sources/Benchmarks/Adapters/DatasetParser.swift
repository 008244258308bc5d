import Crypto
import Foundation

/// Reads a benchmark file as published: JSONL (one object per line, blank
/// lines skipped) or a JSON array of the same objects, told apart by the
/// first non-whitespace byte.
public enum DatasetParser {
    /// Parses a benchmark file.
    /// - Parameters:
    ///   - data: the exact file bytes (UTF-8, an optional byte-order mark).
    ///   - fileName: the name used in error messages, e.g. `"test.jsonl"`.
    ///   - spec: the benchmark, which says how its answers are written.
    ///   - source: whether the file is a shipped sample or an import.
    /// - Returns: the items in file order and the SHA-256 of `data`.
    /// - Throws: `DatasetError` naming the file and the line of the first
    ///   malformed item; an empty file is an error too.
    public static func parse(
        _ data: Data, fileName: String, spec: BenchmarkSpec, source: Dataset.Source = .imported
    ) throws(DatasetError) -> Dataset {
        let bytes = [UInt8](data)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .notUTF8(file: fileName)
        }
        let records = try records(in: bytes, fileName: fileName)
        var items: [DatasetItem] = []
        var firstLineOfID: [String: Int] = [:]
        for record in records {
            do throws(DatasetError.Problem) {
                let object = try decodeObject(bytes[record.range])
                let item = try ItemDecoder.item(
                    from: object, spec: spec, fallbackID: record.fallbackID, line: record.line)
                if let first = firstLineOfID[item.id] {
                    throw .duplicateID(item.id, firstLine: first)
                }
                firstLineOfID[item.id] = item.line
                items.append(item)
            } catch {
                throw .malformed(file: fileName, line: record.line, problem: error)
            }
        }
        guard !items.isEmpty else { throw .empty(file: fileName) }
        return Dataset(
            benchmark: spec.name, source: source, items: items, sha256: sha256Hex(of: data))
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(of data: Data) -> String {
        let digits = Array("0123456789abcdef")
        var hex = ""
        for byte in SHA256.hash(data: data) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return hex
    }

    /// One item's bytes, where it starts, and its id when the item has none.
    struct Record {
        let range: Range<Int>
        let line: Int
        let fallbackID: Int
    }

    /// Splits the file into records: JSON array elements or non-blank lines.
    static func records(in bytes: [UInt8], fileName: String) throws(DatasetError) -> [Record] {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        guard let first = bytes[start...].firstIndex(where: { !isWhitespace($0) }) else {
            throw .empty(file: fileName)
        }
        if bytes[first] == UInt8(ascii: "[") {
            return try JSONArraySplitter.elements(of: bytes, openingAt: first, fileName: fileName)
        }
        var records: [Record] = []
        var line = 1
        var lineStart = start
        for index in start...bytes.count {
            guard index == bytes.count || bytes[index] == UInt8(ascii: "\n") else { continue }
            let range = lineStart..<index
            if bytes[range].contains(where: { !isWhitespace($0) }) {
                records.append(Record(range: range, line: line, fallbackID: line))
            }
            line += 1
            lineStart = index + 1
        }
        return records
    }

    /// JSON whitespace: space, tab, carriage return, line feed.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func decodeObject(
        _ slice: ArraySlice<UInt8>
    ) throws(DatasetError.Problem) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(slice))
        } catch {
            throw .invalidJSON(shortDescription(of: error))
        }
        guard case .object(let object) = value else { throw .notAnObject }
        return object
    }

    private static func shortDescription(of error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else {
            return String(describing: error)
        }
        if let underlying = context.underlyingError {
            return (underlying as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
                ?? context.debugDescription
        }
        return context.debugDescription
    }
}
