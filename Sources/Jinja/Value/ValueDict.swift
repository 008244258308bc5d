/// A Python dict: keys in insertion order, keys compared as Python compares
/// them (`1`, `1.0` and `True` are the same key).
public struct ValueDict: Sendable {
    /// Keys and values in insertion order.
    public private(set) var entries: [(key: Value, value: Value)] = []
    private var index: [HashKey: Int] = [:]

    public init() {}

    /// Builds a dict from string keys, keeping their order.
    public init(_ pairs: [(String, Value)]) {
        for (k, v) in pairs { self[.string(k)] = v }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [Value] { entries.map(\.key) }
    public var values: [Value] { entries.map(\.value) }

    /// The value for `key`; nil when absent or when the key is unhashable.
    /// Setting an unhashable key is ignored: callers check `isHashable` first.
    public subscript(key: Value) -> Value? {
        get {
            guard let h = HashKey(key), let i = index[h] else { return nil }
            return entries[i].value
        }
        set {
            guard let h = HashKey(key) else { return }
            if let i = index[h] {
                if let newValue {
                    entries[i].value = newValue
                } else {
                    entries.remove(at: i)
                    rebuildIndex()
                }
            } else if let newValue {
                index[h] = entries.count
                entries.append((key, newValue))
            }
        }
    }

    /// The value for a string key.
    public subscript(key: String) -> Value? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }

    private mutating func rebuildIndex() {
        index = [:]
        for (i, e) in entries.enumerated() {
            if let h = HashKey(e.key) { index[h] = i }
        }
    }
}

/// A Python-hashable value reduced to what Python's `==` and `hash` see.
enum HashKey: Hashable {
    /// jinja2's Undefined hashes by its type: all undefined values are one key.
    case undefined
    case none
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([HashKey])

    /// nil for unhashable values (lists, dicts, namespaces).
    init?(_ value: Value) {
        switch value {
        case .none: self = .none
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .float(let d):
            if d.rounded() == d, let i = Int(exactly: d) { self = .int(i) } else { self = .float(d) }
        case .string(let s): self = .string(s)
        case .tuple(let items):
            var keys: [HashKey] = []
            for item in items {
                guard let k = HashKey(item) else { return nil }
                keys.append(k)
            }
            self = .tuple(keys)
        case .undefined: self = .undefined
        case .list, .dict, .namespace, .callable, .loop, .iterator:
            return nil
        }
    }
}

extension Value {
    /// Whether the value can be a dict key or set member in Python.
    var isHashable: Bool { HashKey(self) != nil }
}
