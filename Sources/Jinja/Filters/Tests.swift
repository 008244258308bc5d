/// jinja2's tests (`x is defined`, `x is divisibleby 3`, ...), by name.
enum Tests {
    static let names: Set<String> = [
        "odd", "even", "divisibleby", "defined", "undefined", "none", "boolean", "false", "true", "integer",
        "float", "number", "lower", "upper", "string", "mapping", "sequence", "iterable", "callable", "sameas",
        "escaped", "in", "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", ">=", "ge", "<", "lt",
        "lessthan", "<=", "le", "filter", "test",
    ]

    static func run(_ name: String, _ value: Value, _ args: Arguments, _ interpreter: Interpreter) throws(JinjaError)
        -> Bool
    {
        func argument() throws(JinjaError) -> Value {
            guard let a = args.positional.first ?? args.keyword.first?.value else {
                throw .type("test '\(name)' takes one argument")
            }
            return a
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .float = value { return true } else { return false }
        case "number": return Operators.Number(value) != nil
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else { return false }
        case "sequence":
            switch value {
            case .string, .list, .tuple, .dict: return true
            default: return false
            }
        case "iterable":
            switch value {
            case .string, .list, .tuple, .dict, .undefined, .iterator: return true
            default: return false
            }
        case "callable":
            switch value {
            case .callable, .loop: return true
            default: return false
            }
        case "escaped": return false
        case "lower": return StringMethods.call("islower", PythonFormat.str(value), interpreter)
        case "upper": return StringMethods.call("isupper", PythonFormat.str(value), interpreter)
        case "odd", "even":
            let r = try Operators.binary(.mod, value, .int(2))
            return Operators.equals(r, .int(name == "odd" ? 1 : 0))
        case "divisibleby":
            return Operators.equals(try Operators.binary(.mod, value, try argument()), .int(0))
        case "sameas":
            let other = try argument()
            switch (value, other) {
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.namespace(let a), .namespace(let b)): return a === b
            case (.int(let a), .int(let b)): return a == b
            case (.string(let a), .string(let b)): return a == b
            default: return false
            }
        case "in": return try Operators.contains(try argument(), value)
        case "==", "eq", "equalto": return Operators.equals(value, try argument())
        case "!=", "ne": return !Operators.equals(value, try argument())
        case ">", "gt", "greaterthan": return try Operators.order(value, try argument(), ">") > 0
        case ">=", "ge": return try Operators.order(value, try argument(), ">=") >= 0
        case "<", "lt", "lessthan": return try Operators.order(value, try argument(), "<") < 0
        case "<=", "le": return try Operators.order(value, try argument(), "<=") <= 0
        case "filter":
            guard case .string(let n) = value else { return false }
            return Filters.isKnown(n)
        case "test":
            guard case .string(let n) = value else { return false }
            return names.contains(n)
        default:
            throw .runtime(kind: "TemplateAssertionError", message: "No test named '\(name)'.")
        }
    }
}

extension StringMethods {
    /// A boolean `str` predicate such as `islower`.
    static func call(_ predicate: String, _ s: String, _ interpreter: Interpreter) -> Bool {
        (try? call(predicate, s, Arguments(), interpreter))?.isTruthy ?? false
    }
}
