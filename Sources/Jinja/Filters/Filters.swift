import Foundation

/// jinja2's built-in filters (plus transformers' `tojson`), by name.
/// String and number filters are here; filters over sequences are in
/// `Filters+Sequences.swift`.
enum Filters {
    /// jinja2 filters this engine does not implement (HTML and text layout
    /// helpers no chat template uses): calling one fails with a clear message.
    static let unsupported: Set<String> = [
        "filesizeformat", "forceescape", "groupby", "pprint", "random", "slice", "striptags", "urlencode",
        "urlize", "wordwrap", "xmlattr",
    ]

    /// Every filter name jinja2 knows (the `filter` test checks against it).
    static let names: Set<String> = unsupported.union([
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
        "first", "float", "format", "indent", "int", "join", "last", "length", "list", "lower", "items", "map",
        "min", "max", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr",
        "sort", "string", "sum", "title", "trim", "truncate", "unique", "upper", "wordcount", "tojson",
    ])

    static func isKnown(_ name: String) -> Bool { names.contains(name) }

    static func apply(_ name: String, to value: Value, _ args: Arguments, _ interpreter: Interpreter)
        throws(JinjaError) -> Value
    {
        if let result = try sequenceFilter(name, value, args, interpreter) { return result }
        switch name {
        case "default", "d":
            let a = try Signature.bind(name, args, [("default_value", Value.string("")), ("boolean", Value.bool(false))])
            if value.isUndefined || (a["boolean"].isTruthy && !value.isTruthy) { return a["default_value"] }
            return value
        case "tojson":
            let a = try Signature.bind(
                name, args,
                [("ensure_ascii", .bool(false)), ("indent", Value.none), ("separators", Value.none),
                 ("sort_keys", .bool(false))])
            return .string(try JSONDump.dumps(
                value, ensureASCII: a["ensure_ascii"].isTruthy, indent: a["indent"],
                separators: a["separators"], sortKeys: a["sort_keys"].isTruthy))
        case "string": return .string(PythonFormat.str(value))
        case "safe": return .string(PythonFormat.str(value))
        case "escape", "e": return .string(escapeHTML(PythonFormat.str(value)))
        case "upper": return .string(PythonFormat.str(value).uppercased())
        case "lower": return .string(PythonFormat.str(value).lowercased())
        case "capitalize": return .string(StringMethods.capitalize(PythonFormat.str(value)))
        case "title": return .string(title(PythonFormat.str(value)))
        case "trim":
            let a = try Signature.bind(name, args, [("chars", Value.none)])
            guard case .string(let chars) = a["chars"] else { return .string(StringMethods.strip(PythonFormat.str(value), nil)) }
            return .string(StringMethods.strip(PythonFormat.str(value), chars))
        case "replace":
            let a = try Signature.bind(name, args, [("old", nil), ("new", nil), ("count", Value.none)])
            let count = Operators.indexValue(a["count"]) ?? -1
            return .string(StringMethods.replace(
                PythonFormat.str(value), PythonFormat.str(a["old"]), PythonFormat.str(a["new"]), count: count))
        case "center":
            let a = try Signature.bind(name, args, [("width", Value.int(80))])
            return try StringMethods.call("center", PythonFormat.str(value), Arguments([a["width"]]), interpreter)
        case "indent":
            let a = try Signature.bind(name, args, [("width", Value.int(4)), ("first", .bool(false)), ("blank", .bool(false))])
            // jinja2 appends "\n" to the value itself, so only strings get through.
            guard case .string(let s) = value else { throw try notAString(value, "+=") }
            return .string(indent(s, a["width"], first: a["first"].isTruthy, blank: a["blank"].isTruthy))
        case "wordcount":
            return .int(wordCount(PythonFormat.str(value)))
        case "truncate":
            let a = try Signature.bind(
                name, args, [("length", Value.int(255)), ("killwords", .bool(false)), ("end", "..."), ("leeway", Value.none)])
            let length = Operators.indexValue(a["length"]) ?? 255
            let leeway = Operators.indexValue(a["leeway"]) ?? 5
            // jinja2 measures and slices the value itself: a short list comes back unchanged.
            if try Filters.length(value) <= length + leeway { return value }
            guard case .string(let s) = value else {
                throw .runtime(kind: "AttributeError", message: "'\(value.pythonTypeName)' object has no attribute 'rsplit'")
            }
            return .string(truncate(
                s, length: length,
                killwords: a["killwords"].isTruthy, end: PythonFormat.str(a["end"]),
                leeway: leeway))
        case "format":
            if !args.positional.isEmpty && !args.keyword.isEmpty {
                throw .runtime(kind: "FilterArgumentError", message: "can't handle positional and keyword arguments at the same time")
            }
            let operand: Value = args.keyword.isEmpty
                ? .tuple(args.positional) : .dict(ValueDict(args.keyword.map { ($0.name, $0.value) }))
            return .string(try PercentFormat.format(PythonFormat.str(value), operand))
        case "int":
            let a = try Signature.bind(name, args, [("default", Value.int(0)), ("base", Value.int(10))])
            return toInt(value, base: Operators.indexValue(a["base"]) ?? 10) ?? a["default"]
        case "float":
            let a = try Signature.bind(name, args, [("default", Value.float(0))])
            return toFloat(value).map { .float($0) } ?? a["default"]
        case "abs":
            if let e = value.undefinedError { throw e }
            switch Operators.Number(value) {
            case .int(let i)?:
                guard i != Int.min else { throw Operators.overflow }
                return .int(abs(i))
            case .float(let d)?: return .float(abs(d))
            case nil: throw .type("bad operand type for abs(): '\(value.pythonTypeName)'")
            }
        case "round":
            let a = try Signature.bind(name, args, [("precision", Value.int(0)), ("method", "common")])
            return try round(value, precision: Operators.indexValue(a["precision"]) ?? 0, method: PythonFormat.str(a["method"]))
        case "attr":
            guard case .string(let attr)? = args.positional.first else { throw .type("attr() requires a name") }
            return try interpreter.attribute(attr, of: value)
        default:
            if unsupported.contains(name) {
                throw .runtime(kind: "TemplateRuntimeError", message: "the filter '\(name)' is not supported by this engine")
            }
            throw .runtime(kind: "TemplateAssertionError", message: "No filter named '\(name)'.")
        }
    }

