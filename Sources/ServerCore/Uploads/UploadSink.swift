import Crypto
import Foundation

/// Receives an upload: each chunk is hashed and appended to a temp file in
/// the data directory. The file is moved into place only once complete; on
/// any failure ``discard()`` removes it, and a server killed mid-upload
/// leaves only a temp file that the next start sweeps away.
package final class UploadSink {
    package let temporaryURL: URL
    private let fd: Int32
    private var hasher = SHA256()
    package private(set) var byteCount: Int64 = 0
    private var closed = false

    /// Creates a fresh temp file in `directory` (which must exist).
    package init(directory: URL) throws {
        let url = directory.appendingPathComponent("upload-\(UUID().uuidString).part")
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXFileError(operation: "open", path: url.path, code: errno) }
        self.temporaryURL = url
        self.fd = fd
    }

    deinit {
        if !closed { _ = close(fd) }
    }

    /// Hashes and writes one chunk.
    package func append(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        try FileDescriptorWriter(fd: fd, path: temporaryURL.path).write(bytes)
        byteCount += Int64(bytes.count)
    }

    /// Closes the file and returns the lower-case hex SHA-256 of everything written.
    package func finish() throws -> String {
        closeOnce()
        return hasher.finalize().hexString
    }

    /// Closes and deletes the temp file. Safe to call more than once.
    package func discard() {
        closeOnce()
        try? FileManager.default.removeItem(at: temporaryURL)
    }

    private func closeOnce() {
        guard !closed else { return }
        closed = true
        _ = close(fd)
    }
}
