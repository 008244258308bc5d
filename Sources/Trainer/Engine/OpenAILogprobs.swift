import Foundation

/// A choice's `logprobs` in OpenAI's shapes, from the engine's reports
/// (`TokenLogprobs`). Each token is shown as the text it decodes to alone
/// (a byte of a longer character decodes to U+FFFD), as vLLM shows it.
struct OpenAILogprobs {
    let tokenizer: any EngineTokenizer

    /// A log-probability in JSON, which has no infinity: an impossible
    /// token's -inf is sent as -9999, as vLLM sends it.
    static func number(_ logprob: Float) -> Double {
        logprob.isNaN ? -9999 : max(Double(logprob), -9999)
    }

    private func text(_ token: Int32) -> String {
        tokenizer.decode([token], skipSpecialTokens: false)
    }

    /// `/v1/completions`' `{tokens, token_logprobs, top_logprobs,
    /// text_offset}`: `top_logprobs` maps the texts of the token and its
    /// alternatives to their log-probabilities (the more likely one when two
    /// decode alike); `text_offset` counts characters (Unicode scalars, as
    /// Python counts them) from `offset`, left after the last token.
    func completion(_ reports: some Collection<TokenLogprobs>, offset: inout Int) -> [String: Any] {
        var tokens: [String] = [], logprobs: [Double] = [], top: [[String: Double]] = [], offsets: [Int] = []
        for report in reports {
            let token = text(report.token)
            var alternatives: [String: Double] = [:]
            for ranked in report.top where alternatives[text(ranked.token)] == nil {
                alternatives[text(ranked.token)] = Self.number(ranked.logprob)
            }
            if alternatives[token] == nil { alternatives[token] = Self.number(report.logprob) }
            tokens.append(token)
            logprobs.append(Self.number(report.logprob))
            top.append(alternatives)
            offsets.append(offset)
            offset += token.unicodeScalars.count
        }
        return ["tokens": tokens, "token_logprobs": logprobs, "top_logprobs": top, "text_offset": offsets]
    }

    /// `/v1/chat/completions`' `{content: [{token, logprob, bytes,
    /// top_logprobs: [{token, logprob, bytes}]}]}`, the alternatives most
    /// likely first.
    func chat(_ reports: some Collection<TokenLogprobs>) -> [String: Any] {
        let content = reports.map { report in
            var token = entry(report.token, report.logprob)
            token["top_logprobs"] = report.top.map { entry($0.token, $0.logprob) }
            return token
        }
        return ["content": content]
    }

    private func entry(_ token: Int32, _ logprob: Float) -> [String: Any] {
        let text = text(token)
        return ["token": text, "logprob": Self.number(logprob), "bytes": text.utf8.map(Int.init)]
    }
}
