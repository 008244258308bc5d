import Foundation
import Testing

@testable import ServerCore

@Suite("Archive tree and manifest")
struct ArchiveTreeTests {
    @Test func parentsAreCreatedOnceAndConflictsRefused() throws {
        var tree = ArchiveTree(limits: ArchiveLimits(maxBytes: 1 << 30))
        #expect(try tree.addFile("a/b/c.txt") == ["a", "a/b"])
        #expect(try tree.addFile("a/b/d.txt") == [])
        // An explicit entry for a directory already made as a parent is fine once.
        #expect(try tree.addDirectory("a/b") == [])
        #expect(throws: ArchiveError.duplicatePath(entry: "a/b")) { try tree.addDirectory("a/b") }
        #expect(throws: ArchiveError.duplicatePath(entry: "a/b/c.txt")) { try tree.addFile("a/b/c.txt") }
        #expect(throws: ArchiveError.duplicatePath(entry: "a")) { try tree.addFile("a") }
        #expect(throws: ArchiveError.parentIsFile(entry: "a/b/c.txt/e", parent: "a/b/c.txt")) { try tree.addFile("a/b/c.txt/e") }
        #expect(try tree.addDirectory("x/y") == ["x", "x/y"])
    }

    @Test func entryLimitCountsImplicitParents() throws {
        var limits = ArchiveLimits(maxBytes: 1 << 30)
        limits.maxEntries = 3
        var tree = ArchiveTree(limits: limits)
        _ = try tree.addFile("a/b")
        _ = try tree.addFile("c")
        #expect(throws: ArchiveError.tooManyEntries(limit: 3)) { try tree.addFile("d/e") }
    }

    @Test func singleTopLevelDirectoriesAreTheRoot() throws {
        var tree = ArchiveTree(limits: ArchiveLimits(maxBytes: 1 << 30))
        _ = try tree.addDirectory("home")
        _ = try tree.addFile("home/me/ckpt/config.json")
        _ = try tree.addFile("home/me/ckpt/sub/x")
        #expect(tree.commonRoot() == "home/me/ckpt")
        var flat = ArchiveTree(limits: ArchiveLimits(maxBytes: 1 << 30))
        _ = try flat.addFile("config.json")
        _ = try flat.addFile("sub/x")
        #expect(flat.commonRoot() == "")
        var file = ArchiveTree(limits: ArchiveLimits(maxBytes: 1 << 30))
        _ = try file.addFile("only.bin")
        #expect(file.commonRoot() == "")
    }

    /// Reference values computed with Python's hashlib (scripts/make-tar-fixtures' tree).
    @Test func manifestDigestMatchesTheDocumentedBytes() {
        let long = String(repeating: "n", count: 130)
        let manifest = DirectoryManifest(files: [
            .init(path: "sub/\(long)/crème.txt", bytes: 6, sha256: "7b49b9e063bd91a4f9252b413261f5557b9c570aa61516989499f64a62dbcdd6"),
            .init(path: "sub/block.bin", bytes: 512, sha256: "0a7aaaf5d4f94087a8b8f340e064331f290002943ff2517bfa0248b8199c4c89"),
            .init(path: "empty.txt", bytes: 0, sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            .init(path: "config.json", bytes: 23, sha256: "013e93c1cc397541961e670f84ea0d42784536cab4e9d3c5d5b13589f53ab684"),
        ])
        #expect(manifest.files.map(\.path) == ["config.json", "empty.txt", "sub/block.bin", "sub/\(long)/crème.txt"])
        #expect(manifest.canonicalText.hasPrefix("config.json\t23\t013e93c1cc397541961e670f84ea0d42784536cab4e9d3c5d5b13589f53ab684\nempty.txt\t0\t"))
        #expect(manifest.digest == "bcefdef3a74beca9f5936acd67cdf095a0d590a9fd25aac2475c50fd7edac4d7")
        #expect(manifest.bytes == 541)
    }

    @Test func sinkExtractsRealTarOutputToTheSameDigest() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        for fixture in ["python-pax.tar", "python-gnu.tar", "gnu-tar-gnu.tar", "gnu-tar-posix.tar"] {
            let sink = try ArchiveSink(directory: directory, limits: ArchiveLimits(maxBytes: 1 << 30))
            defer { sink.discard() }
            let data = try TarFixture.fixture(fixture)
            for start in stride(from: 0, to: data.count, by: 1000) {
                try data[start..<min(data.count, start + 1000)].withUnsafeBytes { try sink.append($0) }
            }
            let extracted = try sink.finish()
            #expect(extracted.manifest.digest == "bcefdef3a74beca9f5936acd67cdf095a0d590a9fd25aac2475c50fd7edac4d7", "\(fixture)")
            #expect(extracted.root.lastPathComponent == "ckpt")
            let text = try String(contentsOf: extracted.root.appendingPathComponent("sub/\(String(repeating: "n", count: 130))/crème.txt"), encoding: .utf8)
            #expect(text == "café\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func sinkRefusesTotalsOverTheLimitNamingTheEntry() throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try ArchiveSink(directory: directory, limits: ArchiveLimits(maxBytes: 1000))
        let data = TarFixture.archive([.file("a", Data(count: 600)), .file("b", Data(count: 600))])
        #expect(throws: ArchiveError.tooLarge(entry: "b", bytes: 600, limit: 1000)) {
            try data.withUnsafeBytes { try sink.append($0) }
        }
        sink.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
