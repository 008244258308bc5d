/// Python's `json.dumps` with the arguments transformers' `tojson` filter
/// passes through: `ensure_ascii`, `indent`, `separators`, `sort_keys`.
enum JSONDump {
    static func dumps(_ value: Value, ensureASCII: Bool, indent: Value, separators: Value, sortKeys: Bool)
        throws(JinjaError) -> String
    {
        var indentUnit: String?
        switch indent {
        case .none: indentUnit = nil
        case .string(let s): indentUnit = s
        default:
            guard let n = Operators.indexValue(indent) else { throw .type("indent must be an int or a string") }
            indentUnit = String(repeating: " ", count: max(0, n))
        }
        var itemSeparator = indentUnit == nil ? ", " : ","
        var keySeparator = ": "
        switch separators {
        case .none: break
        case .list(let pair), .tuple(let pair):
            guard pair.count == 2, case .string(let i) = pair[0], case .string(let k) = pair[1] else {
                throw .value("separators must be a (item_separator, key_separator) pair of strings")
            }
            (itemSeparator, keySeparator) = (i, k)
        default: throw .value("separators must be a (item_separator, key_separator) pair of strings")
        }
        var writer = Writer(
            ensureASCII: ensureASCII, indent: indentUnit, itemSeparator: itemSeparator, keySeparator: keySeparator,
            sortKeys: sortKeys)
        try writer.write(value, level: 0)
        return writer.out
    }

    private struct Writer {
        let ensureASCII: Bool
        let indent: String?
        let itemSeparator: String
        let keySeparator: String
        let sortKeys: Bool
        var out = ""

        mutating func write(_ value: Value, level: Int) throws(JinjaError) {
            switch value {
            case .none: out += "null"
            case .bool(let b): out += b ? "true" : "false"
            case .int(let i): out += String(i)
            case .float(let d): out += JSONDump.float(d)
            case .string(let s): writeString(s)
            case .list(let items), .tuple(let items):
                guard !items.isEmpty else {
                    out += "[]"
                    return
                }
                out += "["
                for (i, item) in items.enumerated() {
                    out += i == 0 ? newline(level + 1) : itemSeparator + newline(level + 1)
                    try write(item, level: level + 1)
                }
                out += newline(level) + "]"
            case .dict(let d):
                guard !d.isEmpty else {
                    out += "{}"
                    return
                }
                var entries: [(key: String, value: Value)] = []
                for e in d.entries { entries.append((try key(e.key), e.value)) }
                if sortKeys {
                    entries.sort { a, b in a.key.unicodeScalars.lexicographicallyPrecedes(b.key.unicodeScalars) }
                }
                out += "{"
                for (i, e) in entries.enumerated() {
                    out += i == 0 ? newline(level + 1) : itemSeparator + newline(level + 1)
                    writeString(e.key)
                    out += keySeparator
                    try write(e.value, level: level + 1)
                }
                out += newline(level) + "}"
            case .undefined: throw .type("Object of type Undefined is not JSON serializable")
            case .namespace: throw .type("Object of type TemplateNamespace is not JSON serializable")
            case .loop: throw .type("Object of type LoopContext is not JSON serializable")
            case .iterator(let it): throw .type("Object of type \(it.typeName) is not JSON serializable")
            case .callable(let c): throw .type("Object of type \(c.typeName) is not JSON serializable")
            }
        }

        private func newline(_ level: Int) -> String {
            guard let indent else { return "" }
            return "\n" + String(repeating: indent, count: level)
        }

        /// Dict keys as Python's json turns them into strings.
        private func key(_ k: Value) throws(JinjaError) -> String {
            switch k {
            case .string(let s): return s
            case .int(let i): return String(i)
            case .float(let d): return JSONDump.float(d)
            case .bool(let b): return b ? "true" : "false"
            case .none: return "null"
            default: throw .type("keys must be str, int, float, bool or None, not \(k.pythonTypeName)")
            }
        }

        private mutating func writeString(_ s: String) {
            out += "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                default:
                    if c.value < 0x20 || (ensureASCII && c.value > 0x7E) {
                        if c.value > 0xFFFF {
                            let v = c.value - 0x10000
                            out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                        } else {
                            out += hex4(c.value)
                        }
                    } else {
                        out.unicodeScalars.append(c)
                    }
                }
            }
            out += "\""
        }

        private func hex4(_ v: UInt32) -> String {
            let h = String(v, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - h.count) + h
        }
    }

    /// Python json's float: `repr`, with `NaN` / `Infinity` for the non-finite.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return PythonFormat.float(d)
    }
}
