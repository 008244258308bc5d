import Synchronization

/// The object `namespace(...)` returns: attributes a template can assign
/// with `{% set ns.attr = ... %}` from inside loops, where a plain `set`
/// would only change a loop-local variable.
public final class Namespace: Sendable {
    private let storage: Mutex<ValueDict>

    /// A namespace holding `attributes` (in the order given).
    public init(_ attributes: ValueDict = ValueDict()) {
        storage = Mutex(attributes)
    }

    /// The attribute `name`, nil when it was never set.
    public subscript(name: String) -> Value? {
        storage.withLock { $0[name] }
    }

    /// Sets attribute `name`.
    func set(_ name: String, _ value: Value) {
        storage.withLock { $0[name] = value }
    }

    /// A copy of the attributes, in assignment order.
    var attributes: ValueDict { storage.withLock { $0 } }
}
