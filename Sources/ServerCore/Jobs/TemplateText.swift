import Foundation

/// The text rules of job templates: how `{name}` placeholders are filled
/// and which parameter values are accepted.
///
/// Values reach the command as whole argv entries (never through a shell),
/// so what hydra overrides need is allowed: lists, quotes, commas, `=`,
/// spaces (`data.train_files=['a.parquet','b.parquet']`). Always refused:
/// control characters (a newline or NUL in an argument, escape sequences
/// in logs). Refused unless the parameter's own pattern admits it: a
/// leading `-`, which a recipe's argument parser would take for an option.
package enum TemplateText {
    /// The longest value accepted.
    package static let maxValueLength = 4096

    /// Fills every `{name}` of `text` whose name is in `values`, in one
    /// pass: braces inside a value are never expanded again, and an unknown
    /// `{name}` (a hydra interpolation `${...}` too) is left as written.
    package static func substitute(_ text: String, _ values: [String: String]) -> String {
        guard text.contains("{") else { return text }
        var result = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let value = values[String(rest[afterOpen..<close])] {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        return result + rest
    }

    /// Checks `value` of parameter `name` against the rules above and the
    /// parameter's `pattern` (which must match the whole value).
    /// - Throws: ``CoreError`` `invalid_parameter`, naming the parameter.
    package static func check(_ value: String, parameter name: String, pattern: String?) throws {
        func refuse(_ why: String) -> CoreError {
            CoreError.invalid("invalid_parameter", "parameter \"\(name)\" \(why)")
        }
        guard !value.isEmpty, value.count <= maxValueLength else {
            throw refuse("must have 1 to \(maxValueLength) characters")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw refuse("must not contain control characters")
        }
        if let pattern {
            guard value.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil else {
                throw refuse("must match \(pattern)")
            }
        } else if value.hasPrefix("-") {
            throw refuse("must not start with \"-\" (the template's pattern may allow it)")
        }
    }
}
