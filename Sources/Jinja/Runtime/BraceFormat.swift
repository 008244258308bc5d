import Foundation

/// Python's `str.format` for what templates write: `{}`, `{0}`, `{name}`,
/// `{name[key]}`/`{name.attr}` on dicts, `{{`/`}}`, and the format specs
/// fill/align/width and `.Nf`.
enum BraceFormat {
    static func format(_ template: String, _ args: Arguments) throws(JinjaError) -> String {
        let chars = Array(template)
        var out = ""
        var auto = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "}" {
                guard i + 1 < chars.count, chars[i + 1] == "}" else {
                    throw .value("Single '}' encountered in format string")
                }
                out.append("}")
                i += 2
                continue
            }
            guard c == "{" else {
                out.append(c)
                i += 1
                continue
            }
            if i + 1 < chars.count, chars[i + 1] == "{" {
                out.append("{")
                i += 2
                continue
            }
            guard let close = chars[i...].firstIndex(of: "}") else {
                throw .value("Single '{' encountered in format string")
            }
            let field = String(chars[(i + 1)..<close])
            i = close + 1
            var name = field
            var spec = ""
            if let colon = field.firstIndex(of: ":") {
                name = String(field[..<colon])
                spec = String(field[field.index(after: colon)...])
            }
            var conversion: Character?
            if let bang = name.firstIndex(of: "!") {
                conversion = name[name.index(after: bang)...].first
                name = String(name[..<bang])
            }
            var value = try resolve(name, args, &auto)
            if conversion == "r" { value = .string(PythonFormat.repr(value)) }
            out += try apply(spec, to: value)
        }
        return out
    }

    private static func resolve(_ field: String, _ args: Arguments, _ auto: inout Int) throws(JinjaError) -> Value {
        var head = field
        var rest = ""
        if let cut = field.firstIndex(where: { $0 == "." || $0 == "[" }) {
            head = String(field[..<cut])
            rest = String(field[cut...])
        }
        var value: Value
        if head.isEmpty {
            guard auto < args.positional.count else { throw .runtime(kind: "IndexError", message: "Replacement index \(auto) out of range for positional args tuple") }
            value = args.positional[auto]
            auto += 1
        } else if let n = Int(head) {
            guard n < args.positional.count else { throw .runtime(kind: "IndexError", message: "Replacement index \(n) out of range for positional args tuple") }
            value = args.positional[n]
        } else {
            guard let v = args.keyword(head) else { throw .runtime(kind: "KeyError", message: PythonFormat.string(head)) }
            value = v
        }
        while let first = rest.first {
            rest.removeFirst()
            var key = ""
            if first == "." {
                while let c = rest.first, c != ".", c != "[" { key.append(rest.removeFirst()) }
            } else {
                while let c = rest.first, c != "]" { key.append(rest.removeFirst()) }
                if !rest.isEmpty { rest.removeFirst() }
            }
            guard case .dict(let d) = value else { throw .runtime(kind: "AttributeError", message: "no attribute \(key)") }
            guard let v = d[key] ?? Int(key).flatMap({ d[.int($0)] }) else { throw .runtime(kind: "KeyError", message: PythonFormat.string(key)) }
            value = v
        }
        return value
    }

    private static func apply(_ spec: String, to value: Value) throws(JinjaError) -> String {
        if spec.isEmpty { return PythonFormat.str(value) }
        var chars = Array(spec)
        var fill: Character = " "
        var align: Character?
        if chars.count >= 2, "<>^".contains(chars[1]) {
            fill = chars[0]
            align = chars[1]
            chars.removeFirst(2)
        } else if let f = chars.first, "<>^".contains(f) {
            align = f
            chars.removeFirst()
        }
        var widthText = ""
        while let c = chars.first, c.isNumber {
            widthText.append(c)
            chars.removeFirst()
        }
        var body = PythonFormat.str(value)
        if chars.first == "." {
            chars.removeFirst()
            var precisionText = ""
            while let c = chars.first, c.isNumber {
                precisionText.append(c)
                chars.removeFirst()
            }
            let precision = Int(precisionText) ?? 6
            if let n = Operators.Number(value), chars.first == "f" || chars.first == "%" {
                let scaled = chars.first == "%" ? n.double * 100 : n.double
                body = String(format: "%.\(precision)f", scaled) + (chars.first == "%" ? "%" : "")
            } else {
                body = String(body.prefix(precision))
            }
        }
        let width = Int(widthText) ?? 0
        let missing = width - body.count
        guard missing > 0 else { return body }
        let numeric = Operators.Number(value) != nil
        switch align ?? (numeric ? ">" : "<") {
        case ">": return String(repeating: fill, count: missing) + body
        case "^":
            let left = missing / 2
            return String(repeating: fill, count: left) + body + String(repeating: fill, count: missing - left)
        default: return body + String(repeating: fill, count: missing)
        }
    }
}
