/// One token of a template, with the line it starts on.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Template text outside tags, whitespace control already applied.
        case data(String)
        case blockBegin, blockEnd, variableBegin, variableEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        /// An operator or punctuation: `+`, `==`, `(`, `|`, `.`, ...
        case op(String)
        /// Where the lexer failed. jinja2 lexes lazily, so its error only
        /// surfaces if the parser gets this far: the parser reports it then.
        case invalid(JinjaError)
        case eof
    }

    let kind: Kind
    let line: Int

    /// How jinja2 names the token in "unexpected ..." messages.
    var description: String {
        switch kind {
        case .data: "template data / text"
        case .blockBegin: "begin of statement block"
        case .blockEnd: "end of statement block"
        case .variableBegin: "begin of print statement"
        case .variableEnd: "end of print statement"
        case .name(let n): n
        case .string(let s): s
        case .integer(let i): String(i)
        case .float(let d): PythonFormat.float(d)
        case .op(let o): o
        case .invalid(let e): e.message
        case .eof: "end of template"
        }
    }

    /// True for the name token `word` (keywords are plain names in Jinja).
    func isName(_ word: String) -> Bool {
        if case .name(word) = kind { return true }
        return false
    }

    /// True for the operator `symbol`.
    func isOp(_ symbol: String) -> Bool {
        if case .op(symbol) = kind { return true }
        return false
    }
}
