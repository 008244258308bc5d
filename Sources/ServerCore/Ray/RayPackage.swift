import Crypto
import Foundation

/// A local directory packaged as Ray's job submission SDK does for a
/// `working_dir`: a ZIP stored in the cluster's GCS under
/// `gcs://_ray_pkg_<hash>.zip`, named by its content so an unchanged
/// directory is uploaded once. The REST API takes only URIs; a local path
/// in `runtime_env.working_dir` is refused by the cluster.
package struct RayPackage: Sendable {
    /// The package's URI, the value of `runtime_env.working_dir`.
    package let uri: String
    /// The ZIP archive.
    package let archive: Data

    /// Ray's cluster-side limit on a package is 512 MiB; aepo stops well before.
    package static let defaultLimit = 256 << 20

    /// Packages every regular file under `directory` (sorted paths, so the
    /// same tree gives the same archive and the same URI).
    /// - Throws: ``RayJobsError/package(_:)`` for a missing directory, a
    ///   symbolic link or special file (named), or a tree over `limit` bytes.
    package init(directory: String, limit: Int = RayPackage.defaultLimit) throws {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RayJobsError.package("\(directory) is not a directory")
        }
        var files: [(path: String, mode: UInt16)] = []
        try Self.walk(root, relative: "", into: &files)
        var writer = ZipWriter()
        var total = 0
        for file in files.sorted(by: { $0.path < $1.path }) {
            let contents: Data
            do {
                contents = try Data(contentsOf: root.appendingPathComponent(file.path), options: .mappedIfSafe)
            } catch {
                throw RayJobsError.package("\(file.path) cannot be read: \(error.localizedDescription)")
            }
            total += contents.count
            guard total <= limit else {
                throw RayJobsError.package("\(directory) holds more than \(limit >> 20) MiB; keep data out of the working directory")
            }
            do {
                try writer.add(path: file.path, contents: contents, mode: file.mode)
            } catch {
                throw RayJobsError.package("\(file.path) is too large for a package")
            }
        }
        archive = writer.finished()
        let digest = SHA256.hash(data: archive).hexString.prefix(32)
        uri = "gcs://_ray_pkg_\(digest).zip"
    }

    private static func walk(_ directory: URL, relative: String, into files: inout [(path: String, mode: UInt16)]) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw RayJobsError.package("\(directory.path) cannot be listed: \(error.localizedDescription)")
        }
        for name in names {
            let path = relative.isEmpty ? name : relative + "/" + name
            let url = directory.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0 else { throw RayJobsError.package("\(path) cannot be read") }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try walk(url, relative: path, into: &files)
            case S_IFREG: files.append((path, UInt16(info.st_mode & 0o7777)))
            case S_IFLNK: throw RayJobsError.package("\(path) is a symbolic link; the package holds regular files only")
            default: throw RayJobsError.package("\(path) is not a regular file")
            }
        }
    }
}
