/// One tag each: `for`, `if`, `set`, `macro`, `call`, `filter`, `with`,
/// `block`, `print`, transformers' `generation`, and the loop controls.
extension Parser {
    mutating func parseStatement() throws(JinjaError) -> [Statement] {
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
        case "extends", "include", "import", "from":
            return [try parseLoaderTag(tag)]
        case "autoescape":
            throw fail("the 'autoescape' tag is not supported by this engine", line: line)
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

    /// `extends`, `include`, `import` and `from ... import`: parsed as jinja2
    /// parses them; rendering them fails as transformers' loader-less
    /// environment fails.
    private mutating func parseLoaderTag(_ tag: String) throws(JinjaError) -> Statement {
        advance()
        _ = try parseExpression()
        switch tag {
        case "include":
            if current.isName("ignore"), peek().isName("missing") {
                advance()
                advance()
            }
            skipContextModifier()
        case "import":
            try expectName("as")
            _ = try expectAnyName()
            skipContextModifier()
        case "from":
            try expectName("import")
            repeat {
                if current.isName("with") || current.isName("without") {
                    skipContextModifier()
                    break
                }
                _ = try expectAnyName()
                if skipName("as") { _ = try expectAnyName() }
            } while skipOp(",")
            skipContextModifier()
        default:
            break
        }
        return .requiresLoader
    }

    private mutating func skipContextModifier() {
        if current.isName("with") || current.isName("without"), peek().isName("context") {
            advance()
            advance()
        }
    }
}
