/// Normalises and checks the path of an archive entry.
///
/// Accepted paths are relative, UTF-8, free of control characters and
/// backslashes, and never climb: `./a//b/` becomes `a/b`; `/a`, `a/../b`
/// and `a\b` are refused. The root itself (`.`, `./`) normalises to `""`.
package enum ArchivePath {
    /// The normalised path, `""` for the archive's root.
    /// - Parameters:
    ///   - raw: the path as the archive spells it.
    ///   - limits: the component and total length bounds.
    package static func normalize(_ raw: String, limits: ArchiveLimits) throws(ArchiveError) -> String {
        if raw.hasPrefix("/") { throw .unsafePath(entry: raw, reason: "it is absolute") }
        if let scalar = raw.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7f || $0 == "\\" }) {
            let what = scalar == "\\" ? "a backslash" : "a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
            throw .unsafePath(entry: raw, reason: "it contains \(what)")
        }
        var components: [Substring] = []
        for component in raw.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
            if component == ".." { throw .unsafePath(entry: raw, reason: "it contains \"..\"") }
            if component.utf8.count > limits.maxComponentBytes {
                throw .pathTooLong(entry: raw, limit: "a component over \(limits.maxComponentBytes) bytes")
            }
            components.append(component)
        }
        let path = components.joined(separator: "/")
        if path.utf8.count > limits.maxPathBytes {
            throw .pathTooLong(entry: raw, limit: "over \(limits.maxPathBytes) bytes")
        }
        return path
    }

    /// Decodes header bytes (up to the first NUL) as UTF-8.
    static func decode(_ bytes: some Collection<UInt8>, entry: Int) throws(ArchiveError) -> String {
        let name = bytes.prefix { $0 != 0 }
        guard let text = String(validating: name, as: UTF8.self) else {
            throw .unsafePath(entry: "entry \(entry)", reason: "its path is not UTF-8")
        }
        return text
    }
}
