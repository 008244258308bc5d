/// Python methods of strings, dicts, lists and tuples, as a template can
/// call them (`message.content.strip()`, `tool.get('x')`). Methods that
/// would mutate a list or dict are refused, as jinja2's
/// `ImmutableSandboxedEnvironment` refuses them.
enum Methods {
    static let stringMethods: Set<String> = [
        "capitalize", "casefold", "center", "count", "endswith", "expandtabs", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
        "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip",
        "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition",
        "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill",
    ]
    static let dictMethods: Set<String> = ["copy", "fromkeys", "get", "items", "keys", "values"]
    static let dictMutators: Set<String> = ["clear", "pop", "popitem", "setdefault", "update"]
    static let listMethods: Set<String> = ["copy", "count", "index"]
    static let listMutators: Set<String> = ["append", "clear", "pop", "reverse", "insert", "sort", "extend", "remove"]
    static let tupleMethods: Set<String> = ["count", "index"]

    /// The bound method `object.name`, nil when the type has no such method;
    /// a mutating method gives an undefined value that raises `SecurityError`.
    static func lookup(_ name: String, on object: Value) -> Value? {
        let (methods, mutators): (Set<String>, Set<String>)
        switch object {
        case .string: (methods, mutators) = (stringMethods, [])
        case .dict: (methods, mutators) = (dictMethods, dictMutators)
        case .list: (methods, mutators) = (listMethods, listMutators)
        case .tuple: (methods, mutators) = (tupleMethods, [])
        default: return nil
        }
        if methods.contains(name) { return .callable(Callable(method: name, of: object)) }
        if mutators.contains(name) {
            return .undefined(
                message: "access to attribute '\(name)' of '\(object.pythonTypeName)' object is unsafe.",
                security: true)
        }
        return nil
    }

    static func call(_ name: String, on receiver: Value, _ args: Arguments, _ interpreter: Interpreter)
        throws(JinjaError) -> Value
    {
        switch receiver {
        case .string(let s): return try StringMethods.call(name, s, args, interpreter)
        case .dict(let d): return try dictMethod(name, d, args)
        case .list(let items), .tuple(let items): return try sequenceMethod(name, items, receiver, args)
        default: throw .type("'\(receiver.pythonTypeName)' object has no attribute '\(name)'")
        }
    }

    private static func dictMethod(_ name: String, _ d: ValueDict, _ args: Arguments) throws(JinjaError) -> Value {
        switch name {
        case "get":
            let a = try Signature.bind("get", args, [("key", nil), ("default", Value.none)])
            return d[a["key"]] ?? a["default"]
        case "items": return .list(d.entries.map { .tuple([$0.key, $0.value]) })
        case "keys": return .list(d.keys)
        case "values": return .list(d.values)
        case "copy": return .dict(d)
        default: throw .type("dict.\(name)() is not supported in templates")
        }
    }

    private static func sequenceMethod(_ name: String, _ items: [Value], _ receiver: Value, _ args: Arguments)
        throws(JinjaError) -> Value
    {
        switch name {
        case "count":
            guard let x = args.positional.first else { throw .type("count() takes exactly one argument (0 given)") }
            return .int(items.filter { Operators.equals($0, x) }.count)
        case "index":
            guard let x = args.positional.first else { throw .type("index expected at least 1 argument, got 0") }
            guard let i = items.firstIndex(where: { Operators.equals($0, x) }) else {
                throw .value("\(PythonFormat.repr(x)) is not in \(receiver.pythonTypeName)")
            }
            return .int(i)
        case "copy": return receiver
        default: throw .type("\(receiver.pythonTypeName).\(name)() is not supported in templates")
        }
    }
}
