/// Reads a list of aliases that a dataset wrote as a string, in Python
/// (`"['a', 'b']"`) or JSON (`'["a","b"]'`) form.
enum ListLiteral {
    /// The strings of a list literal, or `nil` when `text` is not a list of
    /// quoted strings (e.g. the interval `[1, 2]`, or free text in brackets).
    ///
    /// Elements are single- or double-quoted strings separated by commas; a
    /// trailing comma is allowed; the escapes `\\`, `\'`, `\"`, `\n`, `\t` and
    /// `\uXXXX` are decoded, any other backslash is kept as written.
    static func parse(_ text: String) -> [String]? {
        let chars = Array(text.unicodeScalars)
        var index = 0
        func skipSpaces() {
            while index < chars.count, chars[index].properties.isWhitespace { index += 1 }
        }
        skipSpaces()
        guard index < chars.count, chars[index] == "[" else { return nil }
        index += 1
        var result: [String] = []
        while true {
            skipSpaces()
            guard index < chars.count else { return nil }
            if chars[index] == "]" { break }
            guard let element = quoted(chars, &index) else { return nil }
            result.append(element)
            skipSpaces()
            guard index < chars.count else { return nil }
            if chars[index] == "," {
                index += 1
            } else if chars[index] != "]" {
                return nil
            }
        }
        index += 1
        skipSpaces()
        return index == chars.count && !result.isEmpty ? result : nil
    }

    /// Reads one quoted string starting at `index`, leaving `index` after its
    /// closing quote.
    private static func quoted(_ chars: [Unicode.Scalar], _ index: inout Int) -> String? {
        let quote = chars[index]
        guard quote == "'" || quote == "\"" else { return nil }
        index += 1
        var scalars = String.UnicodeScalarView()
        while index < chars.count {
            let char = chars[index]
            index += 1
            if char == quote { return String(scalars) }
            guard char == "\\", index < chars.count else {
                scalars.append(char)
                continue
            }
            let next = chars[index]
            index += 1
            switch next {
            case "\\", "'", "\"", "/": scalars.append(next)
            case "n": scalars.append("\n")
            case "t": scalars.append("\t")
            case "u":
                let hex = String(String.UnicodeScalarView(chars[index..<min(index + 4, chars.count)]))
                if hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                    scalars.append(scalar)
                    index += 4
                } else {
                    scalars.append("\\")
                    scalars.append(next)
                }
            default:
                scalars.append("\\")
                scalars.append(next)
            }
        }
        return nil
    }
}
