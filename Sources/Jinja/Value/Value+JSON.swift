extension Value {
    /// Parses JSON text as Python's `json.loads` does: objects keep their key
    /// order (templates print dicts and `tojson` them in that order),
    /// numbers without `.`/`e` are ints, the others floats.
    public init(json text: String) throws(JinjaError) {
        var parser = JSONParser(scalars: Array(text.unicodeScalars))
        parser.skipSpace()
        self = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.pos == parser.scalars.count else { throw parser.failure("Extra data") }
    }
}

/// A small recursive-descent JSON reader (RFC 8259), with Python's
/// `NaN` / `Infinity` extensions and a nesting limit.
private struct JSONParser {
    let scalars: [Unicode.Scalar]
    var pos = 0
    static let maxDepth = 128

    func failure(_ what: String) -> JinjaError {
        var line = 1
        var column = 1
        for c in scalars[..<min(pos, scalars.count)] {
            if c == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return .value("\(what): line \(line) column \(column) (char \(pos))")
    }

    mutating func skipSpace() {
        while pos < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[pos]) { pos += 1 }
    }

    private mutating func literal(_ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        guard pos + w.count <= scalars.count, Array(scalars[pos..<pos + w.count]) == w else { return false }
        pos += w.count
        return true
    }

    mutating func value(depth: Int) throws(JinjaError) -> Value {
        guard depth < Self.maxDepth else { throw failure("Nesting too deep") }
        guard pos < scalars.count else { throw failure("Expecting value") }
        switch scalars[pos] {
        case "{": return try object(depth: depth)
        case "[": return try array(depth: depth)
        case "\"": return .string(try string())
        case "t": if literal("true") { return .bool(true) }
        case "f": if literal("false") { return .bool(false) }
        case "n": if literal("null") { return .none }
        case "N": if literal("NaN") { return .float(.nan) }
        case "I": if literal("Infinity") { return .float(.infinity) }
        default:
            if literal("-Infinity") { return .float(-.infinity) }
            return try number()
        }
        throw failure("Expecting value")
    }

    private mutating func object(depth: Int) throws(JinjaError) -> Value {
        pos += 1
        var d = ValueDict()
        skipSpace()
        if pos < scalars.count, scalars[pos] == "}" {
            pos += 1
            return .dict(d)
        }
        while true {
            skipSpace()
            guard pos < scalars.count, scalars[pos] == "\"" else {
                throw failure("Expecting property name enclosed in double quotes")
            }
            let key = try string()
            skipSpace()
            guard pos < scalars.count, scalars[pos] == ":" else { throw failure("Expecting ':' delimiter") }
            pos += 1
            skipSpace()
            d[key] = try value(depth: depth + 1)
            skipSpace()
            guard pos < scalars.count else { throw failure("Expecting ',' delimiter") }
            if scalars[pos] == "}" {
                pos += 1
                return .dict(d)
            }
            guard scalars[pos] == "," else { throw failure("Expecting ',' delimiter") }
            pos += 1
        }
    }

    private mutating func array(depth: Int) throws(JinjaError) -> Value {
        pos += 1
        var items: [Value] = []
        skipSpace()
        if pos < scalars.count, scalars[pos] == "]" {
            pos += 1
            return .list(items)
        }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard pos < scalars.count else { throw failure("Expecting ',' delimiter") }
            if scalars[pos] == "]" {
                pos += 1
                return .list(items)
            }
            guard scalars[pos] == "," else { throw failure("Expecting ',' delimiter") }
            pos += 1
        }
    }

    private mutating func string() throws(JinjaError) -> String {
        pos += 1
        var out = String.UnicodeScalarView()
        while pos < scalars.count {
            let c = scalars[pos]
            pos += 1
            if c == "\"" { return String(out) }
            if c.value < 0x20 { throw failure("Invalid control character at") }
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard pos < scalars.count else { break }
            let e = scalars[pos]
            pos += 1
            switch e {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "/": out.append("/")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var v = try hex4()
                if (0xD800..<0xDC00).contains(v), pos + 1 < scalars.count, scalars[pos] == "\\", scalars[pos + 1] == "u" {
                    let save = pos
                    pos += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                // A lone surrogate cannot live in a Swift string: U+FFFD stands in.
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            default:
                throw failure("Invalid \\escape")
            }
        }
        throw failure("Unterminated string starting at")
    }

    private mutating func hex4() throws(JinjaError) -> UInt32 {
        guard pos + 4 <= scalars.count,
            let v = UInt32(String(String.UnicodeScalarView(scalars[pos..<pos + 4])), radix: 16)
        else { throw failure("Invalid \\uXXXX escape") }
        pos += 4
        return v
    }

    private mutating func number() throws(JinjaError) -> Value {
        let start = pos
        var isFloat = false
        if pos < scalars.count, scalars[pos] == "-" { pos += 1 }
        let digitsStart = pos
        while pos < scalars.count, ("0"..."9").contains(scalars[pos]) { pos += 1 }
        guard pos > digitsStart else {
            pos = start
            throw failure("Expecting value")
        }
        if pos < scalars.count, scalars[pos] == "." {
            isFloat = true
            pos += 1
            while pos < scalars.count, ("0"..."9").contains(scalars[pos]) { pos += 1 }
        }
        if pos < scalars.count, scalars[pos] == "e" || scalars[pos] == "E" {
            isFloat = true
            pos += 1
            if pos < scalars.count, scalars[pos] == "+" || scalars[pos] == "-" { pos += 1 }
            while pos < scalars.count, ("0"..."9").contains(scalars[pos]) { pos += 1 }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<pos]))
        if !isFloat, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw failure("Expecting value") }
        return .float(d)
    }
}
