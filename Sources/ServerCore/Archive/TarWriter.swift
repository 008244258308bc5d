/// Writes tar headers (POSIX ustar, with a pax extended header when a path
/// does not fit the 100-byte name field or a size the 12-byte size field),
/// so `aepo upload DIR` can stream a directory without a temporary copy.
/// The archive's size is known before any byte is read.
package enum TarWriter {
    /// One entry of an archive.
    package enum Entry: Sendable, Equatable {
        case directory(path: String)
        case file(path: String, size: Int64)

        package var path: String {
            switch self {
            case .directory(let path), .file(let path, _): path
            }
        }

        package var size: Int64 {
            if case .file(_, let size) = self { return size }
            return 0
        }
    }

    /// Two zero blocks: the end of an archive.
    package static let endOfArchive = [UInt8](repeating: 0, count: 2 * TarHeader.blockSize)

    /// The largest size the octal size field holds (11 digits).
    static let maxOctalSize: Int64 = 0o77777777777

    /// The header blocks of an entry: a pax header when needed, then ustar.
    /// A file's data follows, then ``padding(after:)`` zero bytes.
    package static func header(for entry: Entry, mtime: Int64 = 0) -> [UInt8] {
        let isDirectory = if case .directory = entry { true } else { false }
        // Directory names end with a slash, as tar writes them.
        let name = isDirectory ? entry.path + "/" : entry.path
        var records: [UInt8] = []
        let fitsName = name.utf8.count <= 100 && name.utf8.allSatisfy { $0 < 0x80 }
        if !fitsName { records += PaxRecords.record(key: "path", value: name) }
        if entry.size > maxOctalSize { records += PaxRecords.record(key: "size", value: String(entry.size)) }
        var blocks: [UInt8] = []
        if !records.isEmpty {
            let paxName = "PaxHeaders/" + String(name.utf8.suffix(80).filter { $0 < 0x80 }.map { Character(Unicode.Scalar($0)) })
            blocks += ustar(name: paxName, type: UInt8(ascii: "x"), size: Int64(records.count), mtime: mtime, mode: 0o644)
            blocks += records
            blocks += [UInt8](repeating: 0, count: padding(after: Int64(records.count)))
        }
        let shortName = fitsName ? name : String(decoding: name.utf8.suffix(99).filter { $0 < 0x80 }, as: UTF8.self)
        blocks += ustar(
            name: shortName, type: isDirectory ? UInt8(ascii: "5") : UInt8(ascii: "0"),
            size: entry.size > maxOctalSize ? 0 : entry.size, mtime: mtime, mode: isDirectory ? 0o755 : 0o644)
        return blocks
    }

    /// Zero bytes after `size` bytes of data, up to the next block.
    package static func padding(after size: Int64) -> Int {
        Int((Int64(TarHeader.blockSize) - size % Int64(TarHeader.blockSize)) % Int64(TarHeader.blockSize))
    }

    /// The exact size of the archive of `entries`, end blocks included.
    package static func archiveSize(of entries: [Entry]) -> Int64 {
        entries.reduce(Int64(endOfArchive.count)) { total, entry in
            total + Int64(header(for: entry).count) + entry.size + Int64(padding(after: entry.size))
        }
    }

    /// One ustar header block (POSIX magic `ustar\0` version `00`).
    static func ustar(name: String, type: UInt8, size: Int64, mtime: Int64, mode: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        put(Array(name.utf8.prefix(100)), at: 0, in: &block)
        put(octal(Int64(mode), width: 8), at: 100, in: &block)
        put(octal(0, width: 8), at: 108, in: &block)
        put(octal(0, width: 8), at: 116, in: &block)
        put(octal(size, width: 12), at: 124, in: &block)
        put(octal(max(0, min(mtime, maxOctalSize)), width: 12), at: 136, in: &block)
        block[156] = type
        put(Array("ustar\u{0}00".utf8), at: 257, in: &block)
        // The checksum is computed with its own field read as spaces.
        put([UInt8](repeating: UInt8(ascii: " "), count: 8), at: 148, in: &block)
        let sum = block.reduce(0) { $0 + Int64($1) }
        put(octal(sum, width: 7) + [UInt8(ascii: " ")], at: 148, in: &block)
        return block
    }

    /// `value` in octal, zero-padded to `width - 1` digits and a NUL.
    static func octal(_ value: Int64, width: Int) -> [UInt8] {
        let digits = String(value, radix: 8)
        return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
    }

    private static func put(_ bytes: [UInt8], at offset: Int, in block: inout [UInt8]) {
        block.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }
}
