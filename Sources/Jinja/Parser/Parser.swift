/// Builds the statement tree from tokens, following jinja2's grammar and
/// its error messages. Statements are here, expressions in
/// `Parser+Expressions.swift`.
struct Parser {
    var tokens: [Token]
    var index = 0
    /// Open tags, innermost last, for "the innermost block that needs to be
    /// closed is ..." messages.
    var tagStack: [String] = []
    var endTokenStack: [[String]] = []
    /// Names read inside each open macro body (to know whether it takes
    /// `caller`, `varargs`, `kwargs`).
    var macroNameUses: [Set<String>] = []
    /// Expression nesting, bounded so a pathological template fails with a
    /// syntax error instead of overflowing the stack.
    var nesting = 0
    static let maxNesting = 100

    /// Parses a whole template.
    static func parse(_ source: String) throws(JinjaError) -> [Statement] {
        var parser = Parser(tokens: Lexer.tokenize(source))
        return try parser.subparse(endTokens: nil)
    }

    var current: Token { tokens[index] }

    func peek(_ offset: Int = 1) -> Token {
        tokens[min(index + offset, tokens.count - 1)]
    }

    mutating func advance() {
        if case .invalid = current.kind { return }
        if index < tokens.count - 1 { index += 1 }
    }

    /// The lexer's error when the parser has reached it: jinja2 would have
    /// raised it while fetching this token, before any parse error.
    var lexerFailure: JinjaError? {
        if case .invalid(let e) = current.kind { return e }
        return nil
    }

    func fail(_ message: String, line: Int? = nil) -> JinjaError {
        lexerFailure ?? .syntax(message: message, line: line ?? current.line)
    }

    /// jinja2's `TokenStream.expect` failure for `what` (already described).
    func expectFailure(_ what: String) -> JinjaError {
        if let e = lexerFailure { return e }
        if case .eof = current.kind {
            return fail("unexpected end of template, expected \(PythonFormat.string(what)).")
        }
        return fail("expected token \(PythonFormat.string(what)), got \(PythonFormat.string(current.description))")
    }

    mutating func expectOp(_ op: String) throws(JinjaError) {
        guard current.isOp(op) else { throw expectFailure(op) }
        advance()
    }

    mutating func expectName(_ word: String) throws(JinjaError) {
        guard current.isName(word) else { throw expectFailure(word) }
        advance()
    }

    mutating func expectAnyName() throws(JinjaError) -> String {
        guard case .name(let n) = current.kind else { throw expectFailure("name") }
        advance()
        return n
    }

    mutating func expectBlockEnd() throws(JinjaError) {
        guard case .blockEnd = current.kind else { throw expectFailure("end of statement block") }
        advance()
    }

    mutating func skipOp(_ op: String) -> Bool {
        guard current.isOp(op) else { return false }
        advance()
        return true
    }

    mutating func skipName(_ word: String) -> Bool {
        guard current.isName(word) else { return false }
        advance()
        return true
    }

    // MARK: bodies

    /// Parses statements and output until a block tag named in `endTokens`
    /// (left as the current token) or the end of the template.
    mutating func subparse(endTokens: [String]?) throws(JinjaError) -> [Statement] {
        if let endTokens { endTokenStack.append(endTokens) }
        defer { if endTokens != nil { endTokenStack.removeLast() } }
        var body: [Statement] = []
        var parts: [OutputPart] = []
        func flush() {
            if !parts.isEmpty {
                body.append(.output(parts))
                parts = []
            }
        }
        while true {
            switch current.kind {
            case .invalid(let error):
                throw error
            case .eof:
                flush()
                return body
            case .data(let text):
                parts.append(.text(text))
                advance()
            case .variableBegin:
                advance()
                parts.append(.expr(try parseTuple(withCondition: true)))
                guard case .variableEnd = current.kind else { throw expectFailure("end of print statement") }
                advance()
            case .blockBegin:
                flush()
                advance()
                if let endTokens, case .name(let n) = current.kind, endTokens.contains(n) {
                    return body
                }
                body.append(contentsOf: try parseStatement())
                try expectBlockEnd()
            default:
                throw fail("unexpected \(PythonFormat.string(current.description))")
            }
        }
    }

    /// jinja2's `parse_statements`: an optional `:`, the end of the opening
    /// tag, then the body up to one of `endTokens`.
    mutating func parseStatements(_ endTokens: [String], dropNeedle: Bool = false) throws(JinjaError) -> [Statement] {
        _ = skipOp(":")
        try expectBlockEnd()
        let body = try subparse(endTokens: endTokens)
        if case .eof = current.kind { throw eofFailure(endTokens) }
        if dropNeedle { advance() }
        return body
    }

    func eofFailure(_ endTokens: [String]?) -> JinjaError {
        var stack = endTokenStack
        if let endTokens { stack.append(endTokens) }
        return unknownTagFailure(nil, stack: stack, line: current.line)
    }

    func unknownTagFailure(_ name: String?, stack: [[String]], line: Int) -> JinjaError {
        if let e = lexerFailure { return e }
        var message = [name.map { "Encountered unknown tag \(PythonFormat.string($0))." } ?? "Unexpected end of template."]
        if let looking = stack.last {
            let currently = looking.map { PythonFormat.string($0) }.joined(separator: " or ")
            if let name, stack.contains(where: { $0.contains(name) }) {
                message.append(
                    "You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for \(currently)."
                )
            } else {
                message.append("Jinja was looking for the following tags: \(currently).")
            }
        }
        if let innermost = tagStack.last {
            message.append("The innermost block that needs to be closed is \(PythonFormat.string(innermost)).")
        }
        return .syntax(message: message.joined(separator: " "), line: line)
    }
}
