/// One 512-byte tar header block, decoded (POSIX ustar and GNU layouts).
///
/// Offsets: name 0..<100, mode 100, uid 108, gid 116, size 124..<136,
/// mtime 136, checksum 148..<156, type 156, linkname 157..<257, magic
/// 257..<263, version 263..<265, prefix 345..<500 (POSIX only: GNU tar
/// keeps other fields there).
package struct TarHeader: Sendable, Equatable {
    /// Size of every tar block.
    package static let blockSize = 512

    /// The type flag byte (`'0'` file, `'5'` directory, `'x'` pax, ...).
    package var type: UInt8
    /// The path as the header spells it (POSIX prefix joined), not yet normalised.
    package var name: String
    /// The size field: how many data bytes follow the header.
    package var size: Int64

    /// Whether a block is all zeros (an end-of-archive marker).
    package static func isZero(_ block: some Collection<UInt8>) -> Bool {
        block.allSatisfy { $0 == 0 }
    }

    /// Decodes a header block.
    /// - Parameters:
    ///   - block: exactly 512 bytes, not all zero.
    ///   - entry: the entry's 1-based number, for error messages.
    package init(block: [UInt8], entry: Int) throws(ArchiveError) {
        precondition(block.count == Self.blockSize)
        guard let stored = Self.octal(block[148..<156]), Self.checksums(block).contains(stored) else {
            throw .badChecksum(entry: entry)
        }
        let magic = Array(block[257..<265])
        let posix = magic == Array("ustar\u{0}00".utf8)
        let gnu = magic == Array("ustar  \u{0}".utf8)
        guard posix || gnu else { throw .notUstar(entry: entry) }
        var name = try ArchivePath.decode(block[0..<100], entry: entry)
        if posix, block[345] != 0 {
            name = try ArchivePath.decode(block[345..<500], entry: entry) + "/" + name
        }
        guard let size = Self.number(block[124..<136]), size >= 0 else {
            throw .badNumber(field: "size", entry: name)
        }
        self.type = block[156]
        self.name = name
        self.size = size
    }

    /// The unsigned and the signed sums of the block with the checksum
    /// field read as spaces (old tars wrote the signed one).
    static func checksums(_ block: [UInt8]) -> Set<Int64> {
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        return [unsigned, signed]
    }

    /// A numeric field: octal digits (leading spaces or NULs allowed, ended
    /// by a NUL, a space or the field's end), or GNU base-256 when the first
    /// byte has its high bit set. Nil when malformed or negative.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            // Base-256: the rest of the first byte's bits and every following
            // byte, big-endian. 0xff starts a negative number.
            guard first != 0xff else { return nil }
            var value = Int64(first & 0x7f)
            for byte in field.dropFirst() {
                guard value <= (Int64.max >> 8) else { return nil }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        return octal(field)
    }

    /// Octal digits, trimmed of leading spaces/NULs and ended by a space or NUL.
    static func octal(_ field: ArraySlice<UInt8>) -> Int64? {
        let digits = field.drop { $0 == UInt8(ascii: " ") || $0 == 0 }.prefix { $0 != 0 && $0 != UInt8(ascii: " ") }
        let rest = field.drop { $0 == UInt8(ascii: " ") || $0 == 0 }.dropFirst(digits.count)
        guard rest.allSatisfy({ $0 == 0 || $0 == UInt8(ascii: " ") }) else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit), value <= (Int64.max >> 3) else { return nil }
            value = value << 3 | Int64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// What a type flag means, for error messages.
    static func describe(type: UInt8) -> String {
        switch type {
        case UInt8(ascii: "1"): "hard link"
        case UInt8(ascii: "2"): "symbolic link"
        case UInt8(ascii: "3"): "character device"
        case UInt8(ascii: "4"): "block device"
        case UInt8(ascii: "6"): "FIFO"
        case UInt8(ascii: "S"): "GNU sparse file"
        case UInt8(ascii: "V"): "GNU volume header"
        case UInt8(ascii: "M"): "GNU multi-volume continuation"
        case UInt8(ascii: "D"): "GNU directory dump"
        case 0x20...0x7e: "entry of type '\(Character(Unicode.Scalar(type)))'"
        default: "entry of type byte \(type)"
        }
    }
}
