/// Positional and keyword arguments of a call, as Python passes them.
public struct Arguments: Sendable {
    public var positional: [Value]
    public var keyword: [(name: String, value: Value)]

    public init(_ positional: [Value] = [], keyword: [(name: String, value: Value)] = []) {
        self.positional = positional
        self.keyword = keyword
    }

    /// The keyword argument `name`, if given.
    public func keyword(_ name: String) -> Value? {
        keyword.first { $0.name == name }?.value
    }
}

/// Something a template can call: a global function, a macro, or a bound
/// method of a string, list or dict.
public struct Callable: Sendable {
    /// A function implemented in Swift.
    public typealias Body = @Sendable (Arguments) throws(JinjaError) -> Value

    enum Kind: Sendable {
        case builtin(Body)
        case macro(Macro)
        /// `receiver.name`, resolved when called (Python's bound method).
        case method(receiver: Box, name: String)
    }

    /// The name used in messages (`raise_exception`, `strip`, a macro's name).
    public let name: String
    let kind: Kind

    /// A callable implemented in Swift.
    public init(name: String, _ body: @escaping Body) {
        self.name = name
        kind = .builtin(body)
    }

    init(macro: Macro) {
        name = macro.definition.name
        kind = .macro(macro)
    }

    init(method name: String, of receiver: Value) {
        self.name = name
        kind = .method(receiver: Box(receiver), name: name)
    }

    /// Python's type name for this object, used in error messages.
    var typeName: String {
        switch kind {
        case .builtin: "function"
        case .macro: "Macro"
        case .method: "builtin_function_or_method"
        }
    }

    /// The receiver of a bound method.
    final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}

/// A `{% macro %}` (or the body of a `{% call %}` block) closed over the
/// scope it was defined in.
final class Macro: Sendable {
    let definition: MacroDefinition
    let scope: Scope
    init(definition: MacroDefinition, scope: Scope) {
        self.definition = definition
        self.scope = scope
    }
}
