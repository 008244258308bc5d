/// Arguments written at a call site: `f(a, b, key=c, *rest, **more)`.
struct CallArgs: Sendable {
    var positional: [Expr] = []
    var keyword: [(name: String, value: Expr)] = []
    var starArgs: Expr?
    var starKwargs: Expr?
}

/// An expression, as jinja2's parser builds it.
indirect enum Expr: Sendable {
    case constant(Value)
    case name(String)
    /// `ns.attr` as an assignment target of `{% set %}`.
    case namespaceRef(String, String)
    case tuple([Expr])
    case list([Expr])
    case dict([(key: Expr, value: Expr)])
    /// `a.b` (attribute first, then item, as jinja2's `getattr`).
    case attribute(Expr, String)
    /// `a[b]` (item first, then attribute, as jinja2's `getitem`).
    case item(Expr, Expr)
    /// `a[start:stop:step]`; the slice is only valid inside `item`.
    case slice(Expr?, Expr?, Expr?)
    case call(Expr, CallArgs)
    /// `value | name(args)`; `value` is nil in `{% filter %}` blocks.
    case filter(Expr?, String, CallArgs)
    /// `value is name(args)`.
    case test(Expr, String, CallArgs)
    case not(Expr)
    case negate(Expr)
    case plus(Expr)
    case binary(BinaryOp, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    /// `a ~ b ~ c`.
    case concat([Expr])
    /// `a < b == c`: Python's chained comparison.
    case compare(Expr, [(op: CompareOp, rhs: Expr)])
    /// `then if test else otherwise`; a missing else gives undefined.
    case conditional(test: Expr, then: Expr, otherwise: Expr?)
}

enum BinaryOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**"
}

enum CompareOp: String, Sendable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", `in` = "in", notIn = "not in"
}

/// A `{% macro %}` or the body of a `{% call %}` block.
struct MacroDefinition: Sendable {
    var name: String
    var parameters: [String]
    /// Defaults of the trailing parameters (`defaults.count <= parameters.count`).
    var defaults: [Expr]
    var body: [Statement]
    /// Whether the body reads `caller`, `varargs` or `kwargs`, which decides
    /// whether extra arguments are accepted (jinja2 checks the same).
    var usesCaller: Bool
    var usesVarargs: Bool
    var usesKwargs: Bool
}

/// A statement (a tag or a run of output) of a template body.
indirect enum Statement: Sendable {
    /// Template text and `{{ }}` expressions, in order.
    case output([OutputPart])
    case `if`(branches: [(test: Expr, body: [Statement])], otherwise: [Statement])
    case `for`(target: Expr, iterable: Expr, body: [Statement], otherwise: [Statement], filter: Expr?, recursive: Bool)
    case set(target: Expr, value: Expr)
    /// `{% set x | filters %}...{% endset %}`.
    case setBlock(target: Expr, filter: Expr?, body: [Statement])
    case macro(MacroDefinition)
    /// `{% call(args) m(...) %}body{% endcall %}`.
    case callBlock(call: Expr, caller: MacroDefinition)
    /// `{% filter f %}body{% endfilter %}`: `filter` has a nil input.
    case filterBlock(filter: Expr, body: [Statement])
    case with(targets: [Expr], values: [Expr], body: [Statement])
    /// `{% block name %}`: without inheritance it renders in place.
    case block(body: [Statement])
    /// transformers' `{% generation %}` (assistant-token tracking): renders its body.
    case generation(body: [Statement])
    case breakLoop
    case continueLoop
    /// `include`, `import`, `from`, `extends`: templates are rendered from a
    /// string, without a loader, so these fail when reached.
    case requiresLoader
}

enum OutputPart: Sendable {
    case text(String)
    case expr(Expr)
}
