import Foundation

/// A failed system call on a file, with the path and `errno` text.
package struct POSIXFileError: Error, CustomStringConvertible {
    package let operation: String
    package let path: String
    package let code: Int32

    package var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// Writes whole buffers to an open file descriptor, retrying short writes
/// and `EINTR`.
package struct FileDescriptorWriter {
    package let fd: Int32
    package let path: String

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
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

    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}