    /// The error jinja2 hits when a string-only filter gets another type.
    private static func notAString(_ value: Value, _ op: String) throws(JinjaError) -> JinjaError {
        if let e = value.undefinedError { return e }
        if case .list = value { return .runtime(kind: "AttributeError", message: "'list' object has no attribute 'splitlines'") }
        return .type("unsupported operand type(s) for \(op): '\(value.pythonTypeName)' and 'str'")
    }

    static func escapeHTML(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// jinja2's `title` filter: split before runs of `-`, whitespace and
    /// opening brackets; each piece gets its first character upper-cased and
    /// the rest lower-cased.
    static func title(_ s: String) -> String {
        func isBoundary(_ c: Unicode.Scalar) -> Bool { "-({[<".unicodeScalars.contains(c) || Lexer.isSpace(c) }
        var out = ""
        var piece: [Unicode.Scalar] = []
        var inBoundary: Bool?
        func flush() {
            guard let first = piece.first else { return }
            out += String(first).uppercased() + StringMethods.text(piece.dropFirst()).lowercased()
            piece = []
        }
        for c in s.unicodeScalars {
            let b = isBoundary(c)
            if let inBoundary, inBoundary != b { flush() }
            inBoundary = b
            piece.append(c)
        }
        flush()
        return out
    }

    /// jinja2's `indent`: every line but the first (and blank lines unless
    /// `blank`) gets `width` spaces, or the string `width`.
    static func indent(_ s: String, _ width: Value, first: Bool, blank: Bool) -> String {
        let indention: String
        if case .string(let w) = width { indention = w } else { indention = String(repeating: " ", count: max(0, Operators.indexValue(width) ?? 4)) }
        var lines = StringMethods.splitlines(s + "\n", keepEnds: false)
        var rv: String
        if blank {
            rv = lines.joined(separator: "\n" + indention)
        } else {
            rv = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                rv += "\n" + lines.map { $0.isEmpty ? $0 : indention + $0 }.joined(separator: "\n")
            }
        }
        return first ? indention + rv : rv
    }

