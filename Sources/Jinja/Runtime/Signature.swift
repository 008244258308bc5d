/// Binds call arguments to a Python-style parameter list, so filters and
/// methods accept arguments by position or by name as their Python
/// counterparts do.
enum Signature {
    /// Every parameter's value after binding.
    struct Bound {
        fileprivate var values: [String: Value] = [:]

        /// The value of a parameter of the signature (always bound: a
        /// default or an argument).
        subscript(name: String) -> Value { values[name] ?? .none }
    }

    /// `parameters` in order, each with its default (nil: required).
    static func bind(_ function: String, _ args: Arguments, _ parameters: [(name: String, default: Value?)])
        throws(JinjaError) -> Bound
    {
        if args.positional.count > parameters.count {
            throw .type(
                "\(function)() takes at most \(parameters.count) argument(s) (\(args.positional.count) given)")
        }
        var bound: [String: Value] = [:]
        for (i, v) in args.positional.enumerated() { bound[parameters[i].name] = v }
        for (name, value) in args.keyword {
            guard parameters.contains(where: { $0.name == name }) else {
                throw .type("\(function)() got an unexpected keyword argument '\(name)'")
            }
            if bound[name] != nil { throw .type("\(function)() got multiple values for argument '\(name)'") }
            bound[name] = value
        }
        for p in parameters where bound[p.name] == nil {
            guard let d = p.default else { throw .type("\(function)() missing required argument '\(p.name)'") }
            bound[p.name] = d
        }
        return Bound(values: bound)
    }
}
