/// Expressions, by jinja2's precedence (loosest first): conditional `if`,
/// `or`, `and`, `not`, comparisons and `in`, `+ -`, `~`, `* / // %`, `**`,
/// unary `- +`, then primaries with postfix `.`/`[]`/`()` and the filter
/// (`|`) and test (`is`) chain.
extension Parser {
    mutating func parseExpression(withCondition: Bool = true) throws(JinjaError) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else { throw fail("expression nested too deeply") }
        return withCondition ? try parseConditional() : try parseOr()
    }

    private mutating func parseConditional() throws(JinjaError) -> Expr {
        var expr = try parseOr()
        while skipName("if") {
            let test = try parseOr()
            let otherwise: Expr? = skipName("else") ? try parseConditional() : nil
            expr = .conditional(test: test, then: expr, otherwise: otherwise)
        }
        return expr
    }

    private mutating func parseOr() throws(JinjaError) -> Expr {
        var left = try parseAnd()
        while skipName("or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(JinjaError) -> Expr {
        var left = try parseNot()
        while skipName("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(JinjaError) -> Expr {
        if skipName("not") {
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= Self.maxNesting else { throw fail("expression nested too deeply") }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws(JinjaError) -> Expr {
        let expr = try parseMath1()
        var ops: [(op: CompareOp, rhs: Expr)] = []
        while true {
            if case .op(let o) = current.kind, let op = CompareOp(rawValue: o), op != .in, op != .notIn {
                advance()
                ops.append((op, try parseMath1()))
            } else if skipName("in") {
                ops.append((.in, try parseMath1()))
            } else if current.isName("not"), peek().isName("in") {
                advance()
                advance()
                ops.append((.notIn, try parseMath1()))
            } else {
                break
            }
        }
        return ops.isEmpty ? expr : .compare(expr, ops)
    }

    private mutating func parseMath1() throws(JinjaError) -> Expr {
        var left = try parseConcat()
        while current.isOp("+") || current.isOp("-") {
            let op: BinaryOp = current.isOp("+") ? .add : .sub
            advance()
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws(JinjaError) -> Expr {
        var args = [try parseMath2()]
        while skipOp("~") { args.append(try parseMath2()) }
        return args.count == 1 ? args[0] : .concat(args)
    }

    private mutating func parseMath2() throws(JinjaError) -> Expr {
        var left = try parsePow()
        while case .op(let o) = current.kind, ["*", "/", "//", "%"].contains(o), let op = BinaryOp(rawValue: o) {
            advance()
            left = .binary(op, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws(JinjaError) -> Expr {
        var left = try parseUnary()
        while skipOp("**") { left = .binary(.pow, left, try parseUnary()) }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws(JinjaError) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else { throw fail("expression nested too deeply") }
        var node: Expr
        if skipOp("-") {
            node = .negate(try parseUnary(withFilter: false))
        } else if skipOp("+") {
            node = .plus(try parseUnary(withFilter: false))
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterChain(node) }
        return node
    }

    mutating func parsePrimary(withNamespace: Bool = false) throws(JinjaError) -> Expr {
        let token = current
        switch token.kind {
        case .name(let n):
            advance()
            switch n {
            case "true", "True": return .constant(.bool(true))
            case "false", "False": return .constant(.bool(false))
            case "none", "None": return .constant(.none)
            default:
                if withNamespace, current.isOp(".") {
                    advance()
                    return .namespaceRef(n, try expectAnyName())
                }
                for i in macroNameUses.indices { macroNameUses[i].insert(n) }
                return .name(n)
            }
        case .string(let s):
            advance()
            var text = s
            while case .string(let more) = current.kind {
                text += more
                advance()
            }
            return .constant(.string(text))
        case .integer(let i):
            advance()
            return .constant(.int(i))
        case .float(let d):
            advance()
            return .constant(.float(d))
        case .op("("):
            advance()
            let expr = try parseTuple(explicitParentheses: true)
            try expectOp(")")
            return expr
        case .op("["):
            return try parseList()
        case .op("{"):
            return try parseDict()
        default:
            throw fail("unexpected \(PythonFormat.string(token.description))", line: token.line)
        }
    }

    private var isTupleEnd: Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .op(")"): true
        default: false
        }
    }

    /// A comma-separated list that is a tuple only when a comma appears;
    /// `simplified` parses primaries only (assignment targets).
    mutating func parseTuple(
        simplified: Bool = false, withCondition: Bool = true, extraEndRules: [String] = [],
        explicitParentheses: Bool = false, withNamespace: Bool = false
    ) throws(JinjaError) -> Expr {
        var args: [Expr] = []
        var isTuple = false
        while true {
            if !args.isEmpty { try expectOp(",") }
            if isTupleEnd { break }
            if case .name(let n) = current.kind, extraEndRules.contains(n) { break }
            args.append(
                simplified
                    ? try parsePrimary(withNamespace: withNamespace)
                    : try parseExpression(withCondition: withCondition))
            if current.isOp(",") {
                isTuple = true
            } else {
                break
            }
        }
        if !isTuple {
            if let first = args.first { return first }
            if !explicitParentheses {
                throw fail("Expected an expression, got \(PythonFormat.string(current.description))")
            }
        }
        return .tuple(args)
    }

    /// A target of `set`, `for` or `with`: a name, a tuple of names, or
    /// (for `set`) a namespace attribute.
    mutating func parseAssignTarget(extraEndRules: [String] = [], withNamespace: Bool = false) throws(JinjaError)
        -> Expr
    {
        let line = current.line
        let target = try parseTuple(simplified: true, extraEndRules: extraEndRules, withNamespace: withNamespace)
        func assignable(_ e: Expr) -> Bool {
            switch e {
            case .name(let n): !["true", "false", "none", "True", "False", "None"].contains(n)
            case .namespaceRef: true
            case .tuple(let items): items.allSatisfy(assignable)
            default: false
            }
        }
        guard assignable(target) else { throw fail("can't assign to \(Self.nodeName(target))", line: line) }
        return target
    }

    private static func nodeName(_ e: Expr) -> String {
        switch e {
        case .constant: "'const'"
        case .tuple: "'tuple'"
        case .list: "'list'"
        case .dict: "'dict'"
        default: "'expression'"
        }
    }

    mutating func parseList() throws(JinjaError) -> Expr {
        try expectOp("[")
        var items: [Expr] = []
        while !current.isOp("]") {
            if !items.isEmpty { try expectOp(",") }
            if current.isOp("]") { break }
            items.append(try parseExpression())
        }
        try expectOp("]")
        return .list(items)
    }

    mutating func parseDict() throws(JinjaError) -> Expr {
        try expectOp("{")
        var items: [(key: Expr, value: Expr)] = []
        while !current.isOp("}") {
            if !items.isEmpty { try expectOp(",") }
            if current.isOp("}") { break }
            let key = try parseExpression()
            try expectOp(":")
            items.append((key, try parseExpression()))
        }
        try expectOp("}")
        return .dict(items)
    }
}