    /// Number of `\w+` runs (letters, digits, underscore in Unicode).
    static func wordCount(_ s: String) -> Int {
        var count = 0
        var inWord = false
        for c in s.unicodeScalars {
            let w = c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil
            if w && !inWord { count += 1 }
            inWord = w
        }
        return count
    }

    static func truncate(_ s: String, length: Int, killwords: Bool, end: String, leeway: Int) -> String {
        let scalars = Array(s.unicodeScalars)
        if scalars.count <= length + leeway { return s }
        let cut = StringMethods.text(scalars.prefix(max(0, length - end.unicodeScalars.count)))
        if killwords { return cut + end }
        return (StringMethods.rsplit(cut, " ", 1).first ?? "") + end
    }

    /// The `int` filter: `int(value)`, strings in `base`, else
    /// `int(float(value))`; nil means "use the default".
    static func toInt(_ value: Value, base: Int) -> Value? {
        switch value {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let d):
            guard d.isFinite, let i = Int(exactly: d.rounded(.towardZero)) else { return nil }
            return .int(i)
        case .string(let s):
            let t = StringMethods.strip(s, nil).replacingOccurrences(of: "_", with: "")
            if let i = Int(t, radix: base) { return .int(i) }
            if base == 16 || base == 8 || base == 2, t.count > 2 {
                let prefix = t.prefix(2).lowercased()
                if ["0x", "0o", "0b"].contains(prefix), let i = Int(t.dropFirst(2), radix: base) { return .int(i) }
            }
            guard let d = toFloat(value), d.isFinite, let i = Int(exactly: d.rounded(.towardZero)) else { return nil }
            return .int(i)
        default: return nil
        }
    }

    /// Python `float(value)` for numbers and numeric strings.
    static func toFloat(_ value: Value) -> Double? {
        switch value {
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .float(let d): return d
        case .string(let s):
            let t = StringMethods.strip(s, nil).lowercased().replacingOccurrences(of: "_", with: "")
            switch t {
            case "inf", "+inf", "infinity", "+infinity": return .infinity
            case "-inf", "-infinity": return -.infinity
            case "nan", "+nan", "-nan": return .nan
            default:
                guard !t.isEmpty, t.allSatisfy({ "0123456789+-.e".contains($0) }) else { return nil }
                return Double(t)
            }
        default: return nil
        }
    }

    /// The `round` filter: Python's `round(value, precision)` (half to even
    /// on the exact binary value) or `ceil` / `floor` at `precision`.
    static func round(_ value: Value, precision: Int, method: String) throws(JinjaError) -> Value {
        guard ["common", "ceil", "floor"].contains(method) else {
            throw .runtime(kind: "FilterArgumentError", message: "method must be common, ceil or floor")
        }
        if let e = value.undefinedError { throw e }
        guard let n = Operators.Number(value) else {
            throw .type("type \(value.pythonTypeName) doesn't define __round__ method")
        }
        if method == "common" {
            if case .int(let i) = n { return .int(i) }
            let d = n.double
            guard d.isFinite, precision > -308, precision < 300 else { return .float(d) }
            if precision < 0 {
                let scale = pow(10.0, Double(-precision))
                return .float((d / scale).rounded(.toNearestOrEven) * scale)
            }
            // glibc's printf rounds the exact binary value, ties to even: Python's rule.
            return .float(Double(String(format: "%.\(precision)f", d)) ?? d)
        }
        let scale = pow(10.0, Double(precision))
        let scaled = n.double * scale
        return .float((method == "ceil" ? scaled.rounded(.up) : scaled.rounded(.down)) / scale)
    }
}
