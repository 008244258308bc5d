/// The string algorithms behind the methods and filters, by code point:
/// Python's `split`, `strip`, `replace`, `title`, padding and predicates.
extension StringMethods {
    static func text<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        // Encoding to UTF-8 bytes in one buffer is much faster than appending
        // scalars to a String one by one.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for c in scalars { UTF8.encode(c) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Byte offsets of the non-overlapping occurrences of `needle` (not
    /// empty) in `haystack`, left to right. Searching UTF-8 bytes finds the
    /// same matches as searching code points: UTF-8 never matches inside a
    /// character.
    static func byteOccurrences(_ haystack: [UInt8], _ needle: [UInt8], limit: Int = -1) -> [Int] {
        guard let first = needle.first, haystack.count >= needle.count else { return [] }
        var out: [Int] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if limit >= 0 && out.count >= limit { break }
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) {
                out.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return out
    }

    /// Python `needle in s` for strings.
    static func contains(_ s: String, _ needle: String) -> Bool {
        needle.isEmpty || !byteOccurrences(Array(s.utf8), Array(needle.utf8), limit: 1).isEmpty
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
        var parts: [String] = []
        if let sep {
            let bytes = Array(s.utf8)
            let needle = Array(sep.utf8)
            var start = 0
            for at in byteOccurrences(bytes, needle, limit: maxsplit) {
                parts.append(String(decoding: bytes[start..<at], as: UTF8.self))
                start = at + needle.count
            }
            parts.append(String(decoding: bytes[start...], as: UTF8.self))
            return parts
        }
        let scalars = Array(s.unicodeScalars)
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
        if !old.isEmpty {
            let bytes = Array(s.utf8)
            let needle = Array(old.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var start = 0
            for at in byteOccurrences(bytes, needle, limit: count) {
                out += bytes[start..<at]
                out += new.utf8
                start = at + needle.count
            }
            out += bytes[start...]
            return String(decoding: out, as: UTF8.self)
        }
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

    static func isCased(_ c: Unicode.Scalar) -> Bool {
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

    static func window(_ s: String, _ start: Value, _ end: Value) throws(JinjaError) -> ArraySlice<Unicode.Scalar> {
        let scalars = Array(s.unicodeScalars)
        let (lo, hi) = range(scalars.count, start, end)
        return lo <= hi ? scalars[lo..<hi] : []
    }

    static func range(_ count: Int, _ start: Value, _ end: Value) -> (Int, Int) {
        func clamp(_ v: Value, _ fallback: Int) -> Int {
            guard var i = Operators.indexValue(v) else { return fallback }
            if i < 0 { i = max(0, i + count) }
            return min(i, count)
        }
        return (clamp(start, 0), clamp(end, count))
    }

    static func pad(_ s: String, _ how: String, _ width: Int, fill: String) -> String {
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

    static func predicate(_ name: String, _ s: String) -> Bool {
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
