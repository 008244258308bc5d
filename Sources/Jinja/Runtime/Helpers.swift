import Synchronization

/// jinja2's default global `joiner`, and a `lipsum` that is defined but
/// refuses to run (it draws random text). (`cycler` is not provided.)
enum Helpers {
    /// `joiner(sep)`: a callable that returns "" the first time, then `sep`.
    static let joiner = Value.callable(Callable(name: "joiner") { args throws(JinjaError) in
        let separator = args.positional.first ?? args.keyword("sep") ?? ", "
        let used = Shared(false)
        return .callable(Callable(name: "joiner") { _ throws(JinjaError) in
            used.state.withLock { wasUsed in
                defer { wasUsed = true }
                return wasUsed ? separator : ""
            }
        })
    })

    static let lipsum = Value.callable(Callable(name: "generate_lorem_ipsum") { _ throws(JinjaError) in
        throw .runtime(kind: "TemplateRuntimeError", message: "lipsum() is not supported by this engine")
    })

    final class Shared<State: Sendable>: Sendable {
        let state: Mutex<State>
        init(_ initial: State) { state = Mutex(initial) }
    }
}
