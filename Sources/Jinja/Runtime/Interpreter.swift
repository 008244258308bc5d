/// Runs a parsed template: statements here, expressions in
/// `Interpreter+Expressions.swift`, calls in `Interpreter+Calls.swift`.
struct Interpreter {
    let environment: Environment
    /// Macro calls and recursive-loop calls in progress: bounded, so a
    /// template recursing forever fails (as Python's RecursionError) instead
    /// of overflowing the thread's stack.
    var callDepth = 0
    static let maxCallDepth = 64

    /// An interpreter one call deeper.
    func nested() throws(JinjaError) -> Interpreter {
        guard callDepth < Self.maxCallDepth else {
            throw .runtime(kind: "RecursionError", message: "maximum recursion depth exceeded")
        }
        var copy = self
        copy.callDepth += 1
        return copy
    }

    /// How a statement list ended: normally, or by `{% break %}` /
    /// `{% continue %}` bubbling up to the enclosing loop.
    enum Flow { case normal, breakLoop, continueLoop }

    @discardableResult
    func execute(_ statements: [Statement], in scope: Scope, into out: inout String) throws(JinjaError) -> Flow {
        for statement in statements {
            let flow = try execute(statement, in: scope, into: &out)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func execute(_ statement: Statement, in scope: Scope, into out: inout String) throws(JinjaError) -> Flow {
        switch statement {
        case .output(let parts):
            for part in parts {
                switch part {
                case .text(let text): out += text
                case .expr(let expr): out += try stringify(try evaluate(expr, in: scope))
                }
            }
        case .if(let branches, let otherwise):
            for branch in branches where try evaluate(branch.test, in: scope).isTruthy {
                return try execute(branch.body, in: scope, into: &out)
            }
            return try execute(otherwise, in: scope, into: &out)
        case .for(let target, let iterable, let body, let otherwise, let filter, let recursive):
            try executeFor(
                target: target, iterable: iterable, body: body, otherwise: otherwise, filter: filter,
                recursive: recursive, in: scope, into: &out)
        case .set(let target, let value):
            try assign(try evaluate(value, in: scope), to: target, in: scope)
        case .setBlock(let target, let filter, let body):
            var captured = ""
            try execute(body, in: scope, into: &captured)
            var value = Value.string(captured)
            if let filter { value = try applyFilterChain(filter, to: value, in: scope) }
            try assign(value, to: target, in: scope)
        case .macro(let definition):
            scope.set(definition.name, .callable(Callable(macro: Macro(definition: definition, scope: scope))))
        case .callBlock(let call, let caller):
            guard case .call(let callee, var args) = call else { return .normal }
            let callerValue = Value.callable(Callable(macro: Macro(definition: caller, scope: scope)))
            args.keyword.append(("caller", .constant(callerValue)))
            out += try stringify(try evaluate(.call(callee, args), in: scope))
        case .filterBlock(let filter, let body):
            var captured = ""
            try execute(body, in: scope, into: &captured)
            out += try stringify(try applyFilterChain(filter, to: .string(captured), in: scope))
        case .with(let targets, let values, let body):
            let inner = Scope(parent: scope)
            for (target, value) in zip(targets, values) {
                try assign(try evaluate(value, in: scope), to: target, in: inner)
            }
            return try execute(body, in: inner, into: &out)
        case .block(let body), .generation(let body):
            return try execute(body, in: scope, into: &out)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .requiresLoader:
            throw .type("no loader for this environment specified")
        }
        return .normal
    }

    /// What `{{ value }}` prints: Python `str()`, empty for undefined.
    func stringify(_ value: Value) throws(JinjaError) -> String {
        PythonFormat.str(value)
    }

    /// Re-applies a filter chain parsed with a nil input (`{% filter %}`,
    /// `{% set x | f %}`) to `value`.
    private func applyFilterChain(_ chain: Expr, to value: Value, in scope: Scope) throws(JinjaError) -> Value {
        guard case .filter(let input, let name, let args) = chain else { return value }
        let inner = try input.map { e throws(JinjaError) in try applyFilterChain(e, to: value, in: scope) } ?? value
        return try applyFilter(name, to: inner, args: args, in: scope)
    }

    /// Binds `value` to a `set`/`for`/`with` target: a name, a tuple of
    /// targets (unpacking), or a namespace attribute.
    func assign(_ value: Value, to target: Expr, in scope: Scope) throws(JinjaError) {
        switch target {
        case .name(let name):
            scope.set(name, value)
        case .tuple(let targets):
            let items = try iterate(value)
            if items.count > targets.count {
                throw .value("too many values to unpack (expected \(targets.count))")
            }
            if items.count < targets.count {
                throw .value("not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (t, v) in zip(targets, items) { try assign(v, to: t, in: scope) }
        case .namespaceRef(let name, let attribute):
            guard case .namespace(let ns) = scope.lookup(name) ?? environment.globals[name] ?? .none else {
                throw .runtime(kind: "TemplateRuntimeError", message: "cannot assign attribute on non-namespace object")
            }
            if attribute.hasPrefix("_") {
                throw .security(
                    message:
                        "Chat templates cannot store underscore-prefixed attributes on a namespace, but got \(PythonFormat.string(attribute)). Please rename the attribute."
                )
            }
            ns.set(attribute, value)
        default:
            throw .syntax(message: "can't assign to expression", line: 0)
        }
    }

    private func executeFor(
        target: Expr, iterable: Expr, body: [Statement], otherwise: [Statement], filter: Expr?, recursive: Bool,
        in scope: Scope, into out: inout String
    ) throws(JinjaError) {
        let recursion = LoopRun.Recursion(target: target, body: body, otherwise: otherwise, filter: filter, scope: scope)
        let items = try iterate(try evaluate(iterable, in: scope))
        try runLoop(items: items, recursion: recursion, depth: 1, recursive: recursive, into: &out)
    }

    /// Runs a loop body over `items`: the `if` filter first (so `loop.length`
    /// counts what is kept), a fresh frame per iteration (a `set` in the body
    /// is gone at the next one), `else` when nothing was iterated.
    func runLoop(
        items all: [Value], recursion r: LoopRun.Recursion, depth: Int, recursive: Bool = true, into out: inout String
    ) throws(JinjaError) {
        var items = all
        if let filter = r.filter {
            var kept: [Value] = []
            for item in items {
                let probe = Scope(parent: r.scope)
                try assign(item, to: r.target, in: probe)
                if try evaluate(filter, in: probe).isTruthy { kept.append(item) }
            }
            items = kept
        }
        let run = LoopRun(items: items, depth: depth, recursion: recursive ? r : nil)
        for (i, item) in items.enumerated() {
            let inner = Scope(parent: r.scope)
            try assign(item, to: r.target, in: inner)
            inner.set("loop", .loop(run, index: i))
            if try execute(r.body, in: inner, into: &out) == .breakLoop { break }
        }
        if items.isEmpty { try execute(r.otherwise, in: r.scope, into: &out) }
    }
}
