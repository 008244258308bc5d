import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file memory-mapped read-only: weights are read where they lie in
/// the page cache, never copied, and shared with every other process that
/// maps the same checkpoint. Unmapped on deinit.
///
/// On Linux the mapping asks for transparent huge pages and is populated at
/// once. Decoding streams every weight each step, and with 4 KiB pages the
/// TLB misses of that stream cost 10-25% of a step (measured on the bench
/// model: 1 GB read 3 times at 11-14 GB/s in 4 KiB pages, 25 GB/s in
/// 2 MiB ones). A file whose page cache holds small folios (for instance
/// one just written, or partly evicted and read back by another process) is
/// mapped in small pages whatever the advice, so when less than 90% of a
/// large file came out huge-page mapped, its clean, unmapped page cache is
/// dropped and it is read back, which the huge-page advice makes the kernel
/// do in 2 MiB folios. (The bench model's shards were found 55-81% mapped
/// after other processes had read them; all of them, once read back.)
final class MappedFile: @unchecked Sendable {
    /// First byte of the mapping.
    let base: UnsafeRawPointer
    /// Length of the file.
    let count: Int
    let path: String

    /// Maps `url` read-only.
    /// - Throws: `HFWeightError.io` when the file cannot be opened or mapped.
    init(url: URL) throws(HFWeightError) {
        path = url.path
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw .io("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io("cannot stat \(url.path)") }
        count = Int(info.st_size)
        guard count > 0 else { throw .io("\(url.path) is empty") }
        var mapped = try Self.map(fd: fd, count: count, path: url.path)
        #if os(Linux)
        if count >= Self.hugePageRetryBytes, Self.hugePageMappedBytes(mapped, count: count) < count / 10 * 9,
            Self.firstRetry(of: "\(info.st_dev):\(info.st_ino):\(info.st_mtim.tv_sec):\(info.st_mtim.tv_nsec)")
        {
            munmap(mapped, count)
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
            mapped = try Self.map(fd: fd, count: count, path: url.path)
        }
        #endif
        base = UnsafeRawPointer(mapped)
    }

    /// Files below this size are not read back for huge pages.
    static let hugePageRetryBytes = 16 << 20

    private static let retriedLock = NSLock()
    nonisolated(unsafe) private static var retried: Set<String> = []

    /// True the first time a file (device, inode, modification time) is
    /// read back in this process: where the kernel cannot give it huge
    /// pages (THP off for files, fragmented memory), later loads keep what
    /// is cached instead of reading it from disk again each time.
    private static func firstRetry(of file: String) -> Bool {
        retriedLock.lock()
        defer { retriedLock.unlock() }
        return retried.insert(file).inserted
    }

    private static func map(fd: Int32, count: Int, path: String) throws(HFWeightError) -> UnsafeMutableRawPointer {
        guard let mapped = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw .io("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        #if os(Linux)
        // advice only: kernels without it map small pages, as before
        _ = madvise(mapped, count, MADV_HUGEPAGE)
        _ = madvise(mapped, count, Self.populateRead)
        #endif
        return mapped
    }

    #if os(Linux)
    /// MADV_POPULATE_READ (Linux 5.14): fault the whole range in now.
    private static let populateRead: Int32 = 22

    /// `FilePmdMapped` of the mapping at `base` in /proc/self/smaps (0 when
    /// it cannot be read).
    static func hugePageMappedBytes(_ base: UnsafeMutableRawPointer, count: Int) -> Int {
        guard let smaps = readProcFile("/proc/self/smaps") else { return 0 }
        let start = String(UInt(bitPattern: base), radix: 16) + "-"
        var inMapping = false
        for line in smaps.split(separator: "\n") {
            let range = line.prefix { $0 != " " }
            if range.contains("-"), range.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                inMapping = line.hasPrefix(start)
            } else if inMapping, line.hasPrefix("FilePmdMapped:") {
                return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
            }
        }
        return 0
    }

    /// A /proc file read to its end. Such files report size 0 and hand out
    /// less than a page per read, so a reader that trusts the size or stops
    /// at the first short read sees only the first mappings.
    static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
    #endif

    /// The file's first `length` bytes (for the safetensors header).
    func prefix(_ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: min(length, count))
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }
}
