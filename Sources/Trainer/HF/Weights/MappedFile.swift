import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file memory-mapped read-only: weights are read where they lie in
/// the page cache, never copied, and shared with every other process that
/// maps the same checkpoint. Unmapped on deinit.
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
        guard let mapped = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw .io("cannot map \(url.path): \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
    }

    /// The file's first `length` bytes (for the safetensors header).
    func prefix(_ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: min(length, count))
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), count)
    }
}
