import Foundation

/// The lines of a Ray job's driver log, read by byte offset: what the
/// training follower and an engine replica's log reader both parse, whether
/// the bytes come from the node's agent in ranges or from the whole-log API.
/// Lines are cleaned as `OutputFile` cleans a job's own output.
enum RayLogLines {
    /// The complete lines of `log` after byte `offset` (empty ones left
    /// out) and the byte offset after them.
    static func lines(of log: String, from offset: Int64, final: Bool) -> (lines: [String], next: Int64) {
        let bytes = Array(log.utf8)
        guard Int64(bytes.count) > offset, offset >= 0 else { return ([], offset) }
        let (lines, consumed) = lines(of: bytes[Int(offset)...], final: final, whole: false)
        return (lines, offset + Int64(consumed))
    }

    /// The complete lines of `bytes` (empty ones left out) and how many
    /// bytes they take. The last line counts without its newline when
    /// `final` (the job is over); `whole` bytes without any newline are
    /// one line (a read's bound cut a longer one, which must not stall the reader).
    static func lines(of bytes: ArraySlice<UInt8>, final: Bool, whole: Bool) -> (lines: [String], consumed: Int) {
        var lines: [String] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(OutputFile.text(bytes[start..<index]))
            start = index + 1
        }
        if start < bytes.endIndex, final || (whole && start == bytes.startIndex) {
            lines.append(OutputFile.text(bytes[start...]))
            start = bytes.endIndex
        }
        return (lines.filter { !$0.isEmpty }, start - bytes.startIndex)
    }
}
