import Foundation

/// A failed system call on a file, with the path and `errno` text.
struct POSIXFileError: Error, CustomStringConvertible {
    let operation: String
    let path: String
    let code: Int32

    var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// Writes whole buffers to an open file descriptor, retrying short writes
/// and `EINTR`.
struct FileDescriptorWriter {
    let fd: Int32
    let path: String

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Foundation.write(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXFileError(operation: "write", path: path, code: errno)
            }
            remaining -= written
            base += written
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}
