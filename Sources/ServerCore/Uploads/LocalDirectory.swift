import Foundation

/// A directory already on the server's disk (a template job's merged
/// checkpoint) read as an upload is: the same path rules and bounds as an
/// archive (``ArchivePath``, ``ArchiveLimits``), every file hashed, and the
/// result an ``ExtractedDirectory`` for ``CheckpointStore/registerDirectory(name:directory:summary:)``.
///
/// Only regular files and directories are accepted: a symbolic link could
/// point anywhere on the machine, and a fifo or device is no content.
package enum LocalDirectory {
    /// - Throws: ``TrainingResultError`` naming the entry at fault.
    package static func read(_ root: URL, limits: ArchiveLimits) throws -> ExtractedDirectory {
        var files: [DirectoryManifest.File] = []
        var entries = 0
        var total: Int64 = 0
        func walk(_ relative: String) throws {
            let url = relative.isEmpty ? root : root.appendingPathComponent(relative)
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            for name in names {
                let path = relative.isEmpty ? name : relative + "/" + name
                entries += 1
                guard entries <= limits.maxEntries else {
                    throw TrainingResultError(description: "the merged directory has more than \(limits.maxEntries) entries")
                }
                do { _ = try ArchivePath.normalize(path, limits: limits) } catch {
                    throw TrainingResultError(description: "the merged directory's entry \(path) is refused: \(error)")
                }
                var info = stat()
                guard lstat(root.appendingPathComponent(path).path, &info) == 0 else {
                    throw POSIXFileError(operation: "lstat", path: path, code: errno)
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    try walk(path)
                case S_IFREG:
                    let (sha256, bytes) = try TrainingResults.hash(root.appendingPathComponent(path))
                    total += bytes
                    guard total <= limits.maxBytes else {
                        throw TrainingResultError(description: "the merged directory holds more than \(limits.maxBytes) bytes")
                    }
                    files.append(DirectoryManifest.File(path: path, bytes: bytes, sha256: sha256))
                default:
                    throw TrainingResultError(
                        description: "the merged directory's entry \(path) is not a regular file or directory (a symbolic link?)")
                }
            }
        }
        try walk("")
        guard !files.isEmpty else { throw TrainingResultError(description: "the merger left \(root.path) empty") }
        return ExtractedDirectory(root: root, manifest: DirectoryManifest(files: files))
    }
}
