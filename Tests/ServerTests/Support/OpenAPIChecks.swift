import Benchmarks
import Foundation

/// Structural checks of an OpenAPI 3.0/3.1 document loaded as plain values
/// (`[String: Any]`, `[Any]`, scalars), and a validator for the subset of
/// JSON Schema the aepo document uses.
struct OpenAPIChecks: @unchecked Sendable {  // immutable after init
    let document: [String: Any]

    // MARK: References

    /// The value a local `$ref` (`#/a/b`) points at, or nil.
    func resolve(_ reference: String) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: Any = document
        for raw in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let object = current as? [String: Any], let next = object[key] else { return nil }
            current = next
        }
        return current
    }

    /// Every `$ref` that does not resolve inside the document, with where it sits.
    func danglingReferences() -> [String] {
        var found: [String] = []
        func walk(_ value: Any, _ path: String) {
            if let object = value as? [String: Any] {
                for (key, child) in object {
                    if key == "$ref" {
                        if let reference = child as? String {
                            if resolve(reference) == nil { found.append("\(path): \(reference)") }
                        } else {
                            found.append("\(path): $ref is not a string")
                        }
                    } else {
                        walk(child, path + "/" + key)
                    }
                }
            } else if let array = value as? [Any] {
                for (index, child) in array.enumerated() { walk(child, "\(path)/\(index)") }
            }
        }
        walk(document, "#")
        return found.sorted()
    }

    // MARK: Keys

    static let documentKeys: Set<String> = [
        "openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks", "components", "security", "tags",
        "externalDocs",
    ]
    static let componentKeys: Set<String> = [
        "schemas", "responses", "parameters", "examples", "requestBodies", "headers", "securitySchemes", "links",
        "callbacks", "pathItems",
    ]
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
    static let pathItemKeys: Set<String> = methods.union(["$ref", "summary", "description", "servers", "parameters"])
    static let operationKeys: Set<String> = [
        "tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody", "responses",
        "callbacks", "deprecated", "security", "servers",
    ]
    static let parameterKeys: Set<String> = [
        "name", "in", "description", "required", "deprecated", "allowEmptyValue", "style", "explode", "allowReserved",
        "schema", "example", "examples", "content",
    ]
    static let parameterLocations: Set<String> = ["query", "header", "path", "cookie"]
    static let requestBodyKeys: Set<String> = ["description", "content", "required"]
    static let responseKeys: Set<String> = ["description", "headers", "content", "links"]
    static let mediaTypeKeys: Set<String> = ["schema", "example", "examples", "encoding"]
    static let referenceKeys: Set<String> = ["$ref", "summary", "description"]
    /// JSON Schema 2020-12 (OpenAPI 3.1) and the OpenAPI 3.0 schema object.
    static let schemaKeys: Set<String> = [
        "$ref", "$id", "$schema", "$comment", "$defs", "title", "description", "default", "examples", "example",
        "deprecated", "readOnly", "writeOnly", "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum",
        "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "format", "items", "prefixItems",
        "contains", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains", "properties",
        "patternProperties", "additionalProperties", "propertyNames", "required", "maxProperties", "minProperties",
        "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "allOf", "anyOf",
        "oneOf", "not", "if", "then", "else", "contentMediaType", "contentEncoding", "contentSchema", "nullable",
        "discriminator", "xml", "externalDocs",
    ]
    static let schemaTypes: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]

    /// Keys that OpenAPI does not allow where they sit (extensions `x-` are
    /// allowed everywhere), and values of the wrong shape.
    func disallowedKeys() -> [String] {
        var found: [String] = []
        func check(_ object: [String: Any], _ allowed: Set<String>, _ path: String) {
            for key in object.keys where !allowed.contains(key) && !key.hasPrefix("x-") {
                found.append("\(path): \(key)")
            }
        }
        func map(_ value: Any?, _ path: String) -> [String: Any]? {
            guard let value else { return nil }
            guard let object = value as? [String: Any] else {
                found.append("\(path): not a mapping")
                return nil
            }
            return object
        }
        func schema(_ value: Any?, _ path: String) {
            if value is Bool, path.hasSuffix("additionalProperties") { return }
            guard let object = map(value, path) else { return }
            check(object, Self.schemaKeys, path)
            if let type = object["type"] {
                let types = (type as? [Any] ?? [type]).map { $0 as? String ?? "\($0)" }
                for name in types where !Self.schemaTypes.contains(name) { found.append("\(path)/type: \(name)") }
            }
            if let required = object["required"], !(required is [String]) { found.append("\(path)/required: not a list of names") }
            for (name, child) in map(object["properties"], path + "/properties") ?? [:] {
                schema(child, "\(path)/properties/\(name)")
            }
            if let additional = object["additionalProperties"], !(additional is Bool) {
                schema(additional, path + "/additionalProperties")
            }
            if let items = object["items"] { schema(items, path + "/items") }
            if let not = object["not"] { schema(not, path + "/not") }
            for key in ["oneOf", "anyOf", "allOf"] {
                guard let list = object[key] else { continue }
                guard let array = list as? [Any] else { found.append("\(path)/\(key): not a list"); continue }
                for (index, child) in array.enumerated() { schema(child, "\(path)/\(key)/\(index)") }
            }
        }
        func content(_ value: Any?, _ path: String) {
            for (type, media) in map(value, path) ?? [:] {
                guard let media = map(media, "\(path)/\(type)") else { continue }
                check(media, Self.mediaTypeKeys, "\(path)/\(type)")
                if let value = media["schema"] { schema(value, "\(path)/\(type)/schema") }
            }
        }
        func parameter(_ value: Any, _ path: String) {
            guard let object = map(value, path) else { return }
            if object["$ref"] != nil { check(object, Self.referenceKeys, path); return }
            check(object, Self.parameterKeys, path)
            if !(object["name"] is String) { found.append("\(path): name missing") }
            if !Self.parameterLocations.contains(object["in"] as? String ?? "") { found.append("\(path): in missing or invalid") }
            if let value = object["schema"] { schema(value, path + "/schema") }
            if let value = object["content"] { content(value, path + "/content") }
        }
        func response(_ value: Any, _ path: String) {
            guard let object = map(value, path) else { return }
            if object["$ref"] != nil { check(object, Self.referenceKeys, path); return }
            check(object, Self.responseKeys, path)
            if !(object["description"] is String) { found.append("\(path): description missing") }
            if let value = object["content"] { content(value, path + "/content") }
        }
        func operation(_ value: Any, _ path: String) {
            guard let object = map(value, path) else { return }
            check(object, Self.operationKeys, path)
            if let parameters = object["parameters"] {
                for (index, value) in (parameters as? [Any] ?? []).enumerated() { parameter(value, "\(path)/parameters/\(index)") }
            }
            if let body = map(object["requestBody"], path + "/requestBody") {
                if body["$ref"] != nil {
                    check(body, Self.referenceKeys, path + "/requestBody")
                } else {
                    check(body, Self.requestBodyKeys, path + "/requestBody")
                    content(body["content"], path + "/requestBody/content")
                }
            }
            guard let responses = map(object["responses"], path + "/responses") else {
                found.append("\(path): responses missing")
                return
            }
            for (status, value) in responses {
                let valid = status == "default" || (status.count == 3 && (Int(status) != nil || status.hasSuffix("XX")))
                if !valid && !status.hasPrefix("x-") { found.append("\(path)/responses: \(status) is not a status") }
                response(value, "\(path)/responses/\(status)")
            }
        }
        check(document, Self.documentKeys, "#")
        for (path, item) in map(document["paths"], "#/paths") ?? [:] {
            let base = "#/paths/\(path)"
            if !path.hasPrefix("/") { found.append("\(base): a path must start with /") }
            guard let item = map(item, base) else { continue }
            check(item, Self.pathItemKeys, base)
            for (key, value) in item where Self.methods.contains(key) { operation(value, "\(base)/\(key)") }
            if let parameters = item["parameters"] as? [Any] {
                for (index, value) in parameters.enumerated() { parameter(value, "\(base)/parameters/\(index)") }
            }
        }
        let components = map(document["components"], "#/components") ?? [:]
        check(components, Self.componentKeys, "#/components")
        for (name, value) in map(components["schemas"], "#/components/schemas") ?? [:] {
            schema(value, "#/components/schemas/\(name)")
        }
        for (name, value) in map(components["parameters"], "#/components/parameters") ?? [:] {
            parameter(value, "#/components/parameters/\(name)")
        }
        for (name, value) in map(components["responses"], "#/components/responses") ?? [:] {
            response(value, "#/components/responses/\(name)")
        }
        return found.sorted()
    }

    // MARK: Operations

    /// The operation serving `method path` and its path template, matching
    /// `{param}` segments; literal segments win over templated ones.
    func operation(_ method: String, _ path: String) -> (template: String, operation: [String: Any])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let paths = document["paths"] as? [String: Any] ?? [:]
        var best: (template: String, operation: [String: Any], literals: Int)?
        for (template, item) in paths {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard parts.count == segments.count,
                let operation = (item as? [String: Any])?[method.lowercased()] as? [String: Any]
            else { continue }
            var literals = 0
            var matches = true
            for (part, segment) in zip(parts, segments) {
                if part.hasPrefix("{") && part.hasSuffix("}") {
                    if segment.isEmpty { matches = false }
                } else if part == segment {
                    literals += 1
                } else {
                    matches = false
                }
            }
            if matches, best == nil || literals > best!.literals { best = (template, operation, literals) }
        }
        return best.map { ($0.template, $0.operation) }
    }

    /// The documented response of `operation` for `status` (`$ref` followed), or nil.
    func response(of operation: [String: Any], status: Int) -> [String: Any]? {
        let responses = operation["responses"] as? [String: Any] ?? [:]
        let value = responses[String(status)] ?? responses["\(status / 100)XX"] ?? responses["default"]
        guard var response = value as? [String: Any] else { return nil }
        if let reference = response["$ref"] as? String { response = resolve(reference) as? [String: Any] ?? [:] }
        return response
    }

    // MARK: Validation

    /// Why `value` (decoded JSON) does not match `schema`; empty when it does.
    func validate(_ value: JSONValue, against schema: Any, at path: String = "$") -> [String] {
        if let flag = schema as? Bool { return flag ? [] : ["\(path): no value is allowed here"] }
        guard let schema = schema as? [String: Any] else { return ["\(path): the schema is not a mapping"] }
        var errors: [String] = []
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else { return ["\(path): $ref \(reference) does not resolve"] }
            errors += validate(value, against: target, at: path)
        }
        if let type = schema["type"] {
            var types = (type as? [Any] ?? [type]).compactMap { $0 as? String }
            if schema["nullable"] as? Bool == true { types.append("null") }
            if !types.contains(where: { Self.value(value, is: $0) }) {
                return errors + ["\(path): \(Self.describe(value)) is not of type \(types.joined(separator: " or "))"]
            }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal(value, $0) }) {
            errors.append("\(path): \(Self.describe(value)) is not one of \(options)")
        }
        if let constant = schema["const"], !Self.equal(value, constant) {
            errors.append("\(path): \(Self.describe(value)) is not \(constant)")
        }
        switch value {
        case .number(let number):
            if let minimum = Self.double(schema["minimum"]), number < minimum { errors.append("\(path): \(number) < minimum \(minimum)") }
            if let maximum = Self.double(schema["maximum"]), number > maximum { errors.append("\(path): \(number) > maximum \(maximum)") }
            if let bound = Self.double(schema["exclusiveMinimum"]), number <= bound { errors.append("\(path): \(number) <= \(bound)") }
            if let bound = Self.double(schema["exclusiveMaximum"]), number >= bound { errors.append("\(path): \(number) >= \(bound)") }
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minimum = schema["minLength"] as? Int, length < minimum { errors.append("\(path): shorter than \(minimum)") }
            if let maximum = schema["maxLength"] as? Int, length > maximum { errors.append("\(path): longer than \(maximum)") }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                errors.append("\(path): \"\(text)\" does not match \(pattern)")
            }
            if schema["format"] as? String == "date-time",
                text.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"#, options: .regularExpression) == nil
            {
                errors.append("\(path): \"\(text)\" is not an RFC 3339 date-time")
            }
        case .array(let items):
            if let minimum = schema["minItems"] as? Int, items.count < minimum { errors.append("\(path): fewer than \(minimum) items") }
            if let maximum = schema["maxItems"] as? Int, items.count > maximum { errors.append("\(path): more than \(maximum) items") }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { errors += validate(item, against: itemSchema, at: "\(path)[\(index)]") }
            }
        case .object(let members):
            for name in schema["required"] as? [String] ?? [] where members[name] == nil {
                errors.append("\(path): lacks required \(name)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    errors += validate(member, against: propertySchema, at: "\(path).\(name)")
                } else if let additional = schema["additionalProperties"] {
                    if additional as? Bool == false {
                        errors.append("\(path): undocumented property \(name)")
                    } else if !(additional is Bool) {
                        errors += validate(member, against: additional, at: "\(path).\(name)")
                    }
                }
            }
        case .null, .bool:
            break
        }
        for part in schema["allOf"] as? [Any] ?? [] { errors += validate(value, against: part, at: path) }
        if let options = schema["anyOf"] as? [Any], !options.contains(where: { validate(value, against: $0, at: path).isEmpty }) {
            errors.append("\(path): \(Self.describe(value)) matches none of anyOf")
        }
        if let options = schema["oneOf"] as? [Any] {
            let matching = options.filter { validate(value, against: $0, at: path).isEmpty }.count
            if matching != 1 { errors.append("\(path): \(Self.describe(value)) matches \(matching) of oneOf, not exactly 1") }
        }
        return errors
    }

    private static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"), (.number, "number"):
            true
        case (.number(let number), "integer"):
            number.rounded() == number && number.isFinite
        default:
            false
        }
    }

    private static func equal(_ value: JSONValue, _ option: Any) -> Bool {
        switch value {
        case .string(let text): (option as? String) == text
        case .number(let number): double(option) == number
        case .bool(let flag): (option as? Bool) == flag
        case .null: option is NSNull || "\(option)" == "<null>"
        default: false
        }
    }

    private static func double(_ value: Any?) -> Double? {
        switch value {
        case let number as Int: Double(number)
        case let number as Double: number
        default: nil
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        guard let data = try? JSONEncoder().encode(value) else { return "\(value)" }
        let text = String(decoding: data, as: UTF8.self)
        return text.count > 80 ? String(text.prefix(80)) + "..." : text
    }
}
