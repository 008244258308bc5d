/// Builds the statement tree from tokens, following jinja2's grammar and
/// its error messages. Statements are here, expressions in
/// `Parser+Expressions.swift`.
struct Parser {
    var tokens: [Token]
    var index = 0
    /// Open tags, innermost last, for "the innermost block that needs to be
    /// closed is ..." messages.
    private var tagStack: [String] = []
    private var endTokenStack: [[String]] = []
    /// Names read inside each open macro body (to know whether it takes
    /// `caller`, `varargs`, `kwargs`).
    var macroNameUses: [Set<String>] = []

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

    private func eofFailure(_ endTokens: [String]?) -> JinjaError {
        var stack = endTokenStack
        if let endTokens { stack.append(endTokens) }
        return unknownTagFailure(nil, stack: stack, line: current.line)
    }

    private func unknownTagFailure(_ name: String?, stack: [[String]], line: Int) -> JinjaError {
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

    // MARK: statements

    private mutating func parseStatement() throws(JinjaError) -> [Statement] {
        guard case .name(let tag) = current.kind else { throw fail("tag name expected") }
        let line = current.line
        tagStack.append(tag)
        defer { tagStack.removeLast() }
        switch tag {
        case "for": return [try parseFor()]
        case "if": return [try parseIf()]
        case "set": return [try parseSet()]
        case "macro": return [try parseMacro()]
        case "call": return [try parseCallBlock()]
        case "filter": return [try parseFilterBlock()]
        case "with": return [try parseWith()]
        case "block": return [try parseBlock()]
        case "print":
            advance()
            var parts: [OutputPart] = []
            while !isBlockEnd {
                if !parts.isEmpty { try expectOp(",") }
                parts.append(.expr(try parseExpression()))
            }
            return [.output(parts)]
        case "generation":
            advance()
            return [.generation(body: try parseStatements(["endgeneration"], dropNeedle: true))]
        case "break", "continue":
            advance()
            return [tag == "break" ? .breakLoop : .continueLoop]
        case "extends", "include", "import", "from", "autoescape":
            throw fail("the '\(tag)' tag is not supported: chat templates are rendered without a loader", line: line)
        default:
            tagStack.removeLast()
            defer { tagStack.append(tag) }
            throw unknownTagFailure(tag, stack: endTokenStack, line: line)
        }
    }

    var isBlockEnd: Bool {
        if case .blockEnd = current.kind { return true }
        return false
    }

    private mutating func parseFor() throws(JinjaError) -> Statement {
        advance()
        let target = try parseAssignTarget(extraEndRules: ["in"])
        try expectName("in")
        let iterable = try parseTuple(withCondition: false, extraEndRules: ["recursive"])
        var filter: Expr?
        if skipName("if") { filter = try parseExpression() }
        let recursive = skipName("recursive")
        let body = try parseStatements(["endfor", "else"])
        var otherwise: [Statement] = []
        let closing = current
        advance()
        if !closing.isName("endfor") {
            otherwise = try parseStatements(["endfor"], dropNeedle: true)
        }
        return .for(
            target: target, iterable: iterable, body: body, otherwise: otherwise, filter: filter, recursive: recursive)
    }

    private mutating func parseIf() throws(JinjaError) -> Statement {
        advance()
        var branches: [(test: Expr, body: [Statement])] = []
        var otherwise: [Statement] = []
        while true {
            let test = try parseTuple(withCondition: false)
            let body = try parseStatements(["elif", "else", "endif"])
            branches.append((test, body))
            let token = current
            advance()
            if token.isName("elif") { continue }
            if token.isName("else") { otherwise = try parseStatements(["endif"], dropNeedle: true) }
            break
        }
        return .if(branches: branches, otherwise: otherwise)
    }

    private mutating func parseSet() throws(JinjaError) -> Statement {
        advance()
        let target = try parseAssignTarget(withNamespace: true)
        if skipOp("=") {
            return .set(target: target, value: try parseTuple())
        }
        let filter = try parseFilter(nil)
        let body = try parseStatements(["endset"], dropNeedle: true)
        return .setBlock(target: target, filter: filter, body: body)
    }

    private mutating func parseWith() throws(JinjaError) -> Statement {
        advance()
        var targets: [Expr] = []
        var values: [Expr] = []
        while !isBlockEnd {
            if !targets.isEmpty { try expectOp(",") }
            targets.append(try parseAssignTarget())
            try expectOp("=")
            values.append(try parseExpression())
        }
        return .with(targets: targets, values: values, body: try parseStatements(["endwith"], dropNeedle: true))
    }

    private mutating func parseBlock() throws(JinjaError) -> Statement {
        advance()
        let name = try expectAnyName()
        _ = skipName("scoped")
        _ = skipName("required")
        let body = try parseStatements(["endblock"], dropNeedle: true)
        _ = skipName(name)
        return .block(body: body)
    }

    private mutating func parseMacro() throws(JinjaError) -> Statement {
        advance()
        let name = try expectAnyName()
        let (parameters, defaults) = try parseSignature()
        return .macro(try parseMacroBody(name: name, parameters: parameters, defaults: defaults, endTag: "endmacro"))
    }

    private mutating func parseCallBlock() throws(JinjaError) -> Statement {
        let line = current.line
        advance()
        var parameters: [String] = []
        var defaults: [Expr] = []
        if current.isOp("(") { (parameters, defaults) = try parseSignature() }
        let call = try parseExpression()
        guard case .call = call else { throw fail("expected call", line: line) }
        let definition = try parseMacroBody(
            name: "caller", parameters: parameters, defaults: defaults, endTag: "endcall")
        return .callBlock(call: call, caller: definition)
    }

    private mutating func parseFilterBlock() throws(JinjaError) -> Statement {
        advance()
        guard let filter = try parseFilter(nil, startInline: true) else { throw fail("expected filter") }
        return .filterBlock(filter: filter, body: try parseStatements(["endfilter"], dropNeedle: true))
    }

    private mutating func parseMacroBody(
        name: String, parameters: [String], defaults: [Expr], endTag: String
    ) throws(JinjaError) -> MacroDefinition {
        macroNameUses.append([])
        let body = try parseStatements([endTag], dropNeedle: true)
        let used = macroNameUses.removeLast()
        return MacroDefinition(
            name: name, parameters: parameters, defaults: defaults, body: body,
            usesCaller: used.contains("caller"), usesVarargs: used.contains("varargs"),
            usesKwargs: used.contains("kwargs"))
    }

    private mutating func parseSignature() throws(JinjaError) -> ([String], [Expr]) {
        try expectOp("(")
        var parameters: [String] = []
        var defaults: [Expr] = []
        while !current.isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            let name = try expectAnyName()
            if skipOp("=") {
                defaults.append(try parseExpression())
            } else if !defaults.isEmpty {
                throw fail("non-default argument follows default argument")
            }
            parameters.append(name)
        }
        try expectOp(")")
        return (parameters, defaults)
    }
}
