/// What follows a primary: `.attr`, `[key]`, `[a:b:c]`, call arguments,
/// and the filter (`|`) and test (`is`) chains.
extension Parser {
    mutating func parsePostfix(_ start: Expr) throws(JinjaError) -> Expr {
        var node = start
        while true {
            if current.isOp(".") || current.isOp("[") {
                node = try parseSubscript(node)
            } else if current.isOp("(") {
                node = .call(node, try parseCallArgs())
            } else {
                return node
            }
        }
    }

    mutating func parseFilterChain(_ start: Expr) throws(JinjaError) -> Expr {
        var node = start
        while true {
            if current.isOp("|") {
                node = try parseFilter(node) ?? node
            } else if current.isName("is") {
                node = try parseTest(node)
            } else if current.isOp("(") {
                node = .call(node, try parseCallArgs())
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ node: Expr) throws(JinjaError) -> Expr {
        let token = current
        advance()
        if token.isOp(".") {
            let attr = current
            advance()
            switch attr.kind {
            case .name(let n): return .attribute(node, n)
            case .integer(let i): return .item(node, .constant(.int(i)))
            default: throw fail("expected name or number", line: attr.line)
            }
        }
        var args: [Expr] = []
        while !current.isOp("]") {
            if !args.isEmpty { try expectOp(",") }
            args.append(try parseSubscribed())
        }
        try expectOp("]")
        return .item(node, args.count == 1 ? args[0] : .tuple(args))
    }

    private mutating func parseSubscribed() throws(JinjaError) -> Expr {
        var parts: [Expr?] = []
        if skipOp(":") {
            parts = [nil]
        } else {
            let node = try parseExpression()
            if !skipOp(":") { return node }
            parts = [node]
        }
        if current.isOp(":") || current.isOp("]") || current.isOp(",") {
            parts.append(nil)
        } else {
            parts.append(try parseExpression())
        }
        if skipOp(":") {
            parts.append(current.isOp("]") || current.isOp(",") ? nil : try parseExpression())
        } else {
            parts.append(nil)
        }
        return .slice(parts[0], parts[1], parts[2])
    }

    mutating func parseCallArgs() throws(JinjaError) -> CallArgs {
        let line = current.line
        try expectOp("(")
        var args = CallArgs()
        var requireComma = false
        func ensure(_ ok: Bool) throws(JinjaError) {
            if !ok { throw JinjaError.syntax(message: "invalid syntax for function call expression", line: line) }
        }
        while !current.isOp(")") {
            if requireComma {
                try expectOp(",")
                if current.isOp(")") { break }
            }
            if skipOp("*") {
                try ensure(args.starArgs == nil && args.starKwargs == nil)
                args.starArgs = try parseExpression()
            } else if skipOp("**") {
                try ensure(args.starKwargs == nil)
                args.starKwargs = try parseExpression()
            } else if case .name(let key) = current.kind, peek().isOp("=") {
                try ensure(args.starKwargs == nil)
                advance()
                advance()
                args.keyword.append((key, try parseExpression()))
            } else {
                try ensure(args.starArgs == nil && args.starKwargs == nil && args.keyword.isEmpty)
                args.positional.append(try parseExpression())
            }
            requireComma = true
        }
        try expectOp(")")
        return args
    }

    /// `| name(args) | ...`; with `startInline` the first `|` is implied
    /// (the `{% filter %}` and `{% set x | f %}` forms).
    mutating func parseFilter(_ input: Expr?, startInline: Bool = false) throws(JinjaError) -> Expr? {
        var node = input
        var inline = startInline
        while current.isOp("|") || inline {
            if !inline { advance() }
            var name = try expectAnyName()
            while skipOp(".") { name += "." + (try expectAnyName()) }
            let args = current.isOp("(") ? try parseCallArgs() : CallArgs()
            node = .filter(node, name, args)
            inline = false
        }
        return node
    }

    private mutating func parseTest(_ node: Expr) throws(JinjaError) -> Expr {
        advance()
        let negated = skipName("not")
        var name = try expectAnyName()
        while skipOp(".") { name += "." + (try expectAnyName()) }
        var args = CallArgs()
        if current.isOp("(") {
            args = try parseCallArgs()
        } else if startsBareTestArgument {
            if current.isName("is") { throw fail("You cannot chain multiple tests with is") }
            args.positional = [try parsePostfix(try parsePrimary())]
        }
        let test = Expr.test(node, name, args)
        return negated ? .not(test) : test
    }

    /// `x is divisibleby 3`: a test's single argument may follow unparenthesised.
    private var startsBareTestArgument: Bool {
        switch current.kind {
        case .name(let n): !["else", "or", "and"].contains(n)
        case .string, .integer, .float, .op("("), .op("["), .op("{"): true
        default: false
        }
    }
}
