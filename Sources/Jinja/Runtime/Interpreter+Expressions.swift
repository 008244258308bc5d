extension Interpreter {
    func evaluate(_ expr: Expr, in scope: Scope) throws(JinjaError) -> Value {
        switch expr {
        case .constant(let v):
            return v
        case .name(let n):
            return scope.lookup(n) ?? environment.globals[n] ?? .undefinedName(n)
        case .namespaceRef(let n, let attr):
            return try attribute(attr, of: scope.lookup(n) ?? .undefinedName(n))
        case .tuple(let items):
            return .tuple(try items.map { e throws(JinjaError) in try evaluate(e, in: scope) })
        case .list(let items):
            return .list(try items.map { e throws(JinjaError) in try evaluate(e, in: scope) })
        case .dict(let pairs):
            var d = ValueDict()
            for pair in pairs {
                let key = try evaluate(pair.key, in: scope)
                guard key.isHashable else { throw .type("unhashable type: '\(key.pythonTypeName)'") }
                d[key] = try evaluate(pair.value, in: scope)
            }
            return .dict(d)
        case .attribute(let object, let name):
            return try attribute(name, of: try evaluate(object, in: scope))
        case .item(let object, .slice(let start, let stop, let step)):
            let target = try evaluate(object, in: scope)
            func bound(_ e: Expr?) throws(JinjaError) -> Value {
                guard let e else { return .none }
                return try evaluate(e, in: scope)
            }
            return try Slicing.slice(target, start: try bound(start), stop: try bound(stop), step: try bound(step))
        case .item(let object, let key):
            return try item(try evaluate(key, in: scope), of: try evaluate(object, in: scope))
        case .slice:
            throw .type("a slice is only valid inside []")
        case .call(let callee, let args):
            return try call(try evaluate(callee, in: scope), try evaluateArguments(args, in: scope))
        case .filter(let input, let name, let args):
            let value = try input.map { e throws(JinjaError) in try evaluate(e, in: scope) } ?? .none
            return try applyFilter(name, to: value, args: args, in: scope)
        case .test(let value, let name, let args):
            let subject = try evaluate(value, in: scope)
            return .bool(try Tests.run(name, subject, try evaluateArguments(args, in: scope), self))
        case .not(let e):
            return .bool(!(try evaluate(e, in: scope).isTruthy))
        case .negate(let e):
            return try Operators.negate(try evaluate(e, in: scope))
        case .plus(let e):
            return try Operators.plus(try evaluate(e, in: scope))
        case .binary(let op, let l, let r):
            return try Operators.binary(op, try evaluate(l, in: scope), try evaluate(r, in: scope))
        case .and(let l, let r):
            let left = try evaluate(l, in: scope)
            return left.isTruthy ? try evaluate(r, in: scope) : left
        case .or(let l, let r):
            let left = try evaluate(l, in: scope)
            return left.isTruthy ? left : try evaluate(r, in: scope)
        case .concat(let parts):
            var s = ""
            for p in parts { s += try stringify(try evaluate(p, in: scope)) }
            return .string(s)
        case .compare(let first, let ops):
            var left = try evaluate(first, in: scope)
            for (op, rhs) in ops {
                let right = try evaluate(rhs, in: scope)
                if !(try Operators.compare(op, left, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let test, let then, let otherwise):
            if try evaluate(test, in: scope).isTruthy { return try evaluate(then, in: scope) }
            if let otherwise { return try evaluate(otherwise, in: scope) }
            return .undefined(message: "the inline if-expression evaluated to false and no else section was defined.")
        }
    }

    func evaluateArguments(_ args: CallArgs, in scope: Scope) throws(JinjaError) -> Arguments {
        var result = Arguments()
        for a in args.positional { result.positional.append(try evaluate(a, in: scope)) }
        for k in args.keyword { result.keyword.append((k.name, try evaluate(k.value, in: scope))) }
        if let star = args.starArgs { result.positional += try iterate(try evaluate(star, in: scope)) }
        if let starStar = args.starKwargs {
            guard case .dict(let d) = try evaluate(starStar, in: scope) else {
                throw .type("argument after ** must be a mapping")
            }
            for e in d.entries {
                guard case .string(let k) = e.key else { throw .type("keywords must be strings") }
                result.keyword.append((k, e.value))
            }
        }
        return result
    }

    /// `object.name`: jinja2's sandboxed `getattr` (a Python attribute,
    /// such as a method, first; then the item `name`).
    func attribute(_ name: String, of object: Value) throws(JinjaError) -> Value {
        if let error = object.undefinedError { throw error }
        if let method = Methods.lookup(name, on: object) { return method }
        switch object {
        case .dict(let d):
            return d[name] ?? .undefinedAttribute(name, of: object)
        case .namespace(let ns):
            return ns[name] ?? .undefinedAttribute(name, of: object)
        case .loop(let run, let index):
            return run.attribute(name, index: index) ?? .undefinedAttribute(name, of: object)
        default:
            return .undefinedAttribute(name, of: object)
        }
    }

    /// `object[key]`: jinja2's sandboxed `getitem` (the item first; for a
    /// string key, then the attribute).
    func item(_ key: Value, of object: Value) throws(JinjaError) -> Value {
        if let error = object.undefinedError { throw error }
        switch object {
        case .dict(let d):
            if let v = d[key] { return v }
        case .list(let items), .tuple(let items):
            if let i = Operators.indexValue(key) {
                let j = i < 0 ? i + items.count : i
                if j >= 0 && j < items.count { return items[j] }
            }
        case .string(let s):
            if let i = Operators.indexValue(key) {
                let scalars = Array(s.unicodeScalars)
                let j = i < 0 ? i + scalars.count : i
                if j >= 0 && j < scalars.count { return .string(String(scalars[j])) }
            }
        default:
            break
        }
        if case .string(let name) = key {
            if let method = Methods.lookup(name, on: object) { return method }
            if case .namespace(let ns) = object, let v = ns[name] { return v }
            return .undefinedAttribute(name, of: object)
        }
        return .undefinedElement(key, of: object)
    }

    /// The items a `for` loop (or `list`, `join`, unpacking) walks: a
    /// dict's keys, a string's characters; undefined walks as empty.
    func iterate(_ value: Value) throws(JinjaError) -> [Value] {
        switch value {
        case .undefined: return []
        case .list(let items), .tuple(let items): return items
        case .iterator(let it): return it.drain()
        case .dict(let d): return d.keys
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        default: throw .type("'\(value.pythonTypeName)' object is not iterable")
        }
    }
}
