/// GPT-2's reversible map between the 256 byte values and 256 printable
/// characters, which byte-level BPE vocabularies are written in.
///
/// Printable Latin-1 bytes (`!`...`~`, `¡`...`¬`, `®`...`ÿ`) stand for
/// themselves; the other 68 bytes take U+0100, U+0101, ... in byte order
/// (so a space is `Ġ`, U+0120, and a newline `Ċ`, U+010A).
enum ByteLevelAlphabet {
    /// `characters[b]` is the scalar value standing for byte `b`.
    static let characters: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte a character stands for, or nil for a character outside the alphabet.
    static func byte(for character: UInt32) -> UInt8? {
        guard character < 0x144 else { return nil }
        let value = inverse[Int(character)]
        return value < 0 ? nil : UInt8(value)
    }

    private static let inverse: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, character) in characters.enumerated() { table[Int(character)] = Int16(byte) }
        return table
    }()

    /// Rewrites text as the alphabet characters of its UTF-8 bytes.
    static func encode(_ scalars: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(scalars.count + scalars.count / 2)
        for value in scalars {
            UTF8Bytes.forEach(of: value) { result.append(characters[Int($0)]) }
        }
        return result
    }

    /// The bytes a token stands for, or nil when one of its characters is
    /// outside the alphabet (the ByteLevel decoder then keeps the token's own UTF-8).
    static func bytes(of token: some Sequence<Unicode.Scalar>) -> [UInt8]? {
        var result: [UInt8] = []
        for scalar in token {
            guard let byte = byte(for: scalar.value) else { return nil }
            result.append(byte)
        }
        return result
    }
}
