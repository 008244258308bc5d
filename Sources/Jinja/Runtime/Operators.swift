import Foundation

/// Python's arithmetic, comparison and membership operators on values,
/// with Python's error messages. Integers are 64-bit: a result that would
/// need Python's big integers fails with `OverflowError` instead of trapping.
enum Operators {
    /// A number as Python's numeric tower sees it (bool is an int).
    enum Number {
        case int(Int)
        case float(Double)

        init?(_ v: Value) {
            switch v {
            case .bool(let b): self = .int(b ? 1 : 0)
            case .int(let i): self = .int(i)
            case .float(let d): self = .float(d)
            default: return nil
            }
        }

        var double: Double {
            switch self {
            case .int(let i): Double(i)
            case .float(let d): d
            }
        }
    }

    /// An integer usable as an index (int or bool).
    static func indexValue(_ v: Value) -> Int? {
        switch v {
        case .int(let i): i
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    static func negate(_ v: Value) throws(JinjaError) -> Value {
        if let e = v.undefinedError { throw e }
        switch Number(v) {
        case .int(let i)?:
            guard i != Int.min else { throw overflow }
            return .int(-i)
        case .float(let d)?: return .float(-d)
        case nil: throw .type("bad operand type for unary -: '\(v.pythonTypeName)'")
        }
    }

    static func plus(_ v: Value) throws(JinjaError) -> Value {
        if let e = v.undefinedError { throw e }
        switch Number(v) {
        case .int(let i)?: return .int(i)
        case .float(let d)?: return .float(d)
        case nil: throw .type("bad operand type for unary +: '\(v.pythonTypeName)'")
        }
    }

    static let overflow = JinjaError.runtime(kind: "OverflowError", message: "integer result too large")

    static func binary(_ op: BinaryOp, _ l: Value, _ r: Value) throws(JinjaError) -> Value {
        if let e = l.undefinedError ?? r.undefinedError { throw e }
        if let a = Number(l), let b = Number(r) { return try arithmetic(op, a, b) }
        switch (op, l, r) {
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (.add, .tuple(let a), .tuple(let b)): return .tuple(a + b)
        case (.add, .string, _): throw .type("can only concatenate str (not \"\(r.pythonTypeName)\") to str")
        case (.add, .list, _): throw .type("can only concatenate list (not \"\(r.pythonTypeName)\") to list")
        case (.add, .tuple, _): throw .type("can only concatenate tuple (not \"\(r.pythonTypeName)\") to tuple")
        case (.mul, .string(let s), _):
            if let n = indexValue(r) { return .string(try repeated(s, n)) }
        case (.mul, _, .string(let s)):
            if let n = indexValue(l) { return .string(try repeated(s, n)) }
        case (.mul, .list(let a), _):
            if let n = indexValue(r) { return .list(try repeated(a, n)) }
        case (.mul, _, .list(let a)):
            if let n = indexValue(l) { return .list(try repeated(a, n)) }
        case (.mul, .tuple(let a), _):
            if let n = indexValue(r) { return .tuple(try repeated(a, n)) }
        case (.mul, _, .tuple(let a)):
            if let n = indexValue(l) { return .tuple(try repeated(a, n)) }
        case (.mod, .string(let format), _):
            return .string(try PercentFormat.format(format, r))
        default: break
        }
        if op == .mul {
            // Python names the operand that is not an int when a sequence is repeated.
            if l.isSequence { throw .type("can't multiply sequence by non-int of type '\(r.pythonTypeName)'") }
            if r.isSequence { throw .type("can't multiply sequence by non-int of type '\(l.pythonTypeName)'") }
        }
        throw .type(
            "unsupported operand type(s) for \(op.rawValue): '\(l.pythonTypeName)' and '\(r.pythonTypeName)'")
    }

    private static func arithmetic(_ op: BinaryOp, _ a: Number, _ b: Number) throws(JinjaError) -> Value {
        if case .int(let x) = a, case .int(let y) = b {
            switch op {
            case .add: return try checked(x.addingReportingOverflow(y))
            case .sub: return try checked(x.subtractingReportingOverflow(y))
            case .mul: return try checked(x.multipliedReportingOverflow(by: y))
            case .div:
                guard y != 0 else { throw zeroDivision("division by zero") }
                return .float(Double(x) / Double(y))
            case .floorDiv:
                guard y != 0 else { throw zeroDivision("integer division or modulo by zero") }
                guard !(x == Int.min && y == -1) else { throw overflow }
                let q = x / y
                return .int((x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q)
            case .mod:
                guard y != 0 else { throw zeroDivision("integer modulo by zero") }
                guard y != -1 else { return .int(0) }
                let m = x % y
                return .int(m != 0 && ((m < 0) != (y < 0)) ? m + y : m)
            case .pow:
                if y < 0 { return .float(pow(Double(x), Double(y))) }
                var result = 1
                var base = x
                var e = y
                while e > 0 {
                    if e & 1 == 1 { result = try checkedInt(result.multipliedReportingOverflow(by: base)) }
                    e >>= 1
                    if e > 0 { base = try checkedInt(base.multipliedReportingOverflow(by: base)) }
                }
                return .int(result)
            }
        }
        let x = a.double
        let y = b.double
        switch op {
        case .add: return .float(x + y)
        case .sub: return .float(x - y)
        case .mul: return .float(x * y)
        case .div:
            guard y != 0 else { throw zeroDivision("float division by zero") }
            return .float(x / y)
        case .floorDiv:
            guard y != 0 else { throw zeroDivision("float floor division by zero") }
            return .float((x / y).rounded(.down))
        case .mod:
            guard y != 0 else { throw zeroDivision("float modulo by zero") }
            let m = x.truncatingRemainder(dividingBy: y)
            // Python: the result takes the divisor's sign, a zero included.
            if m == 0 { return .float(y < 0 ? -0.0 : 0.0) }
            return .float((m < 0) != (y < 0) ? m + y : m)
        case .pow:
            return .float(pow(x, y))
        }
    }

    /// Results past this many elements or bytes fail (Python's MemoryError)
    /// rather than exhausting the server's memory.
    static let maxRepetition = 1 << 26

    private static func repeated(_ items: [Value], _ n: Int) throws(JinjaError) -> [Value] {
        guard n <= 0 || items.count <= maxRepetition / n else { throw .runtime(kind: "MemoryError", message: "") }
        return Array(repeating: items, count: max(0, n)).flatMap { $0 }
    }

    private static func repeated(_ s: String, _ n: Int) throws(JinjaError) -> String {
        guard n <= 0 || s.utf8.count <= maxRepetition / n else { throw .runtime(kind: "MemoryError", message: "") }
        return String(repeating: s, count: max(0, n))
    }

    private static func zeroDivision(_ message: String) -> JinjaError {
        .runtime(kind: "ZeroDivisionError", message: message)
    }

    private static func checked(_ r: (partialValue: Int, overflow: Bool)) throws(JinjaError) -> Value {
        .int(try checkedInt(r))
    }

    private static func checkedInt(_ r: (partialValue: Int, overflow: Bool)) throws(JinjaError) -> Int {
        if r.overflow { throw overflow }
        return r.partialValue
    }
}

extension Value {
    /// str, list or tuple: what Python's `*` repeats.
    var isSequence: Bool {
        switch self {
        case .string, .list, .tuple: true
        default: false
        }
    }
}
