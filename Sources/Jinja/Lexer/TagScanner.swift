/// Scanners for the tokens inside `{% %}` and `{{ }}`: numbers, names,
/// string literals and operators, with jinja2's rules for each.
enum TagScanner {
    /// Two-character operators first: the longest match wins.
    static let operators = [
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", "=", ".", ":", "|", ",", ";", "<", ">",
    ]

    static func op(_ src: [Unicode.Scalar], at p: Int) -> String? {
        for candidate in operators {
            var i = p
            var ok = true
            for c in candidate.unicodeScalars {
                if i >= src.count || src[i] != c {
                    ok = false
                    break
                }
                i += 1
            }
            if ok { return candidate }
        }
        return nil
    }

    /// An identifier: a letter or `_`, then letters, digits or `_`.
    static func name(_ src: [Unicode.Scalar], at p: Int) -> Int? {
        let first = src[p]
        guard first == "_" || first.properties.isXIDStart else { return nil }
        var i = p + 1
        while i < src.count, src[i] == "_" || src[i].properties.isXIDContinue { i += 1 }
        return i
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    /// Digits with single `_` separators (`(\d+_)*\d+`); returns the end.
    private static func digits(_ src: [Unicode.Scalar], at p: Int) -> Int? {
        var i = p
        guard i < src.count, isDigit(src[i]) else { return nil }
        while i < src.count {
            if isDigit(src[i]) {
                i += 1
            } else if src[i] == "_", i + 1 < src.count, isDigit(src[i + 1]) {
                i += 1
            } else {
                break
            }
        }
        return i
    }

    /// A float (`1.5`, `1e3`, `2.5E-3`) or an integer (`42`, `0x1f`,
    /// `0b101`, `0o17`, `1_000`) starting at `p`.
    static func number(_ src: [Unicode.Scalar], at p: Int) -> (Token.Kind, Int)? {
        guard isDigit(src[p]) else { return nil }
        if let end = float(src, at: p) {
            let text = String(String.UnicodeScalarView(src[p..<end])).replacingOccurrences(of: "_", with: "")
            if let d = Double(text) { return (.float(d), end) }
        }
        return integer(src, at: p)
    }

    private static func float(_ src: [Unicode.Scalar], at p: Int) -> Int? {
        if p > 0, src[p - 1] == "." { return nil }
        guard let intEnd = digits(src, at: p) else { return nil }
        var i = intEnd
        var hasFraction = false
        if i < src.count, src[i] == ".", let fracEnd = digits(src, at: i + 1) {
            i = fracEnd
            hasFraction = true
        }
        if i < src.count, src[i] == "e" || src[i] == "E" {
            var j = i + 1
            if j < src.count, src[j] == "+" || src[j] == "-" { j += 1 }
            if let expEnd = digits(src, at: j) { return expEnd }
        }
        return hasFraction ? i : nil
    }

    private static func integer(_ src: [Unicode.Scalar], at p: Int) -> (Token.Kind, Int)? {
        if src[p] == "0", p + 1 < src.count {
            let radix: Int?
            switch src[p + 1] {
            case "b", "B": radix = 2
            case "o", "O": radix = 8
            case "x", "X": radix = 16
            default: radix = nil
            }
            if let radix {
                var i = p + 2
                var text = ""
                while i < src.count {
                    if src[i] == "_", i + 1 < src.count, Int(String(src[i + 1]), radix: radix) != nil {
                        i += 1
                    }
                    guard Int(String(src[i]), radix: radix) != nil else { break }
                    text.unicodeScalars.append(src[i])
                    i += 1
                }
                if !text.isEmpty, let v = Int(text, radix: radix) { return (.integer(v), i) }
            }
            // `0`, `00`, `0_0`: a zero; "0123" lexes as 0 then 123, as in jinja2.
            var i = p + 1
            while i < src.count {
                if src[i] == "0" {
                    i += 1
                } else if src[i] == "_", i + 1 < src.count, src[i + 1] == "0" {
                    i += 2
                } else {
                    break
                }
            }
            return (.integer(0), i)
        }
        guard let end = digits(src, at: p) else { return nil }
        let text = String(String.UnicodeScalarView(src[p..<end])).replacingOccurrences(of: "_", with: "")
        guard let v = Int(text) else { return nil }
        return (.integer(v), end)
    }

    /// A quoted string literal with Python's `unicode-escape` escapes
    /// decoded; nil when the quote is never closed.
    static func string(_ src: [Unicode.Scalar], at p: Int, line: Int) throws(JinjaError) -> (String, Int)? {
        let quote = src[p]
        var i = p + 1
        var raw: [Unicode.Scalar] = []
        while i < src.count {
            let c = src[i]
            if c == quote { return (try unescape(raw, line: line), i + 1) }
            if c == "\\", i + 1 < src.count {
                raw.append(c)
                raw.append(src[i + 1])
                i += 2
                continue
            }
            raw.append(c)
            i += 1
        }
        return nil
    }

    /// Python's `unicode-escape` decoding: `\n`, `\t`, `\xhh`, `\uhhhh`,
    /// `\Uhhhhhhhh`, octal `\ooo`; unknown escapes are kept as written.
    static func unescape(_ s: [Unicode.Scalar], line: Int) throws(JinjaError) -> String {
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            let c = s[i]
            guard c == "\\", i + 1 < s.count else {
                out.append(c)
                i += 1
                continue
            }
            let e = s[i + 1]
            i += 2
            switch e {
            case "\n": break
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "x", "u", "U":
                let width = e == "x" ? 2 : e == "u" ? 4 : 8
                let hex = i + width <= s.count ? String(String.UnicodeScalarView(s[i..<i + width])) : ""
                guard hex.count == width, let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                    throw .syntax(message: "truncated \\\(e)\(String(repeating: "X", count: width)) escape", line: line)
                }
                out.append(scalar)
                i += width
            case "0"..."7":
                var v = e.value - 48
                var n = 1
                while n < 3, i < s.count, s[i] >= "0", s[i] <= "7" {
                    v = v * 8 + (s[i].value - 48)
                    i += 1
                    n += 1
                }
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }
}
