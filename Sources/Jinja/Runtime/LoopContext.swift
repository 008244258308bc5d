import Synchronization

/// One run of a `{% for %}` loop: what jinja2's `LoopContext` knows. The
/// `loop` variable of iteration `i` is `.loop(run, index: i)`.
public final class LoopRun: Sendable {
    let items: [Value]
    /// 1 for a loop; `loop(children)` in a recursive loop goes one deeper.
    let depth: Int
    /// Set for `{% for ... recursive %}`: calling `loop(items)` renders the
    /// same body over `items`.
    let recursion: Recursion?
    /// The last arguments of `loop.changed(...)`.
    private let lastChanged = Mutex<[Value]?>(nil)

    struct Recursion: Sendable {
        let target: Expr
        let body: [Statement]
        let otherwise: [Statement]
        let filter: Expr?
        let scope: Scope
    }

    init(items: [Value], depth: Int, recursion: Recursion?) {
        self.items = items
        self.depth = depth
        self.recursion = recursion
    }

    /// `loop.<name>` at iteration `index`.
    func attribute(_ name: String, index: Int) -> Value? {
        let length = items.count
        switch name {
        case "index": return .int(index + 1)
        case "index0": return .int(index)
        case "revindex": return .int(length - index)
        case "revindex0": return .int(length - index - 1)
        case "first": return .bool(index == 0)
        case "last": return .bool(index == length - 1)
        case "length": return .int(length)
        case "depth": return .int(depth)
        case "depth0": return .int(depth - 1)
        case "previtem":
            return index > 0 ? items[index - 1] : .undefined(message: "there is no previous item")
        case "nextitem":
            return index + 1 < length ? items[index + 1] : .undefined(message: "there is no next item")
        case "cycle":
            return .callable(Callable(name: "cycle") { args throws(JinjaError) in
                guard !args.positional.isEmpty else { throw .type("no items for cycling given") }
                return args.positional[index % args.positional.count]
            })
        case "changed":
            return .callable(Callable(name: "changed") { [self] args throws(JinjaError) in
                let value = args.positional
                return .bool(lastChanged.withLock { last in
                    if let last, last.count == value.count, zip(last, value).allSatisfy({ Operators.equals($0, $1) }) {
                        return false
                    }
                    last = value
                    return true
                })
            })
        default: return nil
        }
    }
}
