/// The `loop` variable inside `{% for %}`: jinja2's `LoopContext`
/// attributes, computed up front since the items are known.
enum LoopContext {
    /// The `loop` value for iteration `index` (0-based) over `items`.
    static func make(index: Int, items: [Value], depth: Int) -> Value {
        let length = items.count
        var d = ValueDict()
        d["index"] = .int(index + 1)
        d["index0"] = .int(index)
        d["revindex"] = .int(length - index)
        d["revindex0"] = .int(length - index - 1)
        d["first"] = .bool(index == 0)
        d["last"] = .bool(index == length - 1)
        d["length"] = .int(length)
        d["depth"] = .int(depth)
        d["depth0"] = .int(depth - 1)
        if index > 0 { d["previtem"] = items[index - 1] }
        if index + 1 < length { d["nextitem"] = items[index + 1] }
        d["cycle"] = .callable(
            Callable(name: "cycle") { args throws(JinjaError) in
                guard !args.positional.isEmpty else { throw .type("no items for cycling given") }
                return args.positional[index % args.positional.count]
            })
        return .dict(d)
    }
}
