/// The byte-level tokenizer under `HTMLText`: finds tags, skips raw text
/// and whole elements. Tag and element names are ASCII, so the scan works
/// on UTF-8 bytes and never splits a multi-byte character.
struct HTMLScanner {
    /// One piece of markup.
    struct Tag: Equatable {
        enum Kind: Equatable {
            /// `<name …>`; the name is lower-cased.
            case start(String)
            /// `</name …>`.
            case end(String)
            /// A comment, `<!DOCTYPE …>`, `<![CDATA[…]]>` or `<?…?>`.
            case other
        }

        var kind: Kind
        /// `<br/>`-style.
        var selfClosing: Bool
        /// The index just past the closing `>` (the end of the input when
        /// the tag is not closed).
        var end: Int
    }

    let bytes: [UInt8]
    /// Where the scan goes on.
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next `<` at or after `position`, which moves past it.
    mutating func nextTagOpening() -> Int? {
        guard position < bytes.count, let open = bytes[position...].firstIndex(of: .lessThan) else { return nil }
        position = open + 1
        return open
    }

    /// The tag starting at `open` (a `<`), or nil when the `<` is text
    /// (`a < b`, `<3`).
    func tag(at open: Int) -> Tag? {
        let next = open + 1
        guard next < bytes.count else { return nil }
        if starts(with: "!--", at: next) {
            let end = find("-->", from: next + 3).map { $0 + 3 } ?? bytes.count
            return Tag(kind: .other, selfClosing: false, end: end)
        }
        if bytes[next] == .exclamation || bytes[next] == .question {
            return Tag(kind: .other, selfClosing: false, end: closingBracket(from: next))
        }
        let isEnd = bytes[next] == .slash
        let nameStart = isEnd ? next + 1 : next
        guard nameStart < bytes.count, bytes[nameStart].isASCIILetter else { return nil }
        var nameEnd = nameStart
        while nameEnd < bytes.count, bytes[nameEnd].isNameByte { nameEnd += 1 }
        let name = String(decoding: bytes[nameStart..<nameEnd].map(\.asciiLowercased), as: UTF8.self)
        let end = closingBracket(from: nameEnd)
        let selfClosing = end >= 2 && end <= bytes.count && bytes[end - 1] == .greaterThan && bytes[end - 2] == .slash
        return Tag(kind: isEnd ? .end(name) : .start(name), selfClosing: selfClosing, end: end)
    }

    /// Past the `>` that closes a tag whose attributes start at `from`;
    /// a `>` inside a quoted attribute value (`title="a>b"`) does not count.
    func closingBracket(from start: Int) -> Int {
        var index = start
        var quote: UInt8?
        var lastSignificant: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == .greaterThan {
                return index + 1
            } else if (byte == .doubleQuote || byte == .singleQuote) && lastSignificant == .equals {
                quote = byte
            }
            if !byte.isASCIIWhitespace { lastSignificant = byte }
            index += 1
        }
        return bytes.count
    }

    /// Past the end tag of raw-text element `name` (`</script>`), or the
    /// end of the input.
    func endOfRawText(_ name: String) -> Int {
        var index = position
        while let open = bytes[index...].firstIndex(of: .lessThan) {
            if let tag = tag(at: open), tag.kind == .end(name) { return tag.end }
            index = open + 1
            if index >= bytes.count { break }
        }
        return bytes.count
    }

    /// Past the end tag matching the element `name` just opened, counting
    /// nested elements of the same name; nil when it is never closed.
    func endOfElement(_ name: String) -> Int? {
        var depth = 1
        var index = position
        while index < bytes.count, let open = bytes[index...].firstIndex(of: .lessThan) {
            guard let tag = tag(at: open) else {
                index = open + 1
                continue
            }
            switch tag.kind {
            case .start(let inner) where inner == name && !tag.selfClosing: depth += 1
            case .end(let inner) where inner == name:
                depth -= 1
                if depth == 0 { return tag.end }
            default: break
            }
            index = tag.end
        }
        return nil
    }

    /// The bytes of `range` as text (invalid UTF-8 replaced).
    func string(_ range: Range<Int>) -> String {
        range.isEmpty ? "" : String(decoding: bytes[range], as: UTF8.self)
    }

    /// Whether the ASCII `literal` starts at `index`, in any case.
    func starts(with literal: String, at index: Int) -> Bool {
        starts(with: Array(literal.utf8), at: index)
    }

    /// Whether the lower-case ASCII `pattern` starts at `index`, in any case.
    func starts(with pattern: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for offset in pattern.indices where bytes[index + offset].asciiLowercased != pattern[offset] { return false }
        return true
    }

    /// The index of the lower-case ASCII `literal` at or after `start`.
    func find(_ literal: String, from start: Int) -> Int? {
        let pattern = Array(literal.utf8)
        var index = start
        while index + pattern.count <= bytes.count {
            if starts(with: pattern, at: index) { return index }
            index += 1
        }
        return nil
    }
}

fileprivate extension UInt8 {
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let slash = UInt8(ascii: "/")
    static let exclamation = UInt8(ascii: "!")
    static let question = UInt8(ascii: "?")
    static let equals = UInt8(ascii: "=")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")

    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
    var isASCIIWhitespace: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
    /// Letters, digits, `-`, `:` and `_`: what tag names are made of.
    var isNameByte: Bool {
        isASCIILetter || (0x30...0x39).contains(self) || self == 0x2D || self == 0x3A || self == 0x5F
    }
    var asciiLowercased: UInt8 { (0x41...0x5A).contains(self) ? self + 0x20 : self }
}
