/// Filters over sequences and mappings. Those that return generators in
/// jinja2 (`map`, `select`, `reverse`, `items`, ...) return a one-shot
/// `.iterator` here too: truthy, without a length, exhausted after one walk.
extension Filters {
    static func sequenceFilter(_ name: String, _ value: Value, _ args: Arguments, _ interpreter: Interpreter)
        throws(JinjaError) -> Value?
    {
        switch name {
        case "length", "count":
            return .int(try length(value))
        case "list":
            return .list(try interpreter.iterate(value))
        case "first", "last":
            let empty = Value.undefined(message: "No \(name) item, sequence was empty.")
            if case .iterator(let it) = value {
                guard name == "first" else { throw .type("'\(it.typeName)' object is not reversible") }
                return it.next() ?? empty
            }
            let items = try interpreter.iterate(value)
            return (name == "first" ? items.first : items.last) ?? empty
        case "join":
            let a = try Signature.bind(name, args, [("d", Value.string("")), ("attribute", Value.none)])
            var items = try interpreter.iterate(value)
            if !a["attribute"].isNone {
                let getter = try attributeGetter(a["attribute"], interpreter)
                items = try items.map { v throws(JinjaError) in try getter(v) }
            }
            return .string(items.map(PythonFormat.str).joined(separator: PythonFormat.str(a["d"])))
        case "items":
            if value.isUndefined { return .iterator(ValueIterator([])) }
            guard case .dict(let d) = value else { throw .type("Can only get item pairs from a mapping.") }
            return .iterator(ValueIterator(d.entries.map { .tuple([$0.key, $0.value]) }))
        case "reverse":
            switch value {
            case .string(let s): return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
            case .list(let items): return .iterator(ValueIterator(items.reversed(), typeName: "list_reverseiterator"))
            case .tuple(let items): return .iterator(ValueIterator(items.reversed(), typeName: "reversed"))
            case .dict(let d): return .iterator(ValueIterator(d.keys.reversed(), typeName: "dict_reversekeyiterator"))
            case .undefined: return .iterator(ValueIterator([], typeName: "reversed"))
            case .iterator(let it): return .list(it.drain().reversed())  // not reversible: jinja2 falls back to a list
            default: throw .runtime(kind: "FilterArgumentError", message: "argument must be iterable")
            }
        case "map":
            return .iterator(ValueIterator(try map(value, args, interpreter)))
        case "select", "reject", "selectattr", "rejectattr":
            return .iterator(ValueIterator(try select(
                value, args, interpreter, keep: name.hasPrefix("select"), byAttribute: name.hasSuffix("attr"))))
        case "unique":
            let a = try Signature.bind(name, args, [("case_sensitive", .bool(false)), ("attribute", Value.none)])
            let key = try sortKey(a["attribute"], caseSensitive: a["case_sensitive"].isTruthy, interpreter)
            var seen: [Value] = []
            var out: [Value] = []
            for item in try interpreter.iterate(value) {
                let k = try key(item)
                if !seen.contains(where: { Operators.equals($0, k) }) {
                    seen.append(k)
                    out.append(item)
                }
            }
            return .iterator(ValueIterator(out))
        case "sort":
            let a = try Signature.bind(
                name, args, [("reverse", .bool(false)), ("case_sensitive", .bool(false)), ("attribute", Value.none)])
            let key = try sortKey(a["attribute"], caseSensitive: a["case_sensitive"].isTruthy, interpreter)
            return .list(try sorted(try interpreter.iterate(value), key: key, reverse: a["reverse"].isTruthy))
        case "dictsort":
            let a = try Signature.bind(
                name, args, [("case_sensitive", .bool(false)), ("by", "key"), ("reverse", .bool(false))])
            guard case .dict(let d) = value else { throw .runtime(kind: "AttributeError", message: "'\(value.pythonTypeName)' object has no attribute 'items'") }
            let by = PythonFormat.str(a["by"])
            guard by == "key" || by == "value" else {
                throw .runtime(kind: "FilterArgumentError", message: "You can only sort by either \"key\" or \"value\"")
            }
            let caseSensitive = a["case_sensitive"].isTruthy
            let pairs = d.entries.map { Value.tuple([$0.key, $0.value]) }
            return .list(try sorted(pairs, key: { v throws(JinjaError) in
                guard case .tuple(let kv) = v else { return v }
                let part = kv[by == "key" ? 0 : 1]
                return caseSensitive ? part : lowered(part)
            }, reverse: a["reverse"].isTruthy))
        case "min", "max":
            let a = try Signature.bind(name, args, [("case_sensitive", .bool(false)), ("attribute", Value.none)])
            let items = try interpreter.iterate(value)
            guard var best = items.first else { return .undefined(message: "No aggregated item, sequence was empty.") }
            let key = try attributeGetter(a["attribute"], interpreter, lower: !a["case_sensitive"].isTruthy)
            var bestKey = try key(best)
            for item in items.dropFirst() {
                let k = try key(item)
                let c = try Operators.order(k, bestKey, name == "min" ? "<" : ">")
                if name == "min" ? c < 0 : c > 0 {
                    best = item
                    bestKey = k
                }
            }
            return best
        case "sum":
            let a = try Signature.bind(name, args, [("attribute", Value.none), ("start", Value.int(0))])
            let getter = try attributeGetter(a["attribute"], interpreter)
            var total = a["start"]
            for item in try interpreter.iterate(value) { total = try Operators.binary(.add, total, try getter(item)) }
            return total
        case "batch":
            let a = try Signature.bind(name, args, [("linecount", nil), ("fill_with", Value.none)])
            guard let size = Operators.indexValue(a["linecount"]), size > 0 else { throw .value("batch size must be positive") }
            var batches: [Value] = []
            var current: [Value] = []
            for item in try interpreter.iterate(value) {
                if current.count == size {
                    batches.append(.list(current))
                    current = []
                }
                current.append(item)
            }
            if !current.isEmpty {
                if !(a["fill_with"].isNone) && current.count < size {
                    current += Array(repeating: a["fill_with"], count: size - current.count)
                }
                batches.append(.list(current))
            }
            return .iterator(ValueIterator(batches))
        default:
            return nil
        }
    }

