import Foundation
import NIOCore
import ServerCore

/// A directory to upload as a tar made on the fly: its entries in sorted
/// order (directories before what they hold) and the archive's exact size,
/// known before a byte is read so the request has a Content-Length.
///
/// Symbolic links to files are followed (a Hugging Face cache snapshot is
/// made of them); a link to a directory, a socket or a FIFO is an error.
/// `.git` directories and the `.cache/huggingface` download state that
/// `huggingface-cli download --local-dir` leaves are skipped.
struct DirectoryArchive: Sendable {
    struct Item: Sendable {
        var entry: TarWriter.Entry
        /// The file to read, for a file entry.
        var source: URL?
    }

    let items: [Item]
    /// Bytes of the whole archive.
    let size: Int64

    /// Lists `root` recursively.
    /// - Throws: `ClientError.unreadableFile` naming what cannot be archived.
    init(root: URL) throws {
        var items: [Item] = []
        try Self.walk(root, relative: "", into: &items)
        self.items = items
        size = TarWriter.archiveSize(of: items.map(\.entry))
    }

    private static func walk(_ directory: URL, relative: String, into items: inout [Item]) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ClientError.unreadableFile(directory.path)
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let path = relative.isEmpty ? name : relative + "/" + name
            if name == ".git" || path == ".cache/huggingface" { continue }
            let url = directory.appendingPathComponent(name)
            var link = stat()
            var target = stat()
            guard lstat(url.path, &link) == 0, stat(url.path, &target) == 0 else {
                throw ClientError.unreadableFile(url.path)
            }
            switch target.st_mode & S_IFMT {
            case S_IFREG:
                items.append(Item(entry: .file(path: path, size: Int64(target.st_size)), source: url))
            case S_IFDIR where link.st_mode & S_IFMT == S_IFLNK:
                throw ClientError.unarchivable(url.path, "a symbolic link to a directory")
            case S_IFDIR:
                items.append(Item(entry: .directory(path: path)))
                try walk(url, relative: path, into: &items)
            default:
                throw ClientError.unarchivable(url.path, "neither a regular file nor a directory")
            }
        }
    }
}

/// The tar stream of a ``DirectoryArchive``, read in 1 MiB chunks.
struct ArchiveChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let archive: DirectoryArchive
    let progress: @Sendable (Int64, Int64) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let archive: DirectoryArchive
        let progress: @Sendable (Int64, Int64) -> Void
        var next = 0
        var file: FileHandle?
        var path = ""
        var remaining: Int64 = 0
        var padding = 0
        var ended = false
        var sent: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            var buffer: ByteBuffer
            if let handle = file {
                let data = try handle.read(upToCount: Int(Swift.min(remaining, 1 << 20))) ?? Data()
                // The size went into the Content-Length: a file that shrank
                // since the listing cannot be sent.
                guard !data.isEmpty else { throw ClientError.unarchivable(path, "a file that shrank while it was uploaded") }
                remaining -= Int64(data.count)
                buffer = ByteBuffer(bytes: data)
                if remaining == 0 {
                    try? handle.close()
                    file = nil
                    buffer.writeRepeatingByte(0, count: padding)
                }
            } else if next < archive.items.count {
                let item = archive.items[next]
                next += 1
                buffer = ByteBuffer(bytes: TarWriter.header(for: item.entry))
                if let source = item.source, item.entry.size > 0 {
                    guard let handle = FileHandle(forReadingAtPath: source.path) else {
                        throw ClientError.unreadableFile(source.path)
                    }
                    file = handle
                    path = source.path
                    remaining = item.entry.size
                    padding = TarWriter.padding(after: item.entry.size)
                }
            } else if !ended {
                ended = true
                buffer = ByteBuffer(bytes: TarWriter.endOfArchive)
            } else {
                return nil
            }
            sent += Int64(buffer.readableBytes)
            progress(sent, archive.size)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(archive: archive, progress: progress) }
}
