/// The paths an archive has declared so far: refuses duplicates, paths under
/// a file and more entries than the limit, and says which directories must
/// be created before an entry can be written.
package struct ArchiveTree: Sendable {
    package enum Kind: Sendable, Equatable {
        case file
        /// A directory; `explicit` when the archive has an entry for it,
        /// false when it exists only as the parent of other entries.
        case directory(explicit: Bool)
    }

    private let limits: ArchiveLimits
    package private(set) var kinds: [String: Kind] = [:]

    package init(limits: ArchiveLimits) { self.limits = limits }

    /// Records a file.
    /// - Returns: the missing parent directories, outermost first.
    package mutating func addFile(_ path: String) throws(ArchiveError) -> [String] {
        guard kinds[path] == nil else { throw .duplicatePath(entry: path) }
        let parents = try missingParents(of: path)
        try reserve(parents.count + 1)
        for parent in parents { kinds[parent] = .directory(explicit: false) }
        kinds[path] = .file
        return parents
    }

    /// Records a directory.
    /// - Returns: the directories to create, outermost first, the directory
    ///   itself last (empty when it already exists as a parent).
    package mutating func addDirectory(_ path: String) throws(ArchiveError) -> [String] {
        switch kinds[path] {
        case .file, .directory(explicit: true): throw .duplicatePath(entry: path)
        case .directory(explicit: false):
            kinds[path] = .directory(explicit: true)
            return []
        case nil:
            let parents = try missingParents(of: path)
            try reserve(parents.count + 1)
            for parent in parents { kinds[parent] = .directory(explicit: false) }
            kinds[path] = .directory(explicit: true)
            return parents + [path]
        }
    }

    /// The single directory every entry lives under, repeatedly, when the
    /// root holds nothing else (`tar cf x.tar ckpt` puts everything under
    /// `ckpt/`): the prefix to strip, or `""`.
    package func commonRoot() -> String {
        var prefix = ""
        while true {
            let children = kinds.keys.compactMap { path -> Substring? in
                guard prefix.isEmpty || path.hasPrefix(prefix + "/") else { return nil }
                let rest = prefix.isEmpty ? Substring(path) : path.dropFirst(prefix.count + 1)
                return rest.split(separator: "/").first
            }
            let distinct = Set(children)
            guard distinct.count == 1, let only = distinct.first else { return prefix }
            let candidate = prefix.isEmpty ? String(only) : prefix + "/" + only
            guard case .directory = kinds[candidate] else { return prefix }
            prefix = candidate
        }
    }

    private func missingParents(of path: String) throws(ArchiveError) -> [String] {
        var missing: [String] = []
        var parent = ""
        for component in path.split(separator: "/").dropLast() {
            parent = parent.isEmpty ? String(component) : parent + "/" + component
            switch kinds[parent] {
            case .file: throw .parentIsFile(entry: path, parent: parent)
            case .directory: continue
            case nil: missing.append(parent)
            }
        }
        return missing
    }

    private func reserve(_ count: Int) throws(ArchiveError) {
        guard kinds.count + count <= limits.maxEntries else { throw .tooManyEntries(limit: limits.maxEntries) }
    }
}
