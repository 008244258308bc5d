/// Python `str` methods, by code point as Python indexes strings.
enum StringMethods {
    typealias Scalars = [Unicode.Scalar]

    static func call(_ name: String, _ s: String, _ args: Arguments, _ interpreter: Interpreter)
        throws(JinjaError) -> Value
    {
        let p = args.positional
        switch name {
        case "strip", "lstrip", "rstrip":
            let a = try Signature.bind(name, args, [("chars", Value.none)])
            let chars = try optionalString(a["chars"], name)
            return .string(strip(s, chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let a = try Signature.bind(name, args, [("sep", Value.none), ("maxsplit", Value.int(-1))])
            let sep = try optionalString(a["sep"], name)
            let maxsplit = Operators.indexValue(a["maxsplit"]) ?? -1
            if sep == "" { throw .value("empty separator") }
            let parts = name == "split" ? split(s, sep, maxsplit) : rsplit(s, sep, maxsplit)
            return .list(parts.map { .string($0) })
        case "splitlines":
            let keep = (args.positional.first ?? args.keyword("keepends") ?? .bool(false)).isTruthy
            return .list(splitlines(s, keepEnds: keep).map { .string($0) })
        case "startswith", "endswith":
            guard let first = p.first else { throw .type("\(name)() takes at least 1 argument (0 given)") }
            let prefixes: [Value]
            if case .tuple(let items) = first { prefixes = items } else { prefixes = [first] }
            let sub = try window(s, p.count > 1 ? p[1] : .none, p.count > 2 ? p[2] : .none)
            for candidate in prefixes {
                guard case .string(let c) = candidate else {
                    throw .type("\(name) first arg must be str or a tuple of str, not \(candidate.pythonTypeName)")
                }
                let cs = Array(c.unicodeScalars)
                if name == "startswith" ? sub.starts(with: cs) : sub.reversed().starts(with: cs.reversed()) {
                    return .bool(true)
                }
            }
            return .bool(false)
        case "replace":
            guard p.count >= 2, case .string(let old) = p[0], case .string(let new) = p[1] else {
                throw .type("replace() arguments must be str")
            }
            let count = p.count > 2 ? Operators.indexValue(p[2]) ?? -1 : Operators.indexValue(args.keyword("count") ?? .int(-1)) ?? -1
            return .string(replace(s, old, new, count: count))
        case "find", "rfind", "index", "rindex", "count":
            guard case .string(let sub)? = p.first else { throw .type("must be str, not \(p.first?.pythonTypeName ?? "nothing")") }
            let scalars = Array(s.unicodeScalars)
            let (lo, hi) = range(scalars.count, p.count > 1 ? p[1] : .none, p.count > 2 ? p[2] : .none)
            let positions = occurrences(Array(scalars[lo..<max(lo, hi)]), Array(sub.unicodeScalars)).map { $0 + lo }
            if name == "count" { return .int(positions.count) }
            let found = name.hasPrefix("r") ? positions.last : positions.first
            if let found { return .int(found) }
            if name.hasSuffix("index") { throw .value("substring not found") }
            return .int(-1)
        case "upper": return .string(s.uppercased())
        case "lower", "casefold": return .string(s.lowercased())
        case "title": return .string(title(s))
        case "capitalize": return .string(capitalize(s))
        case "swapcase":
            return .string(s.unicodeScalars.map { c in
                c.properties.isUppercase ? String(c).lowercased() : c.properties.isLowercase ? String(c).uppercased() : String(c)
            }.joined())
        case "join":
            guard let iterable = p.first else { throw .type("join() takes exactly one argument (0 given)") }
            var parts: [String] = []
            for (i, item) in try interpreter.iterate(iterable).enumerated() {
                guard case .string(let str) = item else {
                    throw .type("sequence item \(i): expected str instance, \(item.pythonTypeName) found")
                }
                parts.append(str)
            }
            return .string(parts.joined(separator: s))
        case "format": return .string(try BraceFormat.format(s, args))
        case "format_map":
            guard p.count == 1, case .dict(let d) = p[0] else { throw .type("format_map() takes exactly one argument") }
            return .string(try BraceFormat.format(s, Arguments([], keyword: d.entries.compactMap { e in
                if case .string(let k) = e.key { return (k, e.value) } else { return nil }
            })))
        case "removeprefix", "removesuffix":
            guard case .string(let affix)? = p.first else { throw .type("\(name)() argument must be str") }
            if name == "removeprefix", s.unicodeScalars.starts(with: affix.unicodeScalars) {
                return .string(String(String.UnicodeScalarView(s.unicodeScalars.dropFirst(affix.unicodeScalars.count))))
            }
            if name == "removesuffix", !affix.isEmpty, s.unicodeScalars.reversed().starts(with: affix.unicodeScalars.reversed()) {
                return .string(String(String.UnicodeScalarView(s.unicodeScalars.dropLast(affix.unicodeScalars.count))))
            }
            return .string(s)
        case "partition", "rpartition":
            guard case .string(let sep)? = p.first, !sep.isEmpty else { throw .value("empty separator") }
            let scalars = Array(s.unicodeScalars)
            let found = occurrences(scalars, Array(sep.unicodeScalars))
            guard let at = name == "partition" ? found.first : found.last else {
                return name == "partition" ? .tuple([.string(s), "", ""]) : .tuple(["", "", .string(s)])
            }
            let n = sep.unicodeScalars.count
            return .tuple([.string(text(scalars[..<at])), .string(sep), .string(text(scalars[(at + n)...]))])
        case "center", "ljust", "rjust", "zfill":
            guard let width = p.first.flatMap(Operators.indexValue) else { throw .type("\(name)() requires an integer width") }
            return .string(pad(s, name, width, fill: p.count > 1 ? PythonFormat.str(p[1]) : " "))
        case "expandtabs":
            return .string(s.replacingOccurrences(of: "\t", with: "        "))
        default:
            return .bool(predicate(name, s))
        }
    }

    private static func optionalString(_ v: Value?, _ name: String) throws(JinjaError) -> String? {
        switch v {
        case nil, .none?: return nil
        case .string(let s)?: return s
        case let other?: throw .type("\(name) arg must be None or str, not \(other.pythonTypeName)")
        }
    }
}
