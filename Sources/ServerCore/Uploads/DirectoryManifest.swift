import Crypto
import Foundation

/// The files of an uploaded directory and the digest that addresses it.
///
/// The canonical manifest is one line per file, sorted by the path's UTF-8
/// bytes: `<path>\t<size in decimal>\t<lower-case hex SHA-256>\n`. Paths
/// never hold tabs, newlines or other control characters (the archive
/// reader refuses them), so the text is unambiguous. Directories are not
/// listed: an empty directory is not content. The digest is the lower-case
/// hex SHA-256 of the manifest's bytes.
package struct DirectoryManifest: Sendable, Equatable {
    /// One file: its path relative to the directory, size and SHA-256.
    package struct File: Codable, Sendable, Equatable {
        package var path: String
        package var bytes: Int64
        package var sha256: String

        package init(path: String, bytes: Int64, sha256: String) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// The files, sorted by the UTF-8 bytes of their paths.
    package let files: [File]

    package init(files: [File]) {
        self.files = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The canonical manifest text.
    package var canonicalText: String {
        files.map { "\($0.path)\t\($0.bytes)\t\($0.sha256)\n" }.joined()
    }

    /// SHA-256 of ``canonicalText``, lower-case hex.
    package var digest: String {
        SHA256.hash(data: Data(canonicalText.utf8)).hexString
    }

    /// The sum of the files' sizes.
    package var bytes: Int64 { files.reduce(0) { $0 + $1.bytes } }

    /// The file at `path`, if any.
    package func file(_ path: String) -> File? { files.first { $0.path == path } }
}
