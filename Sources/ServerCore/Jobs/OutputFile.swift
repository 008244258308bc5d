import CProcess
import Foundation

/// A file a training job writes and the server follows by polling: its
/// stdout or stderr log, or its verl metrics file. Reading resumes from a
/// stored ``Position``, so after a restart nothing is read twice and
/// nothing is skipped.
package struct OutputFile: Sendable, Equatable {
    /// Where the server is in a file: the byte after the last line it
    /// consumed and, for a file the job may rewrite, how the file began.
    package struct Position: Codable, Sendable, Equatable {
        package var offset: Int64 = 0
        /// The file's first line (at most 256 bytes, hex) when it was read.
        package var head: String?

        package init(offset: Int64 = 0, head: String? = nil) {
            self.offset = offset
            self.head = head
        }
    }

    /// The source's name in the store: `stdout`, `stderr` or `metrics`.
    package var name: String
    package var path: String
    /// verl's file logger truncates its file when it opens it (a resumed run
    /// starts over): a file that shrank or begins differently is read again
    /// from the start; the store keeps the first event of each step.
    package var rewritable: Bool
    /// Disk kept of a log before the consumed part is punched out (nil: all).
    package var retainBytes: Int64?

    /// The most read in one pass, and the longest line kept whole.
    static let chunkBytes = 4 << 20
    static let maxLineBytes = 1 << 20

    /// The complete lines after `position` and the position after them.
    /// - Parameter final: the writer is gone: a last line without a newline counts too.
    package func read(from position: Position, final: Bool) -> (lines: [String], position: Position) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return ([], position) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return ([], position) }
        let size = Int64(info.st_size)
        var position = position
        if rewritable {
            let head = Self.firstLine(fd: fd, size: size)
            let rewritten = position.head.map { old in head.map { !$0.hasPrefix(old) && !old.hasPrefix($0) } ?? true } ?? false
            if size < position.offset || rewritten { position = Position() }
            if position.head == nil || (head?.count ?? 0) > (position.head?.count ?? 0) { position.head = head }
        }
        guard size > position.offset else { return ([], position) }
        let count = Int(min(size - position.offset, Int64(Self.chunkBytes)))
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(position.offset)) }
        guard got > 0 else { return ([], position) }
        bytes.removeSubrange(got...)
        var lines: [String] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(Self.text(bytes[start..<index]))
            start = index + 1
        }
        let reachedEnd = position.offset + Int64(got) >= size
        if start < bytes.count, (final && reachedEnd) || bytes.count - start >= Self.maxLineBytes {
            lines.append(Self.text(bytes[start...]))
            start = bytes.count
        }
        position.offset += Int64(start)
        return (lines.filter { !$0.isEmpty }, position)
    }

    /// Frees the disk space of what lies more than ``retainBytes`` before
    /// `offset` (already stored), leaving offsets as they are.
    package func release(before offset: Int64) {
        guard let retainBytes, offset > retainBytes else { return }
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let end = (offset - retainBytes) / 4096 * 4096
        _ = aepo_punch_hole(fd, 0, off_t(end))
    }

    /// A line as text: invalid UTF-8 replaced, a carriage-return redraw
    /// (a progress bar) reduced to its last state.
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        var line = String(decoding: bytes, as: UTF8.self)
        while line.hasSuffix("\r") { line.removeLast() }
        if let lastReturn = line.lastIndex(of: "\r") { line = String(line[line.index(after: lastReturn)...]) }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// The first line of the file (at most 256 bytes) as hex, or nil when empty.
    private static func firstLine(fd: Int32, size: Int64) -> String? {
        guard size > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(min(size, 256)))
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got > 0 else { return nil }
        let line = bytes[..<got].prefix { $0 != UInt8(ascii: "\n") }
        return line.map { String(format: "%02x", $0) }.joined()
    }
}
