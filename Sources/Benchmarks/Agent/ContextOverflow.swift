import Foundation

/// Reading an OpenAI-compatible server's "context length exceeded" 400.
///
/// vLLM answers a request whose prompt plus `max_tokens` passes the
/// model's context with a 400 whose message names the limit and, in most
/// versions, the prompt's token count, in one of these shapes:
/// - "This model's maximum context length is 4096 tokens. However, you
///   requested 5000 tokens (1000 in the messages, 4000 in the completion)."
/// - "'max_tokens' is too large: 4000. This model's maximum context length
///   is 4096 tokens and your request has 1000 input tokens (4000 > 4096 - 1000)."
/// - "This model's maximum context length is 4096 tokens. However, you
///   requested 5000 tokens in the messages, Please reduce the length of the messages."
public struct ContextOverflow: Sendable, Hashable {
    /// The model's context length in tokens.
    public var maxContext: Int
    /// The prompt's length in tokens, when the message says it.
    public var promptTokens: Int?

    /// Creates a record.
    public init(maxContext: Int, promptTokens: Int?) {
        self.maxContext = maxContext
        self.promptTokens = promptTokens
    }

    /// Tokens left for the completion (`maxContext - promptTokens`), when known.
    public var room: Int? { promptTokens.map { maxContext - $0 } }

    /// The overflow a failed call reports, or nil when it is another error.
    /// - Parameter error: the model client's error (`HTTPCallError` 400).
    public static func from(_ error: any Error) -> ContextOverflow? {
        guard let error = error as? HTTPCallError, case .status(400, let body) = error else { return nil }
        return parse(body)
    }

    /// Parses an error message (or the JSON body holding it). Pure.
    /// - Returns: nil when the text names no maximum context length.
    public static func parse(_ text: String) -> ContextOverflow? {
        let lower = text.lowercased()
        guard let maxContext = number(after: "maximum context length is ", in: lower) else { return nil }
        let prompt =
            number(before: " in the messages", in: lower, after: "(")
            ?? number(after: "your request has ", in: lower)
            ?? number(before: " tokens in the messages", in: lower, after: "you requested ")
        return ContextOverflow(maxContext: maxContext, promptTokens: prompt)
    }

    /// The integer that starts right after `marker`.
    static func number(after marker: String, in text: String) -> Int? {
        guard let range = text.range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }

    /// The integer right before `marker`, itself right after `opening`
    /// (e.g. "(1000 in the messages").
    static func number(before marker: String, in text: String, after opening: String) -> Int? {
        guard let end = text.range(of: marker) else { return nil }
        let head = text[..<end.lowerBound]
        guard let start = head.range(of: opening, options: .backwards) else { return nil }
        return Int(head[start.upperBound...])
    }
}
