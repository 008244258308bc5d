/// Character classes the pre-tokenizer patterns use (`\p{L}`, `\p{N}`,
/// `\p{M}`, `\s`), looked up per Unicode scalar.
///
/// The Basic Multilingual Plane is tabulated once (64 KiB) because
/// `Unicode.Scalar.Properties` is too slow to ask for every character of a
/// megabyte of text; other planes (emoji, rare CJK) ask the properties.
enum UnicodeClass {
    static let letter: UInt8 = 1
    static let number: UInt8 = 2
    static let whitespace: UInt8 = 4
    static let mark: UInt8 = 8
    /// Rust `regex`'s `\w`: alphabetic, marks, decimal digits, connector punctuation, join controls.
    static let word: UInt8 = 16

    private static let table: [UInt8] = (0..<0x10000).map { compute(UInt32($0)) }

    /// The class bits of one scalar value.
    @inline(__always)
    static func of(_ value: UInt32) -> UInt8 {
        value < 0x10000 ? table[Int(value)] : compute(value)
    }

    static func isLetter(_ v: UInt32) -> Bool { of(v) & letter != 0 }
    static func isNumber(_ v: UInt32) -> Bool { of(v) & number != 0 }
    static func isWhitespace(_ v: UInt32) -> Bool { of(v) & whitespace != 0 }
    static func isWordCharacter(_ v: UInt32) -> Bool { of(v) & word != 0 }

    private static func compute(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let properties = scalar.properties
        var bits: UInt8 = 0
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            bits |= letter
        case .decimalNumber, .letterNumber, .otherNumber:
            bits |= number
        case .nonspacingMark, .spacingMark, .enclosingMark:
            bits |= mark
        default: break
        }
        // Oniguruma's `\s` (Zs, Zl, Zp, TAB...CR, NEL) is the White_Space property.
        if properties.isWhitespace { bits |= whitespace }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: bits |= word
        default: if properties.isAlphabetic || properties.isJoinControl { bits |= word }
        }
        return bits
    }
}
