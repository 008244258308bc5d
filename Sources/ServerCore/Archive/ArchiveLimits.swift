/// The bounds an uploaded archive must stay within.
package struct ArchiveLimits: Sendable, Equatable {
    /// Most entries (files and directories, implicit parents included).
    package var maxEntries = 10_000
    /// Longest path component, in UTF-8 bytes (the usual `NAME_MAX`).
    package var maxComponentBytes = 255
    /// Longest path, in UTF-8 bytes.
    package var maxPathBytes = 1024
    /// Largest pax extended header or GNU long name accepted, in bytes: a
    /// path record is at most about `maxPathBytes`, the rest is slack for
    /// the attributes tar writers add (mtime, uid names, xattrs).
    package var maxExtendedHeaderBytes = 64 << 10
    /// Largest sum of file sizes (the server's `--max-upload`).
    package var maxBytes: Int64

    package init(maxBytes: Int64) { self.maxBytes = maxBytes }
}