    /// Python `len(value)`; undefined has length 0.
    static func length(_ value: Value) throws(JinjaError) -> Int {
        switch value {
        case .undefined: 0
        case .string(let s): s.unicodeScalars.count
        case .list(let a), .tuple(let a): a.count
        case .dict(let d): d.count
        default: throw .type("object of type '\(value.pythonTypeName)' has no len()")
        }
    }

    static func lowered(_ v: Value) -> Value {
        if case .string(let s) = v { return .string(s.lowercased()) }
        return v
    }

    typealias Getter = (Value) throws(JinjaError) -> Value

    /// jinja2's `make_attrgetter`: `"a.b.0"` walks items/attributes, digits
    /// as integer indexes; a nil attribute is the identity.
    static func attributeGetter(_ attribute: Value, _ interpreter: Interpreter, lower: Bool = false, default fallback: Value? = nil)
        throws(JinjaError) -> Getter
    {
        var parts: [Value] = []
        switch attribute {
        case .none: break
        case .string(let path):
            parts = path.split(separator: ".", omittingEmptySubsequences: false).map { part in
                part.allSatisfy(\.isASCII) && !part.isEmpty && part.allSatisfy(\.isNumber) ? .int(Int(part) ?? 0) : .string(String(part))
            }
        default: parts = [attribute]
        }
        return { item throws(JinjaError) in
            var v = item
            for part in parts {
                v = try interpreter.item(part, of: v)
                if let fallback, !fallback.isNone, v.isUndefined { v = fallback }
            }
            return lower ? lowered(v) : v
        }
    }

