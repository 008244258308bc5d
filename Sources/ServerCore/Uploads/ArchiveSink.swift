import Crypto
import Foundation

/// A directory extracted from an uploaded archive, still in the temp area.
package struct ExtractedDirectory: Sendable {
    /// The directory to store: the extraction directory, or the single
    /// top-level directory that held everything (`tar cf x.tar ckpt`).
    package var root: URL
    /// Its files, with paths relative to `root`.
    package var manifest: DirectoryManifest
}

/// Receives a tar upload and extracts it as it arrives into a fresh
/// directory under the data directory's `tmp/`, hashing every file while it
/// is written. Nothing is buffered beyond the chunk at hand, one header
/// block and one extended header. On any failure ``discard()`` removes the
/// directory; a server killed mid-upload leaves it for the start-up sweep.
package final class ArchiveSink {
    /// The extraction directory, `tmp/upload-<uuid>.dir`.
    package let temporaryURL: URL
    /// Archive bytes received so far.
    package private(set) var byteCount: Int64 = 0

    private struct OpenFile {
        var path: String
        var fd: Int32
        var hasher = SHA256()
        var bytes: Int64 = 0
    }

    private let limits: ArchiveLimits
    private var parser: TarParser
    private var tree: ArchiveTree
    private var current: OpenFile?
    private var files: [DirectoryManifest.File] = []
    private var contentBytes: Int64 = 0

    /// Creates the extraction directory in `directory` (which must exist).
    package init(directory: URL, limits: ArchiveLimits) throws {
        let url = directory.appendingPathComponent("upload-\(UUID().uuidString).dir", isDirectory: true)
        guard mkdir(url.path, 0o700) == 0 else { throw POSIXFileError(operation: "mkdir", path: url.path, code: errno) }
        temporaryURL = url
        self.limits = limits
        parser = TarParser(limits: limits)
        tree = ArchiveTree(limits: limits)
    }

    deinit {
        if let current { _ = close(current.fd) }
    }

    /// Parses one chunk of the body, writing what it holds.
    /// - Throws: `ArchiveError` for a refused archive, `POSIXFileError` for a failed write.
    package func append(_ bytes: UnsafeRawBufferPointer) throws {
        byteCount += Int64(bytes.count)
        var offset = 0
        while let event = try parser.next(bytes, offset: &offset) {
            switch event {
            case .directory(let path):
                for directory in try tree.addDirectory(path) { try makeDirectory(directory) }
            case .file(let path, let size):
                guard contentBytes + size <= limits.maxBytes else {
                    throw ArchiveError.tooLarge(entry: path, bytes: size, limit: limits.maxBytes)
                }
                contentBytes += size
                for directory in try tree.addFile(path) { try makeDirectory(directory) }
                let url = temporaryURL.appendingPathComponent(path)
                let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw POSIXFileError(operation: "open", path: url.path, code: errno) }
                current = OpenFile(path: path, fd: fd)
            case .data(let chunk):
                guard var file = current else { continue }
                file.hasher.update(bufferPointer: chunk)
                try FileDescriptorWriter(fd: file.fd, path: file.path).write(chunk)
                file.bytes += Int64(chunk.count)
                current = file
            case .fileEnd:
                guard let file = current else { continue }
                current = nil
                guard close(file.fd) == 0 else { throw POSIXFileError(operation: "close", path: file.path, code: errno) }
                files.append(.init(path: file.path, bytes: file.bytes, sha256: file.hasher.finalize().hexString))
            }
        }
    }

    /// Checks the archive ended properly and returns what it held.
    /// - Throws: `ArchiveError.truncated` or `.empty`.
    package func finish() throws -> ExtractedDirectory {
        try parser.finish()
        let prefix = tree.commonRoot()
        guard !files.isEmpty else { throw ArchiveError.empty }
        guard !prefix.isEmpty else { return ExtractedDirectory(root: temporaryURL, manifest: DirectoryManifest(files: files)) }
        let stripped = files.map { file in
            DirectoryManifest.File(path: String(file.path.dropFirst(prefix.count + 1)), bytes: file.bytes, sha256: file.sha256)
        }
        return ExtractedDirectory(
            root: temporaryURL.appendingPathComponent(prefix, isDirectory: true), manifest: DirectoryManifest(files: stripped))
    }

    /// Closes any open file and deletes the extraction directory. Safe to
    /// call more than once.
    package func discard() {
        if let current { _ = close(current.fd) }
        current = nil
        try? FileManager.default.removeItem(at: temporaryURL)
    }

    private func makeDirectory(_ path: String) throws {
        let url = temporaryURL.appendingPathComponent(path, isDirectory: true)
        guard mkdir(url.path, 0o700) == 0 else { throw POSIXFileError(operation: "mkdir", path: path, code: errno) }
    }
}
