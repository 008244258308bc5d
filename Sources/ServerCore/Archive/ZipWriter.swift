import Foundation

/// Writes a ZIP archive of stored (uncompressed) entries in memory: the
/// format Ray's `working_dir` packages take. Stored entries keep the writer
/// small and the archive byte-for-byte reproducible (fixed timestamps, the
/// order entries are added in), so the same directory always hashes to the
/// same package name.
package struct ZipWriter {
    private(set) package var data = Data()
    private var central = Data()
    private var count = 0

    /// An entry (or the archive with it) beyond the 4 GiB and 65535-entry limits of a ZIP without ZIP64.
    package struct Overflow: Error, Sendable, Equatable {
        package var path: String
    }

    package init() {}

    /// Appends a file `path` (`/`-separated, relative) holding `contents`
    /// with Unix permissions `mode`.
    /// - Throws: ``Overflow`` for an entry the format cannot hold without ZIP64.
    package mutating func add(path: String, contents: Data, mode: UInt16 = 0o644) throws {
        let name = Data(path.utf8)
        guard name.count <= 0xFFFF, contents.count < 0xFFFF_FFFF, data.count < 0xFFFF_FFFF - contents.count, count < 0xFFFF else {
            throw Overflow(path: path)
        }
        let checksum = CRC32.checksum(contents)
        let offset = UInt32(data.count)
        // Local file header.
        data.appendLE(UInt32(0x0403_4B50))
        data.appendLE(UInt16(20))  // version needed
        data.appendLE(UInt16(0x0800))  // UTF-8 names
        data.appendLE(UInt16(0))  // stored
        data.appendLE(UInt16(0))  // time 00:00
        data.appendLE(UInt16(0x21))  // date 1980-01-01
        data.appendLE(checksum)
        data.appendLE(UInt32(contents.count))
        data.appendLE(UInt32(contents.count))
        data.appendLE(UInt16(name.count))
        data.appendLE(UInt16(0))
        data.append(name)
        data.append(contents)
        // Its central directory record.
        central.appendLE(UInt32(0x0201_4B50))
        central.appendLE(UInt16(0x0314))  // made by Unix, version 2.0
        central.appendLE(UInt16(20))
        central.appendLE(UInt16(0x0800))
        central.appendLE(UInt16(0))
        central.appendLE(UInt16(0))
        central.appendLE(UInt16(0x21))
        central.appendLE(checksum)
        central.appendLE(UInt32(contents.count))
        central.appendLE(UInt32(contents.count))
        central.appendLE(UInt16(name.count))
        central.appendLE(UInt16(0))  // extra
        central.appendLE(UInt16(0))  // comment
        central.appendLE(UInt16(0))  // disk
        central.appendLE(UInt16(0))  // internal attributes
        central.appendLE((UInt32(0o100000) | UInt32(mode & 0o7777)) << 16)
        central.appendLE(offset)
        central.append(name)
        count += 1
    }

    /// The complete archive: the entries, the central directory and its end record.
    package func finished() -> Data {
        var archive = data
        let start = UInt32(archive.count)
        archive.append(central)
        archive.appendLE(UInt32(0x0605_4B50))
        archive.appendLE(UInt16(0))
        archive.appendLE(UInt16(0))
        archive.appendLE(UInt16(count))
        archive.appendLE(UInt16(count))
        archive.appendLE(UInt32(central.count))
        archive.appendLE(start)
        archive.appendLE(UInt16(0))
        return archive
    }
}

/// CRC-32 (IEEE 802.3, reflected, the ZIP and gzip checksum).
package enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The checksum of `bytes`.
    package static func checksum(_ bytes: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        bytes.withUnsafeBytes { buffer in
            for byte in buffer { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    fileprivate mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
