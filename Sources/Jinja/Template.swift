/// A parsed Jinja template, rendered as jinja2 renders it in transformers'
/// chat-template environment.
///
/// ```swift
/// let template = try Template("{% for m in messages %}{{ m.content }}{% endfor %}")
/// let text = try template.render(["messages": [["content": "hi"]]])
/// ```
public struct Template: Sendable {
    /// The template text as given.
    public let source: String
    let body: [Statement]

    /// Parses `source`; a syntax error carries jinja2's message and line.
    public init(_ source: String) throws(JinjaError) {
        self.source = source
        body = try Parser.parse(source)
    }

    /// Renders with `context` as the template's variables (they shadow the
    /// environment's globals).
    public func render(_ context: [String: Value], environment: Environment = .transformers()) throws(JinjaError)
        -> String
    {
        let interpreter = Interpreter(environment: environment)
        var out = ""
        try interpreter.execute(body, in: Scope(parent: nil, context), into: &out)
        return out
    }
}
