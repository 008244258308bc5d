import Foundation

/// Typed reads from a decoded JSON object (`JSONSerialization` output), for
/// configuration files whose fields change spelling and type between
/// releases (`eos_token_id` an int or a list, `rope_scaling` null or an
/// object). Every error names the field by its dotted path.
struct JSONObjectReader {
    /// The object's fields.
    let object: [String: Any]
    /// Dotted path of this object inside the file ("" at the top).
    let path: String

    init(_ object: [String: Any], path: String = "") {
        self.object = object
        self.path = path
    }

    /// Parses a whole file's bytes as a JSON object.
    static func parse(_ data: Data, file: String) throws(HFConfigError) -> JSONObjectReader {
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw .invalidJSON(file: file, reason: error.localizedDescription)
        }
        guard let object = value as? [String: Any] else { throw .invalidJSON(file: file, reason: "not a JSON object") }
        return JSONObjectReader(object)
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether `key` is present with a non-null value.
    func has(_ key: String) -> Bool {
        guard let value = object[key] else { return false }
        return !(value is NSNull)
    }

    /// An integer field, nil when absent or null.
    func int(_ key: String) throws(HFConfigError) -> Int? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = value as? NSNumber, !isBool(number) else {
            throw .invalidField(name(key), reason: "must be an integer")
        }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else {
            throw .invalidField(name(key), reason: "must be an integer, not \(number)")
        }
        return number.intValue
    }

    /// A required integer field that must be at least `minimum`.
    func requiredInt(_ key: String, minimum: Int = 1) throws(HFConfigError) -> Int {
        guard let value = try int(key) else { throw .missingField(name(key)) }
        guard value >= minimum else { throw .invalidField(name(key), reason: "must be >= \(minimum), not \(value)") }
        return value
    }

    /// A number field, nil when absent or null.
    func double(_ key: String) throws(HFConfigError) -> Double? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = value as? NSNumber, !isBool(number), number.doubleValue.isFinite else {
            throw .invalidField(name(key), reason: "must be a finite number")
        }
        return number.doubleValue
    }

    /// A boolean field, nil when absent or null.
    func bool(_ key: String) throws(HFConfigError) -> Bool? {
        guard has(key), let value = object[key] else { return nil }
        guard let number = value as? NSNumber, isBool(number) else {
            throw .invalidField(name(key), reason: "must be true or false")
        }
        return number.boolValue
    }

    /// A string field, nil when absent or null.
    func string(_ key: String) throws(HFConfigError) -> String? {
        guard has(key), let value = object[key] else { return nil }
        guard let string = value as? String else { throw .invalidField(name(key), reason: "must be a string") }
        return string
    }

    /// A list of strings, nil when absent or null.
    func strings(_ key: String) throws(HFConfigError) -> [String]? {
        guard has(key), let value = object[key] else { return nil }
        guard let list = value as? [Any], let strings = list as? [String] else {
            throw .invalidField(name(key), reason: "must be a list of strings")
        }
        return strings
    }

    /// An integer or a list of integers (token ids), [] when absent or null.
    func intOrInts(_ key: String) throws(HFConfigError) -> [Int] {
        guard has(key), let value = object[key] else { return [] }
        if value is NSNumber, let single = try int(key) { return [single] }
        guard let list = value as? [Any] else { throw .invalidField(name(key), reason: "must be an integer or a list of integers") }
        var ids: [Int] = []
        for item in list {
            guard let number = item as? NSNumber, !isBool(number), number.doubleValue.rounded() == number.doubleValue else {
                throw .invalidField(name(key), reason: "must be an integer or a list of integers")
            }
            ids.append(number.intValue)
        }
        return ids
    }

    /// A nested object, nil when absent or null.
    func object(_ key: String) throws(HFConfigError) -> JSONObjectReader? {
        guard has(key), let value = object[key] else { return nil }
        guard let nested = value as? [String: Any] else { throw .invalidField(name(key), reason: "must be an object") }
        return JSONObjectReader(nested, path: name(key))
    }

    /// JSON booleans decode as NSNumber too; they are the ones whose C type is `char`.
    private func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
