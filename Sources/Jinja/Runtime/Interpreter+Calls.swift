extension Interpreter {
    /// Calls `callee` as Python would.
    func call(_ callee: Value, _ args: Arguments) throws(JinjaError) -> Value {
        switch callee {
        case .undefined:
            throw callee.undefinedError ?? .undefined(message: "undefined")
        case .callable(let c):
            switch c.kind {
            case .builtin(let body): return try body(args)
            case .macro(let macro): return try callMacro(macro, args)
            case .method(let receiver, let name): return try Methods.call(name, on: receiver.value, args, self)
            }
        case .loop(let run, _):
            guard let recursion = run.recursion else {
                throw .runtime(kind: "TypeError", message: "The loop must have the 'recursive' marker to be called recursively.")
            }
            guard args.positional.count == 1 else { throw .type("loop() takes exactly one argument") }
            var out = ""
            try nested().runLoop(
                items: try iterate(args.positional[0]), recursion: recursion, depth: run.depth + 1, into: &out)
            return .string(out)
        default:
            throw .type("'\(callee.pythonTypeName)' object is not callable")
        }
    }

    /// Runs a macro body in a frame of its own over the scope it was
    /// defined in, with jinja2's argument rules: missing arguments without
    /// a default are undefined; extra ones go to `varargs` / `kwargs` only
    /// if the body reads those names.
    func callMacro(_ macro: Macro, _ args: Arguments) throws(JinjaError) -> Value {
        let def = macro.definition
        let frame = Scope(parent: macro.scope)
        var keyword = args.keyword
        var caller: Value?
        if def.usesCaller, let i = keyword.firstIndex(where: { $0.name == "caller" }),
            !def.parameters.contains("caller")
        {
            caller = keyword.remove(at: i).value
        }
        let firstDefault = def.parameters.count - def.defaults.count
        for (i, name) in def.parameters.enumerated() {
            var value: Value?
            if i < args.positional.count {
                value = args.positional[i]
                if keyword.contains(where: { $0.name == name }) {
                    throw .type("macro '\(def.name)' got multiple values for argument '\(name)'")
                }
            } else if let k = keyword.firstIndex(where: { $0.name == name }) {
                value = keyword.remove(at: k).value
            } else if i >= firstDefault {
                value = try evaluate(def.defaults[i - firstDefault], in: frame)
            }
            frame.set(name, value ?? .undefined(message: "parameter \(PythonFormat.string(name)) was not provided"))
        }
        let extra = Array(args.positional.dropFirst(def.parameters.count))
        if !extra.isEmpty && !def.usesVarargs {
            throw .type("macro '\(def.name)' takes not more than \(def.parameters.count) argument(s)")
        }
        if !keyword.isEmpty && !def.usesKwargs {
            throw .type("macro '\(def.name)' takes no keyword argument '\(keyword[0].name)'")
        }
        if let caller { frame.set("caller", caller) }
        frame.set("varargs", .list(extra))
        frame.set("kwargs", .dict(ValueDict(keyword.map { ($0.name, $0.value) })))
        var out = ""
        try nested().execute(def.body, in: frame, into: &out)
        return .string(out)
    }

    /// `value | name(args)`.
    func applyFilter(_ name: String, to value: Value, args: CallArgs, in scope: Scope) throws(JinjaError) -> Value {
        try Filters.apply(name, to: value, try evaluateArguments(args, in: scope), self)
    }
}
