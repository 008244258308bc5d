/// Splits template text into tokens the way jinja2's lexer does with
/// `trim_blocks=True` and `lstrip_blocks=True` (transformers' settings):
///
/// - `{%-` / `{{-` / `{#-` strip all whitespace before the tag, `-%}` /
///   `-}}` / `-#}` all whitespace after it;
/// - trim_blocks: the first newline after `%}` or `#}` is dropped (`+%}`
///   keeps it);
/// - lstrip_blocks: spaces and tabs between the start of a line and `{%` or
///   `{#` are dropped (`{%+` keeps them);
/// - one trailing newline of the template is dropped, `\r\n` and `\r`
///   become `\n`.
///
/// Positions count Unicode scalars, as Python strings do.
struct Lexer {
    let src: [Unicode.Scalar]
    var pos = 0
    var tokens: [Token] = []
    /// jinja2's `line_starting`: the last match ended with a newline (or
    /// nothing was matched yet), so whitespace before a block tag at the
    /// start of the next text is a line's indentation.
    var lineStarting = true
    var lineCursor = (pos: 0, line: 1)

    /// Tokenizes `source`, ending with `.eof`, or with `.invalid` where
    /// the text stops being lexable.
    static func tokenize(_ source: String) -> [Token] {
        var lexer = Lexer(src: Array(normalizeNewlines(source).unicodeScalars))
        do {
            try lexer.run()
            lexer.tokens.append(Token(kind: .eof, line: lexer.line(at: lexer.src.count)))
        } catch {
            let line: Int
            if case .syntax(_, let l) = error { line = l } else { line = lexer.line(at: lexer.pos) }
            lexer.tokens.append(Token(kind: .invalid(error), line: line))
        }
        return lexer.tokens
    }

    init(src: [Unicode.Scalar]) {
        self.src = src
    }

    /// `\r\n` and `\r` become `\n`; one trailing newline is removed
    /// (jinja2's default `keep_trailing_newline=False`).
    static func normalizeNewlines(_ source: String) -> String {
        var out = String.UnicodeScalarView()
        var it = source.unicodeScalars.makeIterator()
        var pending = it.next()
        while let c = pending {
            pending = it.next()
            if c == "\r" {
                out.append("\n")
                if pending == "\n" { pending = it.next() }
            } else {
                out.append(c)
            }
        }
        if out.last == "\n" { out.removeLast() }
        return String(out)
    }

    // MARK: root state

    enum Opener { case block, variable, comment, raw(end: Int) }

    mutating func run() throws(JinjaError) {
        while pos < src.count {
            guard let (start, opener, sign) = nextOpener(from: pos) else {
                emit(.data(text(pos, src.count)), at: pos)
                return
            }
            var data = Array(src[pos..<start])
            if sign == "-" {
                while let last = data.last, Self.isSpace(last) { data.removeLast() }
            } else if sign != "+", lstripApplies(opener) {
                let lpos = (data.lastIndex(of: "\n") ?? -1) + 1
                if lpos > 0 || lineStarting, lpos < data.count, data[lpos...].allSatisfy(Self.isSpace) {
                    data.removeSubrange(lpos...)
                }
            }
            if !data.isEmpty { emit(.data(String(String.UnicodeScalarView(data))), at: pos) }
            let afterOpener = start + 2 + (sign == nil ? 0 : 1)
            switch opener {
            case .comment:
                try skipComment(from: afterOpener)
            case .raw(let end):
                lineStarting = src[end - 1] == "\n"
                try lexRaw(from: end)
            case .block:
                emit(.blockBegin, at: start)
                lineStarting = false
                try lexTag(from: afterOpener, isBlock: true)
            case .variable:
                emit(.variableBegin, at: start)
                lineStarting = false
                try lexTag(from: afterOpener, isBlock: false)
            }
        }
    }

    func lstripApplies(_ opener: Opener) -> Bool {
        if case .variable = opener { return false }
        return true
    }

    /// The first `{%`, `{{` or `{#` at or after `from`, with its whitespace
    /// control sign (`-`, `+`, or nil).
    func nextOpener(from start: Int) -> (Int, Opener, Unicode.Scalar?)? {
        var i = start
        while i + 1 < src.count {
            if src[i] == "{" {
                let kind = src[i + 1]
                if kind == "%" || kind == "{" || kind == "#" {
                    let next = i + 2 < src.count ? src[i + 2] : nil
                    let sign: Unicode.Scalar? = (next == "-" || next == "+") ? next : nil
                    if kind == "%", let end = rawBegin(at: i + 2 + (sign == nil ? 0 : 1)) {
                        return (i, .raw(end: end), sign)
                    }
                    return (i, kind == "%" ? .block : kind == "{" ? .variable : .comment, sign)
                }
            }
            i += 1
        }
        return nil
    }

    /// Matches `\s*raw\s*(-%}\s*|%})` at `p`; returns the end position.
    func rawBegin(at p: Int) -> Int? {
        var i = skipSpace(p)
        guard match("raw", at: i) else { return nil }
        i = skipSpace(i + 3)
        if match("-%}", at: i) { return skipSpace(i + 3) }
        if match("%}", at: i) { return i + 2 }
        return nil
    }

    mutating func skipComment(from start: Int) throws(JinjaError) {
        var i = start
        while i < src.count {
            if match("+#}", at: i) {
                finish(at: i + 3)
                return
            }
            if match("-#}", at: i) {
                finish(at: skipSpace(i + 3))
                return
            }
            if match("#}", at: i) {
                finish(at: i + 2 < src.count && src[i + 2] == "\n" ? i + 3 : i + 2)
                return
            }
            i += 1
        }
        throw .syntax(message: "Missing end of comment tag", line: line(at: start))
    }

    /// The text of a `{% raw %}` block up to `{% endraw %}`, whitespace
    /// control applied on both sides of the end tag.
    mutating func lexRaw(from start: Int) throws(JinjaError) {
        var i = start
        while i + 1 < src.count {
            if src[i] == "{" && src[i + 1] == "%" {
                var j = i + 2
                var sign: Unicode.Scalar?
                if j < src.count, src[j] == "-" || src[j] == "+" {
                    sign = src[j]
                    j += 1
                }
                j = skipSpace(j)
                if match("endraw", at: j) {
                    j = skipSpace(j + 6)
                    var end: Int?
                    if match("+%}", at: j) {
                        end = j + 3
                    } else if match("-%}", at: j) {
                        end = skipSpace(j + 3)
                    } else if match("%}", at: j) {
                        end = j + 2 < src.count && src[j + 2] == "\n" ? j + 3 : j + 2
                    }
                    if let end {
                        var data = Array(src[start..<i])
                        if sign == "-" {
                            while let last = data.last, Self.isSpace(last) { data.removeLast() }
                        } else if sign != "+" {
                            let lpos = (data.lastIndex(of: "\n") ?? -1) + 1
                            if lpos > 0 || lineStarting, lpos < data.count, data[lpos...].allSatisfy(Self.isSpace) {
                                data.removeSubrange(lpos...)
                            }
                        }
                        if !data.isEmpty { emit(.data(String(String.UnicodeScalarView(data))), at: start) }
                        finish(at: end)
                        return
                    }
                }
            }
            i += 1
        }
        throw .syntax(message: "Missing end of raw directive", line: line(at: start))
    }

    mutating func finish(at end: Int) {
        lineStarting = end > 0 && src[end - 1] == "\n"
        pos = end
    }
}
