import Foundation

@testable import ServerCore

/// Builds tar archives in memory for the tests: well-formed ones with the
/// project's `TarWriter`, and malicious or broken ones from raw headers.
enum TarFixture {
    /// One entry: a directory (`data == nil`) or a file.
    struct Entry {
        var path: String
        var data: Data?

        static func file(_ path: String, _ data: Data) -> Entry { Entry(path: path, data: data) }
        static func file(_ path: String, _ text: String) -> Entry { Entry(path: path, data: Data(text.utf8)) }
        static func directory(_ path: String) -> Entry { Entry(path: path, data: nil) }
    }

    /// A well-formed archive of `entries`, in order, with its end blocks.
    static func archive(_ entries: [Entry]) -> Data {
        var bytes: [UInt8] = []
        for entry in entries {
            if let data = entry.data {
                bytes += TarWriter.header(for: .file(path: entry.path, size: Int64(data.count)))
                bytes += data
                bytes += [UInt8](repeating: 0, count: TarWriter.padding(after: Int64(data.count)))
            } else {
                bytes += TarWriter.header(for: .directory(path: entry.path))
            }
        }
        return Data(bytes + TarWriter.endOfArchive)
    }

    /// A raw ustar header block with any name and type flag (`"2"` for a
    /// symbolic link, `"1"` a hard link, `"3"` a device, ...).
    static func header(name: String, type: Character, size: Int64 = 0) -> [UInt8] {
        TarWriter.ustar(name: name, type: type.asciiValue ?? 0, size: size, mtime: 0, mode: 0o644)
    }

    /// A raw entry: header, data and padding.
    static func raw(name: String, type: Character, data: [UInt8] = []) -> [UInt8] {
        header(name: name, type: type, size: Int64(data.count)) + data
            + [UInt8](repeating: 0, count: TarWriter.padding(after: Int64(data.count)))
    }

    /// A pax extended header (type `x`) holding `records`, applying to the next entry.
    static func pax(_ records: [(String, String)]) -> [UInt8] {
        raw(name: "PaxHeaders/x", type: "x", data: records.flatMap { PaxRecords.record(key: $0.0, value: $0.1) })
    }

    /// The two zero blocks that end an archive.
    static let end = TarWriter.endOfArchive

    /// A fixture archive written by a real tar (scripts/make-tar-fixtures).
    static func fixture(_ name: String) throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/archives/\(name)")
        return try Data(contentsOf: url)
    }
}
