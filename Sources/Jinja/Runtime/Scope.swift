import Synchronization

/// Variables visible at one point of a render: a frame and its parent
/// frames. `for` iterations, macro calls and `with` blocks get a frame of
/// their own, so `set` inside them does not change the outer variable
/// (jinja2's scoping, the reason templates use `namespace()`).
final class Scope: Sendable {
    let parent: Scope?
    private let variables: Mutex<[String: Value]>

    init(parent: Scope?, _ variables: [String: Value] = [:]) {
        self.parent = parent
        self.variables = Mutex(variables)
    }

    /// The innermost binding of `name`, nil when no frame has it.
    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let s = scope {
            if let v = s.variables.withLock({ $0[name] }) { return v }
            scope = s.parent
        }
        return nil
    }

    /// Binds `name` in this frame.
    func set(_ name: String, _ value: Value) {
        variables.withLock { $0[name] = value }
    }
}
