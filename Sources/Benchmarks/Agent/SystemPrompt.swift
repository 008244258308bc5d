/// The agent's system prompt: a paraphrase of the AEPO authors'
/// `code_search` prompt (BENCHMARKS.md, the agent protocol), in English and
/// in Chinese (for the benchmarks whose spec language is `zh`).
public enum SystemPrompt {
    /// The English `code_search` prompt.
    public static let english = """
        You are a helpful assistant that solves the user's question step by step. \
        Think through the problem inside <think> </think> before every action. \
        You have two tools. To search for information, write a query as \
        <search> your query </search>. To run Python code, write it as \
        <python> your code </python>; print what you need to see. \
        The output of a tool comes back to you inside <result> </result>; \
        you may call the tools several times. \
        When you are sure of the answer, give it inside <answer> </answer>, \
        with the exact final answer in \\boxed{}, for example \
        <answer> The answer is \\boxed{42} </answer>.
        """

    /// The Chinese `code_search` prompt.
    public static let chinese = """
        你是一个乐于助人的助手，请一步一步地解决用户的问题。\
        每次行动之前，先在 <think> </think> 中思考。\
        你可以使用两个工具：搜索信息时，把查询写成 <search> 查询内容 </search>；\
        运行 Python 代码时，把代码写成 <python> 代码 </python>，并打印需要查看的结果。\
        工具的输出会放在 <result> </result> 中返回给你，你可以多次调用工具。\
        确定答案后，把答案写在 <answer> </answer> 中，并把准确的最终答案放进 \\boxed{}，\
        例如 <answer> 答案是 \\boxed{42} </answer>。
        """

    /// The prompt for a prompt language.
    /// - Parameter language: the benchmark spec's language.
    /// - Returns: `chinese` for `.zh`, else `english`.
    public static func codeSearch(language: BenchmarkSpec.Language) -> String {
        switch language {
        case .en: return english
        case .zh: return chinese
        }
    }

    /// The prompt for a benchmark (its spec's language).
    public static func codeSearch(for spec: BenchmarkSpec) -> String {
        codeSearch(language: spec.language)
    }
}
