import Testing
@testable import Benchmarks

@Suite("Agent tags")
struct AgentTagTests {
    @Test func restoration() {
        let reported = AgentTag.restore(Completion(text: "<search>a", matchedStop: "</search>"))
        #expect(reported.text == "<search>a</search>" && reported.tag == .search)
        let kept = AgentTag.restore(Completion(text: "<search>a</search>", matchedStop: "</search>"))
        #expect(kept.text == "<search>a</search>" && kept.tag == .search)
        let unreported = AgentTag.restore(Completion(text: "<answer>1</answer>\n", matchedStop: nil))
        #expect(unreported.text == "<answer>1</answer>\n" && unreported.tag == .answer)
        let inferred = AgentTag.restore(Completion(text: "<search>a</search> <result>x</result><python>1"))
        #expect(inferred.text.hasSuffix("<python>1</python>") && inferred.tag == .python)
        let eos = AgentTag.restore(Completion(text: "<search>a</search> done"))
        #expect(eos.tag == nil)
        let length = AgentTag.restore(Completion(text: "<search>a", finishReason: .length))
        #expect(length.text == "<search>a" && length.tag == nil)
        let otherStop = AgentTag.restore(Completion(text: "x", matchedStop: "<|im_end|>"))
        #expect(otherStop.tag == nil)
    }

    @Test func callContent() {
        #expect(AgentTag.search.content(in: "<think>a</think><search> q </search>") == " q ")
        #expect(AgentTag.search.content(in: "no opening</search>") == "")
        let fenced = "\n  ```python\n  for i in range(2):\n      print(i)\n  ```\n"
        #expect(AgentLoop.preparedCode(fenced) == "for i in range(2):\n    print(i)")
        #expect(AgentLoop.preparedCode(" print(1) ") == "print(1)")
        #expect(AgentLoopState.normalizedQuery("  Capital  of\tFRANCE ") == "capital of france")
    }

    @Test func templates() {
        #expect(PromptTemplate.chatml.render(system: "S", question: "Q") == """
            <|im_start|>system
            S<|im_end|>
            <|im_start|>user
            Q<|im_end|>
            <|im_start|>assistant

            """)
        #expect(PromptTemplate.plain.render(system: "S", question: "Q") == "S\n\nQ\n")
        #expect(SystemPrompt.codeSearch(language: .en).contains("<search> your query </search>"))
        #expect(SystemPrompt.codeSearch(language: .zh).contains("\\boxed{}"))
        for prompt in [SystemPrompt.english, SystemPrompt.chinese] {
            for tag in ["<think>", "<search>", "<python>", "<result>", "<answer>"] { #expect(prompt.contains(tag)) }
        }
    }
}
