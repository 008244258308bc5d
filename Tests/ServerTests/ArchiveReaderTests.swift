import Foundation
import Testing

@testable import ServerCore

/// The streaming tar reader against archives real tar writers made, every
/// chunking of the same bytes, and the broken archives it must refuse.
@Suite("Tar archive reader")
struct ArchiveReaderTests {
    static let limits = ArchiveLimits(maxBytes: 1 << 40)

    /// Parses `data` in chunks of `chunk` bytes: entries as `D path`,
    /// `F path size sha-of-data-length`, data as its total per file.
    static func entries(_ data: Data, chunk: Int = 1 << 16, limits: ArchiveLimits = limits) throws(ArchiveError) -> [String] {
        var parser = TarParser(limits: limits)
        var lines: [String] = []
        var received = 0
        let bytes = [UInt8](data)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            let result: Result<Void, ArchiveError> = bytes[start..<end].withUnsafeBytes { raw in
                var offset = 0
                do throws(ArchiveError) {
                    while let event = try parser.next(raw, offset: &offset) {
                        switch event {
                        case .directory(let path): lines.append("D \(path)")
                        case .file(let path, let size):
                            lines.append("F \(path) \(size)")
                            received = 0
                        case .data(let slice): received += slice.count
                        case .fileEnd: lines.append("E \(received)")
                        }
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
            start = end
        }
        try parser.finish()
        return lines
    }

    static let long = String(repeating: "n", count: 130)

    /// A header block with its checksum field recomputed after an edit.
    static func resum(_ block: [UInt8]) -> [UInt8] {
        var block = block
        block.replaceSubrange(148..<156, with: [UInt8](repeating: 0x20, count: 8))
        let digits = String(block.reduce(0) { $0 + Int($1) }, radix: 8)
        block.replaceSubrange(148..<156, with: Array((String(repeating: "0", count: 6 - digits.count) + digits).utf8) + [0, 0x20])
        return block
    }

    @Test(arguments: ["python-pax.tar", "python-gnu.tar", "gnu-tar-gnu.tar", "gnu-tar-posix.tar"])
    func readsWhatRealTarWritersWrite(fixture: String) throws {
        let data = try TarFixture.fixture(fixture)
        let lines = try Self.entries(data)
        let files = lines.filter { $0.hasPrefix("F") }.sorted()
        #expect(files == [
            "F ckpt/config.json 23", "F ckpt/empty.txt 0", "F ckpt/sub/block.bin 512", "F ckpt/sub/\(Self.long)/crème.txt 6",
        ])
        #expect(lines.contains("D ckpt/sub/\(Self.long)"))
        // Byte-at-a-time and odd chunkings see exactly the same archive.
        for chunk in [1, 7, 511, 513] { #expect(try Self.entries(data, chunk: chunk) == lines) }
    }

    @Test func writerOutputReadsBackWithLongAndNonASCIIPaths() throws {
        let long = String(repeating: "é", count: 60) + "/" + String(repeating: "x", count: 200)
        let data = TarFixture.archive([
            .directory("a"), .file("a/b.txt", "hello"), .file(long, Data(repeating: 1, count: 1000)), .file("z", Data()),
        ])
        #expect(Int64(data.count) == TarWriter.archiveSize(of: [
            .directory(path: "a"), .file(path: "a/b.txt", size: 5), .file(path: long, size: 1000), .file(path: "z", size: 0),
        ]))
        #expect(try Self.entries(data, chunk: 3) == ["D a", "F a/b.txt 5", "E 5", "F \(long) 1000", "E 1000", "F z 0", "E 0"])
    }

    @Test func paxSizeAndBase256SizeAreRead() throws {
        var base256 = TarFixture.header(name: "big", type: "0", size: 0)
        // 600 bytes in GNU base-256: high bit set, big-endian.
        base256.replaceSubrange(124..<136, with: [0x80] + [UInt8](repeating: 0, count: 9) + [0x02, 0x58])
        base256 = Self.resum(base256)
        let data = base256 + [UInt8](repeating: 7, count: 600) + [UInt8](repeating: 0, count: 424) + TarFixture.end
        #expect(try Self.entries(Data(data)) == ["F big 600", "E 600"])

        let pax = TarFixture.pax([("size", "3"), ("path", "renamed.txt")]) + TarFixture.raw(name: "short", type: "0", data: [1, 2, 3])
        #expect(try Self.entries(Data(pax + TarFixture.end)) == ["F renamed.txt 3", "E 3"])
    }

    @Test func brokenArchivesAreRefused() throws {
        let good = [UInt8](TarFixture.archive([.file("config.json", "{}"), .file("b.bin", Data(repeating: 9, count: 700))]))
        // A flipped byte in the first header: bad checksum.
        var flipped = good
        flipped[3] ^= 0x20
        #expect(throws: ArchiveError.badChecksum(entry: 1)) { try Self.entries(Data(flipped)) }
        // Garbage (e.g. a JSON body sent with the tar content type).
        let garbage = Data(String(repeating: #"{"not":"a tar"}"#, count: 100).utf8)
        #expect(throws: ArchiveError.badChecksum(entry: 1)) { try Self.entries(garbage) }
        // Cut inside the second file's data, inside a header, before the end blocks, after one end block.
        #expect(throws: ArchiveError.truncated(reason: "it ends inside the data of \"b.bin\"")) {
            try Self.entries(Data(good.prefix(512 * 3 + 100)))
        }
        #expect(throws: ArchiveError.truncated(reason: "it ends inside the header of entry 2")) {
            try Self.entries(Data(good.prefix(512 * 2 + 10)))
        }
        let withoutEnd = good.count - 1024
        #expect(throws: ArchiveError.truncated(reason: "it ends without the two zero end-of-archive blocks")) {
            try Self.entries(Data(good.prefix(withoutEnd)))
        }
        #expect(throws: ArchiveError.truncated(reason: "it ends after only one of the two end-of-archive blocks")) {
            try Self.entries(Data(good.prefix(withoutEnd + 512)))
        }
        // Zero padding after the end is what tar writes; anything else is refused.
        #expect(try Self.entries(Data(good + [UInt8](repeating: 0, count: 9216))).count == 4)
        #expect(throws: ArchiveError.trailingData) { try Self.entries(Data(good + [1])) }
        // A header without the ustar magic (a pre-POSIX v7 header).
        var v7 = TarFixture.header(name: "old", type: "0")
        v7.replaceSubrange(257..<265, with: [UInt8](repeating: 0, count: 8))
        v7 = Self.resum(v7)
        #expect(throws: ArchiveError.notUstar(entry: 1)) { try Self.entries(Data(v7 + TarFixture.end)) }
    }

    @Test func entriesOtherThanFilesAndDirectoriesAreRefusedByName() throws {
        let cases: [(Character, String)] = [
            ("2", "symbolic link"), ("1", "hard link"), ("3", "character device"), ("4", "block device"), ("6", "FIFO"),
            ("S", "GNU sparse file"),
        ]
        for (type, what) in cases {
            let data = Data(TarFixture.raw(name: "ckpt/evil", type: type) + TarFixture.end)
            #expect(throws: ArchiveError.unsupportedType(entry: "ckpt/evil", type: what)) { try Self.entries(data) }
        }
        let sparse = TarFixture.pax([("GNU.sparse.major", "1"), ("path", "s.bin")]) + TarFixture.raw(name: "s", type: "0")
        #expect(throws: ArchiveError.unsupportedType(entry: "s.bin", type: "GNU sparse file")) {
            try Self.entries(Data(sparse + TarFixture.end))
        }
    }

    @Test func unsafeAndOverlongPathsAreRefusedByName() throws {
        func refusal(_ name: String, pax: Bool = false) -> ArchiveError? {
            let bytes = pax
                ? TarFixture.pax([("path", name)]) + TarFixture.raw(name: "x", type: "0", data: [1])
                : TarFixture.raw(name: name, type: "0", data: [1])
            do {
                _ = try Self.entries(Data(bytes + TarFixture.end))
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal("/etc/passwd") == .unsafePath(entry: "/etc/passwd", reason: "it is absolute"))
        #expect(refusal("a/../../b") == .unsafePath(entry: "a/../../b", reason: "it contains \"..\""))
        #expect(refusal("../b", pax: true) == .unsafePath(entry: "../b", reason: "it contains \"..\""))
        #expect(refusal("a\\b") == .unsafePath(entry: "a\\b", reason: "it contains a backslash"))
        #expect(refusal("a\nb", pax: true) == .unsafePath(entry: "a\nb", reason: "it contains a control character (U+A)"))
        let component = String(repeating: "c", count: 256)
        #expect(refusal(component, pax: true) == .pathTooLong(entry: component, limit: "a component over 255 bytes"))
        let total = Array(repeating: String(repeating: "d", count: 200), count: 6).joined(separator: "/")
        #expect(refusal(total, pax: true) == .pathTooLong(entry: total, limit: "over 1024 bytes"))
        #expect(refusal("./") == .unsafePath(entry: "./", reason: "a file cannot be the archive's root"))
        // Accepted: `./` prefixes and doubled slashes normalise away.
        #expect(try Self.entries(Data(TarFixture.raw(name: "./a//b", type: "0", data: [1]) + TarFixture.end)) == ["F a/b 1", "E 1"])
    }

    @Test func malformedPaxRecordsAreRefused() {
        for records in ["13 path=abc\n", "x path=abc\n", "11 pathabc\n", "9 path=abcdef\n"] {
            let data = TarFixture.raw(name: "PaxHeaders/x", type: "x", data: Array(records.utf8))
                + TarFixture.raw(name: "f", type: "0") + TarFixture.end
            #expect(throws: ArchiveError.self) { try Self.entries(Data(data)) }
        }
        #expect(PaxRecords.record(key: "path", value: "abc") == Array("12 path=abc\n".utf8))
        #expect(PaxRecords.record(key: "path", value: String(repeating: "a", count: 91)) == Array(("101 path=" + String(repeating: "a", count: 91) + "\n").utf8))
    }

    @Test func pathsNormalise() throws {
        let limits = Self.limits
        #expect(try ArchivePath.normalize("./a/./b//c/", limits: limits) == "a/b/c")
        #expect(try ArchivePath.normalize(".", limits: limits) == "")
        #expect(try ArchivePath.normalize("model-00001-of-00002.safetensors", limits: limits) == "model-00001-of-00002.safetensors")
        #expect(throws: ArchiveError.self) { try ArchivePath.normalize("a/..", limits: limits) }
    }

    @Test func headerNumbers() {
        #expect(TarHeader.number(ArraySlice(Array("00000001750\0".utf8))) == 1000)
        #expect(TarHeader.number(ArraySlice(Array("   1750 \0\0\0\0".utf8))) == 1000)
        #expect(TarHeader.number(ArraySlice([UInt8](repeating: 0, count: 12))) == 0)
        #expect(TarHeader.number(ArraySlice(Array("0000000175x\0".utf8))) == nil)
        #expect(TarHeader.number(ArraySlice(Array("00008\0".utf8))) == nil)
        #expect(TarHeader.number(ArraySlice([0xff] + [UInt8](repeating: 0xff, count: 11))) == nil)
        #expect(TarHeader.number(ArraySlice([0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0])) == 2 << 32)
    }
}
