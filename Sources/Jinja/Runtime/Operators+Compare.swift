extension Operators {
    static func compare(_ op: CompareOp, _ l: Value, _ r: Value) throws(JinjaError) -> Bool {
        switch op {
        case .eq: return equals(l, r)
        case .ne: return !equals(l, r)
        case .lt: return try order(l, r, "<") < 0
        case .le: return try order(l, r, "<=") <= 0
        case .gt: return try order(l, r, ">") > 0
        case .ge: return try order(l, r, ">=") >= 0
        case .in: return try contains(r, l)
        case .notIn: return !(try contains(r, l))
        }
    }

    /// Python `==`.
    static func equals(_ l: Value, _ r: Value) -> Bool {
        if let a = Number(l), let b = Number(r) {
            if case .int(let x) = a, case .int(let y) = b { return x == y }
            return a.double == b.double
        }
        switch (l, r) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equals($0, $1) }
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            return a.entries.allSatisfy { e in b[e.key].map { equals(e.value, $0) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        case (.loop(let a, let i), .loop(let b, let j)): return a === b && i == j
        case (.iterator(let a), .iterator(let b)): return a === b
        default: return false
        }
    }

    /// Python ordering: -1, 0 or 1; types that Python cannot order raise
    /// `TypeError` naming `symbol`.
    static func order(_ l: Value, _ r: Value, _ symbol: String) throws(JinjaError) -> Int {
        if let e = l.undefinedError ?? r.undefinedError { throw e }
        if let a = Number(l), let b = Number(r) {
            if case .int(let x) = a, case .int(let y) = b { return x < y ? -1 : x > y ? 1 : 0 }
            let x = a.double
            let y = b.double
            return x < y ? -1 : x > y ? 1 : 0
        }
        switch (l, r) {
        case (.string(let a), .string(let b)):
            // Python orders strings by code point.
            for (x, y) in zip(a.unicodeScalars, b.unicodeScalars) where x != y {
                return x.value < y.value ? -1 : 1
            }
            let (m, n) = (a.unicodeScalars.count, b.unicodeScalars.count)
            return m < n ? -1 : m > n ? 1 : 0
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where !equals(x, y) {
                return try order(x, y, symbol)
            }
            return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
        default:
            throw .type(
                "'\(symbol)' not supported between instances of '\(l.pythonTypeName)' and '\(r.pythonTypeName)'")
        }
    }

    /// Python `needle in container`.
    static func contains(_ container: Value, _ needle: Value) throws(JinjaError) -> Bool {
        switch container {
        case .undefined: return false
        case .string(let s):
            guard case .string(let n) = needle else {
                throw .type("'in <string>' requires string as left operand, not \(needle.pythonTypeName)")
            }
            return StringMethods.contains(s, n)
        case .list(let items), .tuple(let items):
            return items.contains { equals($0, needle) }
        case .iterator(let it):
            // Python consumes the iterator up to the match.
            while let item = it.next() { if equals(item, needle) { return true } }
            return false
        case .dict(let d):
            switch needle {
            case .list, .dict: throw .type("unhashable type: '\(needle.pythonTypeName)'")
            case .namespace, .callable, .loop, .iterator: return false  // hashable by identity, never a JSON key
            default: return d[needle] != nil
            }
        default:
            throw .type("argument of type '\(container.pythonTypeName)' is not iterable")
        }
    }
}

extension Value: Equatable {
    /// Python `==` (so `1 == 1.0 == True`, dicts compare without order).
    public static func == (a: Value, b: Value) -> Bool { Operators.equals(a, b) }
}
