/// pax extended header records: `"%d %s=%s\n"`, the length counting the
/// whole record, its own digits included (POSIX.1-2001 `pax` format).
package enum PaxRecords {
    /// Parses the records of an extended header.
    /// - Parameters:
    ///   - data: the header's data bytes.
    ///   - entry: the entry's number, for error messages.
    /// - Returns: key → value; later records win, as in tar.
    package static func parse(_ data: [UInt8], entry: Int) throws(ArchiveError) -> [String: String] {
        var records: [String: String] = [:]
        var start = 0
        while start < data.count {
            // Trailing NUL padding is tolerated after the last record.
            if data[start...].allSatisfy({ $0 == 0 }) { break }
            guard let space = data[start...].firstIndex(of: UInt8(ascii: " ")), space > start, space - start <= 20,
                let lengthText = String(validating: data[start..<space], as: UTF8.self),
                lengthText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let length = Int(lengthText), length > space - start + 1, start + length <= data.count
            else { throw .malformedPax(entry: entry, reason: "a record does not start with its length") }
            let end = start + length
            guard data[end - 1] == UInt8(ascii: "\n") else {
                throw .malformedPax(entry: entry, reason: "a record does not end with a newline")
            }
            let body = data[(space + 1)..<(end - 1)]
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")), equals > body.startIndex,
                let key = String(validating: body[body.startIndex..<equals], as: UTF8.self)
            else { throw .malformedPax(entry: entry, reason: "a record has no KEY=") }
            // Values are UTF-8 (hdrcharset=BINARY is not supported): a path
            // in another encoding could not be stored under its own name.
            guard let value = String(validating: body[(equals + 1)...], as: UTF8.self) else {
                throw .malformedPax(entry: entry, reason: "the value of \(key) is not UTF-8")
            }
            records[key] = value
            start = end
        }
        return records
    }

    /// Encodes one record, computing its self-inclusive length.
    package static func record(key: String, value: String) -> [UInt8] {
        let payload = " \(key)=\(value)\n".utf8.count
        var length = payload + 1
        while String(length).utf8.count + payload != length { length += 1 }
        return Array("\(length) \(key)=\(value)\n".utf8)
    }
}
