/// Why an uploaded tar archive was refused. Every case that concerns one
/// entry names it, so a user can find the file in their directory.
package enum ArchiveError: Error, Equatable, CustomStringConvertible {
    /// A header block whose checksum does not match its bytes.
    case badChecksum(entry: Int)
    /// A header block without the `ustar` magic: not a tar archive, or a
    /// pre-POSIX one.
    case notUstar(entry: Int)
    /// A numeric header field that is not octal or base-256.
    case badNumber(field: String, entry: String)
    /// A pax extended header that does not follow the `LEN KEY=VALUE\n` form.
    case malformedPax(entry: Int, reason: String)
    /// An entry that is neither a regular file nor a directory.
    case unsupportedType(entry: String, type: String)
    /// A path that is absolute, climbs with `..`, has control characters or
    /// is not UTF-8.
    case unsafePath(entry: String, reason: String)
    /// A path over the per-component or total length limit.
    case pathTooLong(entry: String, limit: String)
    /// The same path twice, or a path under a file.
    case duplicatePath(entry: String)
    /// A path whose parent is a file.
    case parentIsFile(entry: String, parent: String)
    /// More entries than the limit.
    case tooManyEntries(limit: Int)
    /// An entry (or the archive) larger than the upload limit.
    case tooLarge(entry: String, bytes: Int64, limit: Int64)
    /// The body ended inside an entry or before the two zero end blocks.
    case truncated(reason: String)
    /// Non-zero bytes after the end-of-archive blocks.
    case trailingData
    /// An archive with no file in it.
    case empty

    package var description: String {
        switch self {
        case .badChecksum(let entry):
            "header block of entry \(entry) has a bad checksum: not a tar archive, or a corrupted one"
        case .notUstar(let entry):
            "header block of entry \(entry) has no ustar magic: not a tar archive (POSIX ustar/pax or GNU tar expected)"
        case .badNumber(let field, let entry):
            "entry \"\(entry)\": its \(field) field is not a number"
        case .malformedPax(let entry, let reason):
            "pax extended header of entry \(entry) is malformed: \(reason)"
        case .unsupportedType(let entry, let type):
            "entry \"\(entry)\" is a \(type): only regular files and directories are accepted"
        case .unsafePath(let entry, let reason):
            "entry \"\(entry)\" has an unsafe path: \(reason)"
        case .pathTooLong(let entry, let limit):
            "entry \"\(entry.prefix(120))\(entry.utf8.count > 120 ? "..." : "")\" has a path that is too long (\(limit))"
        case .duplicatePath(let entry):
            "entry \"\(entry)\" appears twice in the archive"
        case .parentIsFile(let entry, let parent):
            "entry \"\(entry)\" lies under \"\(parent)\", which is a file"
        case .tooManyEntries(let limit):
            "the archive holds more than \(limit) entries"
        case .tooLarge(let entry, let bytes, let limit):
            "entry \"\(entry)\" of \(bytes) bytes exceeds the server's upload limit of \(limit) bytes"
        case .truncated(let reason):
            "the archive is truncated: \(reason)"
        case .trailingData:
            "the archive has non-zero bytes after its end-of-archive blocks"
        case .empty:
            "the archive holds no file"
        }
    }
}
