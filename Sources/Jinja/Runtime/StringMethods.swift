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
            let maxsplit = Operators.indexValue(a["maxsplit"] ?? .int(-1)) ?? -1
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

    static func text<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        String(String.UnicodeScalarView(scalars))
    }

    /// Python `strip`: whitespace, or any of `chars`.
    static func strip(_ s: String, _ chars: String?, leading: Bool = true, trailing: Bool = true) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        func remove(_ c: Unicode.Scalar) -> Bool { set?.contains(c) ?? Lexer.isSpace(c) }
        var scalars = Substring(s).unicodeScalars[...]
        if leading { while let f = scalars.first, remove(f) { scalars = scalars.dropFirst() } }
        if trailing { while let l = scalars.last, remove(l) { scalars = scalars.dropLast() } }
        return text(scalars)
    }

    static func occurrences(_ haystack: Scalars, _ needle: Scalars) -> [Int] {
        if needle.isEmpty { return Array(0...haystack.count) }
        guard haystack.count >= needle.count else { return [] }
        var out: [Int] = []
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return out
    }

    static func split(_ s: String, _ sep: String?, _ maxsplit: Int) -> [String] {
        let scalars = Array(s.unicodeScalars)
        var parts: [String] = []
        if let sep {
            let needle = Array(sep.unicodeScalars)
            var start = 0
            for at in occurrences(scalars, needle) {
                if maxsplit >= 0 && parts.count >= maxsplit { break }
                parts.append(text(scalars[start..<at]))
                start = at + needle.count
            }
            parts.append(text(scalars[start...]))
            return parts
        }
        var i = 0
        while i < scalars.count {
            while i < scalars.count, Lexer.isSpace(scalars[i]) { i += 1 }
            if i == scalars.count { break }
            if maxsplit >= 0 && parts.count >= maxsplit {
                // Python keeps the rest as is, trailing whitespace included.
                parts.append(text(scalars[i..<scalars.count]))
                break
            }
            let start = i
            while i < scalars.count, !Lexer.isSpace(scalars[i]) { i += 1 }
            parts.append(text(scalars[start..<i]))
        }
        return parts
    }

    static func rsplit(_ s: String, _ sep: String?, _ maxsplit: Int) -> [String] {
        if maxsplit < 0 { return split(s, sep, maxsplit) }
        let reversed = String(String.UnicodeScalarView(s.unicodeScalars.reversed()))
        let revSep = sep.map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) }
        return split(reversed, revSep, maxsplit).reversed().map { String(String.UnicodeScalarView($0.unicodeScalars.reversed())) }
    }

    static func splitlines(_ s: String, keepEnds: Bool) -> [String] {
        let breaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        let scalars = Array(s.unicodeScalars)
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < scalars.count {
            if breaks.contains(scalars[i].value) {
                var end = i + 1
                if scalars[i] == "\r", end < scalars.count, scalars[end] == "\n" { end += 1 }
                lines.append(text(scalars[start..<(keepEnds ? end : i)]))
                start = end
                i = end
            } else {
                i += 1
            }
        }
        if start < scalars.count { lines.append(text(scalars[start...])) }
        return lines
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var start = 0
        var done = 0
        for at in occurrences(scalars, Array(old.unicodeScalars)) {
            if count >= 0 && done >= count { break }
            out.append(contentsOf: scalars[start..<at])
            out.append(contentsOf: new.unicodeScalars)
            if old.isEmpty {
                if at < scalars.count { out.append(scalars[at]) }
                start = min(at + 1, scalars.count)
            } else {
                start = at + old.unicodeScalars.count
            }
            done += 1
        }
        if start < scalars.count { out.append(contentsOf: scalars[start...]) }
        return String(out)
    }

    private static func isCased(_ c: Unicode.Scalar) -> Bool {
        c.properties.isLowercase || c.properties.isUppercase || c.properties.generalCategory == .titlecaseLetter
    }

    /// Python `str.title`: a cased character after an uncased one is
    /// title-cased, the others lower-cased.
    static func title(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for c in s.unicodeScalars {
            if isCased(c) {
                out += previousCased ? String(c).lowercased() : c.properties.titlecaseMapping
                previousCased = true
            } else {
                out.unicodeScalars.append(c)
                previousCased = false
            }
        }
        return out
    }

    /// Python `str.capitalize`: the first character title-cased, the rest lower-cased.
    static func capitalize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return first.properties.titlecaseMapping + text(s.unicodeScalars.dropFirst()).lowercased()
    }

    private static func window(_ s: String, _ start: Value, _ end: Value) throws(JinjaError) -> ArraySlice<Unicode.Scalar> {
        let scalars = Array(s.unicodeScalars)
        let (lo, hi) = range(scalars.count, start, end)
        return lo <= hi ? scalars[lo..<hi] : []
    }

    private static func range(_ count: Int, _ start: Value, _ end: Value) -> (Int, Int) {
        func clamp(_ v: Value, _ fallback: Int) -> Int {
            guard var i = Operators.indexValue(v) else { return fallback }
            if i < 0 { i = max(0, i + count) }
            return min(i, count)
        }
        return (clamp(start, 0), clamp(end, count))
    }

    private static func pad(_ s: String, _ how: String, _ width: Int, fill: String) -> String {
        let n = s.unicodeScalars.count
        guard width > n else { return s }
        let f = fill.isEmpty ? " " : fill
        let total = width - n
        switch how {
        case "ljust": return s + String(repeating: f, count: total)
        case "rjust": return String(repeating: f, count: total) + s
        case "zfill":
            if let sign = s.first, sign == "-" || sign == "+" {
                return String(sign) + String(repeating: "0", count: total) + s.dropFirst()
            }
            return String(repeating: "0", count: total) + s
        default:
            let left = total / 2 + (total & width & 1)
            return String(repeating: f, count: left) + s + String(repeating: f, count: total - left)
        }
    }

    private static func predicate(_ name: String, _ s: String) -> Bool {
        let scalars = Array(s.unicodeScalars)
        func all(_ test: (Unicode.Scalar) -> Bool) -> Bool { !scalars.isEmpty && scalars.allSatisfy(test) }
        switch name {
        case "isalpha": return all { $0.properties.isAlphabetic }
        case "isalnum": return all { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        case "isdigit": return all { $0.properties.numericType == .decimal || $0.properties.numericType == .digit }
        case "isdecimal": return all { $0.properties.numericType == .decimal }
        case "isnumeric": return all { $0.properties.numericType != nil }
        case "isspace": return all(Lexer.isSpace)
        case "isascii": return scalars.allSatisfy(\.isASCII)
        case "isprintable": return scalars.allSatisfy(PythonFormat.isPrintable)
        case "isidentifier":
            guard let f = scalars.first, f == "_" || f.properties.isXIDStart else { return false }
            return scalars.dropFirst().allSatisfy { $0 == "_" || $0.properties.isXIDContinue }
        case "islower":
            return scalars.contains { $0.properties.isLowercase } && !scalars.contains { $0.properties.isUppercase }
        case "isupper":
            return scalars.contains { $0.properties.isUppercase } && !scalars.contains { $0.properties.isLowercase }
        case "istitle": return scalars.contains(where: isCased) && title(s) == s
        default: return false
        }
    }
}