    /// The key of `sort` / `unique`: attributes separated by commas give a tuple.
    private static func sortKey(_ attribute: Value, caseSensitive: Bool, _ interpreter: Interpreter) throws(JinjaError) -> Getter {
        guard case .string(let s) = attribute, s.contains(",") else {
            return try attributeGetter(attribute, interpreter, lower: !caseSensitive)
        }
        var getters: [Getter] = []
        for part in s.split(separator: ",") {
            getters.append(try attributeGetter(.string(String(part)), interpreter, lower: !caseSensitive))
        }
        return { item throws(JinjaError) in
            var keys: [Value] = []
            for g in getters { keys.append(try g(item)) }
            return .list(keys)
        }
    }

    /// A stable sort by `key` with Python ordering (mixed types raise).
    private static func sorted(_ items: [Value], key: Getter, reverse: Bool) throws(JinjaError) -> [Value] {
        var keyed: [(key: Value, item: Value)] = []
        for item in items { keyed.append((try key(item), item)) }
        var failure: JinjaError?
        // Insertion-free merge sort keeps stability and lets the comparator throw.
        func mergeSort(_ a: [(key: Value, item: Value)]) -> [(key: Value, item: Value)] {
            if a.count <= 1 || failure != nil { return a }
            let mid = a.count / 2
            let l = mergeSort(Array(a[..<mid]))
            let r = mergeSort(Array(a[mid...]))
            var out: [(key: Value, item: Value)] = []
            var i = 0
            var j = 0
            while i < l.count && j < r.count {
                do {
                    // Python's sorted(reverse=True) keeps equal items in their original order too.
                    let c = try Operators.order(r[j].key, l[i].key, "<")
                    let takeRight = reverse ? c > 0 : c < 0
                    if takeRight {
                        out.append(r[j])
                        j += 1
                    } else {
                        out.append(l[i])
                        i += 1
                    }
                } catch {
                    failure = error
                    return a
                }
            }
            out += l[i...]
            out += r[j...]
            return out
        }
        let result = mergeSort(keyed)
        if let failure { throw failure }
        return result.map(\.item)
    }

    private static func map(_ value: Value, _ args: Arguments, _ interpreter: Interpreter) throws(JinjaError) -> [Value] {
        let items = try interpreter.iterate(value)
        if args.positional.isEmpty, let attribute = args.keyword("attribute") {
            if let extra = args.keyword.first(where: { $0.name != "attribute" && $0.name != "default" }) {
                throw .runtime(kind: "FilterArgumentError", message: "Unexpected keyword argument '\(extra.name)'")
            }
            let getter = try attributeGetter(attribute, interpreter, default: args.keyword("default"))
            return try items.map { v throws(JinjaError) in try getter(v) }
        }
        guard case .string(let filter)? = args.positional.first else {
            throw .runtime(kind: "FilterArgumentError", message: "map requires a filter argument")
        }
        let rest = Arguments(Array(args.positional.dropFirst()), keyword: args.keyword)
        return try items.map { v throws(JinjaError) in try apply(filter, to: v, rest, interpreter) }
    }

    private static func select(
        _ value: Value, _ args: Arguments, _ interpreter: Interpreter, keep: Bool, byAttribute: Bool
    ) throws(JinjaError) -> [Value] {
        guard value.isTruthy else { return [] }
        var positional = args.positional
        var transform: Getter = { $0 }
        if byAttribute {
            guard !positional.isEmpty else {
                throw .runtime(kind: "FilterArgumentError", message: "Missing parameter for attribute name")
            }
            transform = try attributeGetter(positional.removeFirst(), interpreter)
        }
        var test: String?
        if !positional.isEmpty { test = PythonFormat.str(positional.removeFirst()) }
        let testArgs = Arguments(positional, keyword: args.keyword)
        var out: [Value] = []
        for item in try interpreter.iterate(value) {
            let subject = try transform(item)
            let passed = try test.map { t throws(JinjaError) in try Tests.run(t, subject, testArgs, interpreter) } ?? subject.isTruthy
            if passed == keep { out.append(item) }
        }
        return out
    }
}

extension Value {
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
