/// Python's `sequence[start:stop:step]` on lists, tuples and strings
/// (strings by code point, as Python indexes them).
enum Slicing {
    static func slice(_ target: Value, start: Value, stop: Value, step: Value) throws(JinjaError) -> Value {
        if let e = target.undefinedError { throw e }
        let stepValue = try bound(step) ?? 1
        guard stepValue != 0 else { throw .value("slice step cannot be zero") }
        let a = try bound(start)
        let b = try bound(stop)
        switch target {
        case .list(let items):
            return .list(indices(count: items.count, start: a, stop: b, step: stepValue).map { items[$0] })
        case .tuple(let items):
            return .tuple(indices(count: items.count, start: a, stop: b, step: stepValue).map { items[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in indices(count: scalars.count, start: a, stop: b, step: stepValue) { out.append(scalars[i]) }
            return .string(String(out))
        default:
            return .undefined(message: "\(target.typeDescription) has no element slice")
        }
    }

    private static func bound(_ v: Value) throws(JinjaError) -> Int? {
        if case .none = v { return nil }
        guard let i = Operators.indexValue(v) else {
            throw .type("slice indices must be integers or None or have an __index__ method")
        }
        return i
    }

    /// The positions Python's `slice(start, stop, step).indices(count)` walks.
    static func indices(count: Int, start: Int?, stop: Int?, step: Int) -> [Int] {
        let lower = step < 0 ? -1 : 0
        let upper = step < 0 ? count - 1 : count
        func clamp(_ v: Int?, _ fallback: Int) -> Int {
            guard var v else { return fallback }
            if v < 0 {
                v += count
                if v < 0 { v = lower }
            } else if v > upper {
                v = upper
            }
            return v
        }
        let first = clamp(start, step < 0 ? upper : lower)
        let end = clamp(stop, step < 0 ? lower : upper)
        var out: [Int] = []
        var i = first
        while step > 0 ? i < end : i > end {
            out.append(i)
            i += step
        }
        return out
    }
}
