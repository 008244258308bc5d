/// UTF-8 encoding of single scalar values, without going through `String`.
enum UTF8Bytes {
    /// Calls `body` with each UTF-8 byte of the scalar `value` (U+FFFD's when `value` is not a scalar).
    @inline(__always)
    static func forEach(of value: UInt32, _ body: (UInt8) -> Void) {
        switch value {
        case 0..<0x80:
            body(UInt8(value))
        case 0x80..<0x800:
            body(UInt8(0xC0 | value >> 6)); body(UInt8(0x80 | value & 0x3F))
        case 0x800..<0xD800, 0xE000..<0x10000:
            body(UInt8(0xE0 | value >> 12)); body(UInt8(0x80 | value >> 6 & 0x3F)); body(UInt8(0x80 | value & 0x3F))
        case 0x10000..<0x110000:
            body(UInt8(0xF0 | value >> 18)); body(UInt8(0x80 | value >> 12 & 0x3F))
            body(UInt8(0x80 | value >> 6 & 0x3F)); body(UInt8(0x80 | value & 0x3F))
        default:
            body(0xEF); body(0xBF); body(0xBD)
        }
    }

    /// The UTF-8 bytes of a sequence of scalar values.
    static func encode(_ values: some Sequence<UInt32>) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values { forEach(of: value) { bytes.append($0) } }
        return bytes
    }
}
