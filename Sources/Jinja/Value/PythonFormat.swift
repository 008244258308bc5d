/// Python's `str()` and `repr()` of values: templates print values with
/// `str()`, and lists and dicts print their items with `repr()`.
enum PythonFormat {
    /// Python `str(value)`; undefined prints as the empty string.
    static func str(_ value: Value) -> String {
        switch value {
        case .undefined: ""
        case .string(let s): s
        default: repr(value)
        }
    }

    /// Python `repr(value)`.
    static func repr(_ value: Value) -> String {
        var out = ""
        writeRepr(value, into: &out)
        return out
    }

    private static func writeRepr(_ value: Value, into out: inout String) {
        switch value {
        case .undefined: out += "Undefined"
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .float(let d): out += float(d)
        case .string(let s): out += string(s)
        case .list(let items):
            out += "["
            writeItems(items, into: &out)
            out += "]"
        case .tuple(let items):
            out += "("
            writeItems(items, into: &out)
            if items.count == 1 { out += "," }
            out += ")"
        case .dict(let d):
            out += "{"
            for (i, e) in d.entries.enumerated() {
                if i > 0 { out += ", " }
                writeRepr(e.key, into: &out)
                out += ": "
                writeRepr(e.value, into: &out)
            }
            out += "}"
        case .namespace(let ns):
            out += "<Namespace "
            writeRepr(.dict(ns.attributes), into: &out)
            out += ">"
        case .iterator(let it):
            // Python adds the object's address, which no two runs share.
            out += "<\(it.typeName) object>"
        case .loop(let run, let index):
            out += "<LoopContext \(index + 1)/\(run.items.count)>"
        case .callable(let c):
            switch c.kind {
            case .macro: out += "<Macro '\(c.name)'>"
            case .builtin: out += "<function \(c.name)>"
            case .method(let receiver, _):
                out += "<built-in method \(c.name) of \(receiver.value.pythonTypeName) object>"
            }
        }
    }

    private static func writeItems(_ items: [Value], into out: inout String) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            writeRepr(item, into: &out)
        }
    }

    /// Python `repr(float)`: the shortest digits that round-trip, fixed
    /// notation for exponents in [-4, 16), else `1e+16` style.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let (negative, digits, decpt) = shortestDigits(d)
        var out = negative ? "-" : ""
        if decpt > -4 && decpt <= 16 {
            if decpt <= 0 {
                out += "0." + String(repeating: "0", count: -decpt) + digits
            } else if decpt >= digits.count {
                out += digits + String(repeating: "0", count: decpt - digits.count) + ".0"
            } else {
                let cut = digits.index(digits.startIndex, offsetBy: decpt)
                out += digits[..<cut] + "." + digits[cut...]
            }
        } else {
            out += String(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            let exp = decpt - 1
            out += exp < 0 ? "e-" : "e+"
            let mag = String(abs(exp))
            out += (mag.count < 2 ? "0" : "") + mag
        }
        return out
    }

    /// The shortest round-trip digits of `d` (no leading or trailing zeros)
    /// and the decimal point position: `d = 0.DIGITS × 10^decpt`.
    /// Swift's `description` already prints the shortest round-trip digits;
    /// only its layout differs from Python's.
    static func shortestDigits(_ d: Double) -> (negative: Bool, digits: String, decpt: Int) {
        var text = Swift.abs(d).description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = intPart + fracPart
        var decpt = intPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            decpt -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (d < 0, digits.isEmpty ? "0" : digits, decpt)
    }

    /// Python `repr(str)`: single quotes unless the text has `'` and no `"`.
    static func string(_ s: String) -> String {
        // Fast path for plain ASCII text (names in messages, most values).
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\") }) {
            return "'" + s + "'"
        }
        let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escape(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        let hex = String(v, radix: 16)
        if v < 0x100 { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if v < 0x10000 { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Python's `str.isprintable` for one character: not a control, format,
    /// surrogate, private-use, unassigned or separator character (space aside).
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
