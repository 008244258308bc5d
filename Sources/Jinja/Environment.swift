import Foundation

/// The global functions a template can call. `transformers` gives what
/// transformers' chat-template environment has: jinja2's `range`, `dict`
/// and `namespace`, plus `raise_exception` and `strftime_now`.
public struct Environment: Sendable {
    /// Names visible to every template, under the render context.
    public var globals: [String: Value]

    public init(globals: [String: Value]) {
        self.globals = globals
    }

    /// jinja2's sandbox refuses ranges longer than this.
    static let maxRange = 100_000

    /// transformers' environment.
    /// - Parameters:
    ///   - now: the clock `strftime_now` reads (tests freeze it).
    ///   - timeZone: the zone `now` is shown in; transformers uses the
    ///     machine's local time (`datetime.now()`).
    public static func transformers(
        now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current
    ) -> Environment {
        var globals: [String: Value] = [:]
        globals["raise_exception"] = .callable(Callable(name: "raise_exception") { args throws(JinjaError) in
            let message = args.positional.first ?? args.keyword("message") ?? .none
            throw .raised(message: PythonFormat.str(message))
        })
        globals["strftime_now"] = .callable(Callable(name: "strftime_now") { args throws(JinjaError) in
            guard let format = args.positional.first ?? args.keyword("format") else {
                throw .type("strftime_now() missing 1 required positional argument: 'format'")
            }
            return .string(Strftime.format(PythonFormat.str(format), date: now(), timeZone: timeZone))
        })
        globals["namespace"] = .callable(Callable(name: "namespace") { args throws(JinjaError) in
            let attributes = try dictionary(args)
            for key in attributes.keys {
                if case .string(let k) = key, k.hasPrefix("_") {
                    throw .security(message: "Chat templates cannot store underscore-prefixed attributes on a namespace, but got \(PythonFormat.string(k)). Please rename the attribute.")
                }
            }
            return .namespace(Namespace(attributes))
        })
        globals["dict"] = .callable(Callable(name: "dict") { args throws(JinjaError) in .dict(try dictionary(args)) })
        globals["range"] = .callable(Callable(name: "range") { args throws(JinjaError) in try range(args) })
        globals["joiner"] = Helpers.joiner
        globals["lipsum"] = Helpers.lipsum
        return Environment(globals: globals)
    }

    /// Python `dict(*args, **kwargs)`: a mapping or pairs, then keywords.
    static func dictionary(_ args: Arguments) throws(JinjaError) -> ValueDict {
        guard args.positional.count <= 1 else {
            throw .type("dict expected at most 1 argument, got \(args.positional.count)")
        }
        var d = ValueDict()
        switch args.positional.first {
        case nil: break
        case .dict(let m)?: d = m
        case .list(let pairs)?, .tuple(let pairs)?:
            for (i, pair) in pairs.enumerated() {
                let kv: [Value]
                switch pair {
                case .list(let items), .tuple(let items): kv = items
                default: throw .type("cannot convert dictionary update sequence element #\(i) to a sequence")
                }
                guard kv.count == 2 else {
                    throw .value("dictionary update sequence element #\(i) has length \(kv.count); 2 is required")
                }
                guard kv[0].isHashable else { throw .type("unhashable type: '\(kv[0].pythonTypeName)'") }
                d[kv[0]] = kv[1]
            }
        case let other?:
            throw .type("'\(other.pythonTypeName)' object is not iterable")
        }
        for (k, v) in args.keyword { d[.string(k)] = v }
        return d
    }

    /// The sandbox's `range`.
    static func range(_ args: Arguments) throws(JinjaError) -> Value {
        let ints = args.positional.map(Operators.indexValue)
        guard !ints.isEmpty, ints.count <= 3, ints.allSatisfy({ $0 != nil }) else {
            throw .type("range expected 1 to 3 integer arguments")
        }
        let n = ints.map { $0! }
        let (start, stop, step) = n.count == 1 ? (0, n[0], 1) : (n[0], n[1], n.count == 3 ? n[2] : 1)
        guard step != 0 else { throw .value("range() arg 3 must not be zero") }
        let count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
        guard count <= maxRange else {
            throw .runtime(kind: "OverflowError", message: "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maxRange)).")
        }
        return .list((0..<count).map { .int(start + $0 * step) })
    }
}
