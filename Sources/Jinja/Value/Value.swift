/// A value as a Jinja template sees it: the Python objects that transformers
/// hands to `apply_chat_template` (JSON-like data) plus the few runtime
/// objects a template can make (macros, namespaces, bound methods).
///
/// Printing, truthiness, equality and ordering follow Python, because
/// templates print values with `str()` and branch on Python truthiness.
public enum Value: Sendable {
    /// Jinja's default `Undefined`: prints empty, is falsy, iterates as empty;
    /// any other use fails with `message` (a `SecurityError` when `security`:
    /// the sandbox refused the attribute that produced it).
    case undefined(message: String, security: Bool = false)
    /// Python `None`.
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// A Python list.
    case list([Value])
    /// A Python tuple (what `dict.items()` yields, or `(a, b)` in a template).
    case tuple([Value])
    /// A Python dict: insertion ordered.
    case dict(ValueDict)
    /// `namespace(...)`: the one mutable object a template can build.
    case namespace(Namespace)
    /// Anything that can be called: macros, globals, bound methods.
    case callable(Callable)
    /// The `loop` variable of iteration `index` of a `{% for %}` run.
    case loop(LoopRun, index: Int)
    /// A one-shot iterator (what `map`, `select`, `reverse`... return).
    case iterator(ValueIterator)

    /// An undefined value for a missing variable, with jinja2's message.
    static func undefinedName(_ name: String) -> Value {
        .undefined(message: "\(PythonFormat.repr(.string(name))) is undefined")
    }

    /// The error raised when an undefined value is used.
    var undefinedError: JinjaError? {
        guard case .undefined(let message, let security) = self else { return nil }
        return security ? .security(message: message) : .undefined(message: message)
    }

    /// An undefined value for a missing attribute of `owner`.
    static func undefinedAttribute(_ name: String, of owner: Value) -> Value {
        .undefined(message: "'\(owner.typeDescription)' has no attribute \(PythonFormat.repr(.string(name)))")
    }

    /// An undefined value for a missing item (a non-string key) of `owner`.
    static func undefinedElement(_ key: Value, of owner: Value) -> Value {
        .undefined(message: "\(owner.typeDescription) has no element \(PythonFormat.repr(key))")
    }

    /// jinja2's `object_type_repr`: `dict object`, `None`, ...
    var typeDescription: String {
        switch self {
        case .none: return "None"
        // Classes outside builtins are named with their module, as jinja2 does.
        case .namespace: return "transformers.utils.chat_template_utils.TemplateNamespace object"
        case .loop: return "jinja2.runtime.LoopContext object"
        case .callable(let c):
            if case .macro = c.kind { return "jinja2.runtime.Macro object" }
            return "\(pythonTypeName) object"
        default: return "\(pythonTypeName) object"
        }
    }

    /// The Python type name (`str`, `int`, `dict`, ...), used in error messages.
    var pythonTypeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .namespace: "Namespace"
        case .callable(let c): c.typeName
        case .loop: "LoopContext"
        case .iterator(let it): it.typeName
        }
    }

    /// True for `.undefined`.
    public var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python truthiness.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .float(let d): d != 0
        case .string(let s): !s.isEmpty
        case .list(let a), .tuple(let a): !a.isEmpty
        case .dict(let d): !d.isEmpty
        case .namespace, .callable, .iterator: true
        case .loop(let run, _): !run.items.isEmpty
        }
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .none }
    public init(dictionaryLiteral elements: (String, Value)...) {
        var d = ValueDict()
        for (k, v) in elements { d[.string(k)] = v }
        self = .dict(d)
    }
}
