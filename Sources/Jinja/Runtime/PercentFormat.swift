import Foundation

/// Python's printf-style `"..." % args` for the conversions templates use:
/// `%s`, `%r`, `%d`/`%i`, `%f`/`%e`/`%g` (with width and precision),
/// `%x`, `%%`, and `%(name)s` with a dict.
enum PercentFormat {
    static func format(_ template: String, _ args: Value) throws(JinjaError) -> String {
        var positional: [Value]
        var mapping: ValueDict?
        switch args {
        case .tuple(let items): positional = items
        case .dict(let d):
            positional = [args]
            mapping = d
        default: positional = [args]
        }
        // CPython treats any non-tuple, non-string argument with __getitem__
        // (a list too) as a mapping: unused, it is not an error.
        var lenient = mapping != nil
        if case .list = args { lenient = true }
        var out = ""
        var chars = Array(template)
        chars.append("\0")
        var i = 0
        var next = 0
        while i < chars.count - 1 {
            let c = chars[i]
            i += 1
            guard c == "%" else {
                out.append(c)
                continue
            }
            var key: String?
            if chars[i] == "(" {
                guard let close = chars[i...].firstIndex(of: ")") else { throw .value("incomplete format key") }
                key = String(chars[(i + 1)..<close])
                i = close + 1
            }
            var spec = ""
            while "-+ #0123456789.".contains(chars[i]) {
                spec.append(chars[i])
                i += 1
            }
            let conversion = chars[i]
            i += 1
            if conversion == "%" {
                out += "%"
                continue
            }
            let value: Value
            if let key {
                guard let mapping else { throw .type("format requires a mapping") }
                guard let v = mapping[key] else { throw .runtime(kind: "KeyError", message: PythonFormat.string(key)) }
                value = v
            } else {
                guard next < positional.count else { throw .type("not enough arguments for format string") }
                value = positional[next]
                next += 1
            }
            out += try convert(value, conversion, spec)
        }
        if !lenient, next < positional.count {
            throw .type("not all arguments converted during string formatting")
        }
        return out
    }

    private static func convert(_ value: Value, _ conversion: Character, _ spec: String) throws(JinjaError) -> String {
        let (flags, width, precision) = parse(spec)
        var body: String
        switch conversion {
        case "s": body = PythonFormat.str(value)
        case "r", "a": body = PythonFormat.repr(value)
        case "d", "i", "u":
            guard let n = Operators.Number(value) else {
                throw .type("%\(conversion) format: a real number is required, not \(value.pythonTypeName)")
            }
            switch n {
            case .int(let i): body = String(i)
            case .float(let d):
                guard let i = Int(exactly: d.rounded(.towardZero)) else {
                    throw .runtime(kind: "OverflowError", message: "cannot convert float \(PythonFormat.float(d)) to integer")
                }
                body = String(i)
            }
            if flags.contains("+"), !body.hasPrefix("-") { body = "+" + body }
        case "f", "F", "e", "E", "g", "G":
            guard let n = Operators.Number(value) else {
                throw .type("must be real number, not \(value.pythonTypeName)")
            }
            body = String(format: "%\(flags.contains("+") ? "+" : "").\(precision ?? 6)\(conversion)", n.double)
        case "x", "X", "o":
            guard case .int(let i)? = Operators.Number(value) else {
                throw .type("%\(conversion) format: an integer is required, not \(value.pythonTypeName)")
            }
            body = String(i, radix: conversion == "o" ? 8 : 16, uppercase: conversion == "X")
        default:
            throw .value("unsupported format character '\(conversion)'")
        }
        if let width, body.count < width {
            let pad = String(repeating: flags.contains("0") && !flags.contains("-") ? "0" : " ", count: width - body.count)
            body = flags.contains("-") ? body + pad : pad + body
        }
        return body
    }

    private static func parse(_ spec: String) -> (String, Int?, Int?) {
        var flags = ""
        var rest = Substring(spec)
        while let f = rest.first, "-+ #0".contains(f) {
            flags.append(f)
            rest = rest.dropFirst()
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        let width = parts.first.flatMap { Int($0) }
        let precision = parts.count > 1 ? Int(parts[1]) ?? 0 : nil
        return (flags, width, precision)
    }
}
