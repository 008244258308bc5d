/// Inside `{% %}` and `{{ }}`: names, literals and operators up to the end
/// tag, which only counts where brackets are balanced (so `{{ {'a': 1} }}`
/// works); plus the position helpers the root state shares.
extension Lexer {
    mutating func lexTag(from start: Int, isBlock: Bool) throws(JinjaError) {
        pos = start
        var balance: [Unicode.Scalar] = []
        while pos < src.count {
            if balance.isEmpty, let end = tagEnd(at: pos, isBlock: isBlock) {
                emit(isBlock ? .blockEnd : .variableEnd, at: pos)
                finish(at: end)
                return
            }
            let c = src[pos]
            if Self.isSpace(c) {
                pos += 1
                continue
            }
            if let (kind, end) = TagScanner.number(src, at: pos) {
                emit(kind, at: pos)
                pos = end
                continue
            }
            if let end = TagScanner.name(src, at: pos) {
                emit(.name(text(pos, end)), at: pos)
                pos = end
                continue
            }
            if c == "'" || c == "\"", let (value, end) = try TagScanner.string(src, at: pos, line: line(at: pos)) {
                emit(.string(value), at: pos)
                pos = end
                continue
            }
            if let op = TagScanner.op(src, at: pos) {
                try balanceCheck(op, &balance)
                emit(.op(op), at: pos)
                pos += op.unicodeScalars.count
                continue
            }
            throw .syntax(
                message: "unexpected char \(PythonFormat.string(String(c))) at \(pos)", line: line(at: pos))
        }
    }

    /// The end of `%}` / `-%}` / `+%}` (blocks) or `}}` / `-}}` (variables)
    /// at `p`, after the whitespace it swallows.
    func tagEnd(at p: Int, isBlock: Bool) -> Int? {
        if isBlock {
            if match("+%}", at: p) { return p + 3 }
            if match("-%}", at: p) { return skipSpace(p + 3) }
            if match("%}", at: p) { return p + 2 < src.count && src[p + 2] == "\n" ? p + 3 : p + 2 }
        } else {
            if match("-}}", at: p) { return skipSpace(p + 3) }
            if match("}}", at: p) { return p + 2 }
        }
        return nil
    }

    mutating func balanceCheck(_ op: String, _ balance: inout [Unicode.Scalar]) throws(JinjaError) {
        switch op {
        case "{": balance.append("}")
        case "(": balance.append(")")
        case "[": balance.append("]")
        case "}", ")", "]":
            guard let expected = balance.popLast() else {
                throw .syntax(message: "unexpected '\(op)'", line: line(at: pos))
            }
            if String(expected) != op {
                throw .syntax(message: "unexpected '\(op)', expected '\(expected)'", line: line(at: pos))
            }
        default: break
        }
    }

    // MARK: helpers

    mutating func emit(_ kind: Token.Kind, at p: Int) {
        tokens.append(Token(kind: kind, line: line(at: p)))
    }

    /// 1-based line of position `p`; positions are asked for in increasing order.
    mutating func line(at p: Int) -> Int {
        if p < lineCursor.pos { lineCursor = (0, 1) }
        var (i, line) = lineCursor
        while i < p && i < src.count {
            if src[i] == "\n" { line += 1 }
            i += 1
        }
        lineCursor = (i, line)
        return line
    }

    func text(_ a: Int, _ b: Int) -> String {
        String(String.UnicodeScalarView(src[a..<b]))
    }

    func match(_ literal: String, at p: Int) -> Bool {
        var i = p
        for c in literal.unicodeScalars {
            guard i < src.count, src[i] == c else { return false }
            i += 1
        }
        return true
    }

    func skipSpace(_ p: Int) -> Int {
        var i = p
        while i < src.count, Self.isSpace(src[i]) { i += 1 }
        return i
    }

    /// Python's `\s` / `str.isspace` for one character.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        if c.value >= 0x1C && c.value <= 0x1F { return true }
        return c.properties.isWhitespace
    }
}
