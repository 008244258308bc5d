import Foundation
import Testing
@testable import Benchmarks

@Suite("Context length and extraction fallbacks")
struct ContextAndExtractionTests {
    @Test func vLLMContextOverflowMessagesAreRead() {
        let older = #"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (1000 in the messages, 4000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}"#
        #expect(ContextOverflow.parse(older) == ContextOverflow(maxContext: 4096, promptTokens: 1000))
        #expect(ContextOverflow.parse(older)?.room == 3096)
        let newer = "'max_tokens' is too large: 4000. This model's maximum context length is 4096 tokens and your request has 3500 input tokens (4000 > 4096 - 3500)."
        #expect(ContextOverflow.parse(newer) == ContextOverflow(maxContext: 4096, promptTokens: 3500))
        let promptOnly = "This model's maximum context length is 2048 tokens. However, you requested 2300 tokens in the messages, Please reduce the length of the messages."
        #expect(ContextOverflow.parse(promptOnly) == ContextOverflow(maxContext: 2048, promptTokens: 2300))
        #expect(ContextOverflow.parse(promptOnly)?.room == -252)
        #expect(ContextOverflow.parse("maximum context length is unknown") == nil)
        #expect(ContextOverflow.parse(#"{"error":"model not found"}"#) == nil)
        #expect(ContextOverflow.from(HTTPCallError.status(code: 400, body: older))?.maxContext == 4096)
        // Only a 400 is a context overflow.
        #expect(ContextOverflow.from(HTTPCallError.status(code: 500, body: older)) == nil)
    }

    @Test func modelsAnswerGivesTheContextLength() {
        let vllm = Data(#"{"object":"list","data":[{"id":"other","max_model_len":1024},{"id":"qwen","object":"model","max_model_len":32768}]}"#.utf8)
        #expect(ModelContext.contextLength(in: vllm, model: "qwen") == 32768)
        #expect(ModelContext.contextLength(in: vllm, model: "missing") == nil)
        let single = Data(#"{"data":[{"id":"served-name","max_model_len":8192}]}"#.utf8)
        #expect(ModelContext.contextLength(in: single, model: "alias") == 8192)
        let openAI = Data(#"{"data":[{"id":"gpt","object":"model"}]}"#.utf8)
        #expect(ModelContext.contextLength(in: openAI, model: "gpt") == nil)
        #expect(ModelContext.contextLength(in: Data("not json".utf8), model: "gpt") == nil)
    }

    @Test func boxedAnywhereOnlyWithFallbacksAndWithoutAnAnswerTag() {
        let noTag = "<think>so it is \\boxed{7}</think>\n<result>\nthe page says \\boxed{9}\n</result>\nFinal: \\boxed{\\text{12}}"
        #expect(AnswerExtraction.finalAnswer(from: noTag, mode: .strict) == nil)
        #expect(AnswerExtraction.finalAnswer(from: noTag, mode: .fallbacks) == "12")
        // A boxed value inside a tool result is never the model's answer.
        let onlyInResult = "<search>q</search>\n<result>\n\\boxed{9}\n</result>\nI am not sure."
        #expect(AnswerExtraction.finalAnswer(from: onlyInResult, mode: .fallbacks) == nil)
        // An answer tag wins, even an empty one (then nothing is extracted by the boxed fallback).
        let tagged = "\\boxed{1} <answer>\\boxed{2}</answer>"
        #expect(AnswerExtraction.finalAnswer(from: tagged, mode: .fallbacks) == "2")
        #expect(AnswerExtraction.finalAnswer(from: "\\boxed{1} <answer> </answer>", mode: .fallbacks) == nil)
    }

    @Test func emptyPredictionsShowTheLastLinesToTheJudge() {
        let text = "line 1\n\nline 2\n<result>\nhit a\nhit b\n</result>\nline 3\nline 4\n\nline 5\nline 6"
        #expect(AnswerExtraction.prediction(from: text, mode: .strict) == nil)
        #expect(AnswerExtraction.prediction(from: text, mode: .fallbacks) == "line 2\nline 3\nline 4\nline 5\nline 6")
        #expect(AnswerExtraction.prediction(from: "<answer>\\boxed{4}</answer>", mode: .fallbacks) == "4")
        #expect(AnswerExtraction.prediction(from: "  \n ", mode: .fallbacks) == nil)
    }
}
