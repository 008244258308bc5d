/// Why a template did not parse or did not render. `message` is the text
/// jinja2 would put in its exception, so callers can show the same words.
public enum JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template text is not valid Jinja (jinja2's `TemplateSyntaxError`).
    case syntax(message: String, line: Int)
    /// The template called `raise_exception(message)` (`TemplateError`).
    case raised(message: String)
    /// An undefined value was used where a value is needed (`UndefinedError`).
    case undefined(message: String)
    /// A forbidden operation, such as mutating a list (`SecurityError`).
    case security(message: String)
    /// Any other failure while rendering, named by the Python exception
    /// jinja2 would raise (`TypeError`, `ValueError`, `ZeroDivisionError`...).
    case runtime(kind: String, message: String)

    /// The exception's message, as `str(exception)` gives it in Python.
    public var message: String {
        switch self {
        case .syntax(let m, _), .raised(let m), .undefined(let m), .security(let m), .runtime(_, let m): m
        }
    }

    /// The Python exception class jinja2 raises for this error.
    public var kind: String {
        switch self {
        case .syntax: "TemplateSyntaxError"
        case .raised: "TemplateError"
        case .undefined: "UndefinedError"
        case .security: "SecurityError"
        case .runtime(let kind, _): kind
        }
    }

    public var description: String {
        if case .syntax(let m, let line) = self { return "\(m) (line \(line))" }
        return message
    }

    static func type(_ message: String) -> JinjaError { .runtime(kind: "TypeError", message: message) }
    static func value(_ message: String) -> JinjaError { .runtime(kind: "ValueError", message: message) }
}
