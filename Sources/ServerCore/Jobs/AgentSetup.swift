import Benchmarks
import Trainer

/// How a checkpoint meets the agent loop: the system prompt, and the
/// defaults an evaluation request may override (prompt template, search
/// hits per query). Chosen by the kind of checkpoint, so it is fixed for
/// every evaluation of it (docs/trainer.md, "Evaluating on the server").
///
/// Every benchmark gets the same setup; the built-in suites differ only in
/// their tools (synth-hop searches its knowledge base, whatever the
/// evaluation's search backend) and in being scored by the rules alone.
package enum AgentSetup: String, Sendable, Equatable {
    /// Models behind an OpenAI-compatible endpoint: the authors'
    /// `code_search` system prompt in the benchmark's language, ChatML,
    /// 5 hits per query.
    case codeSearch = "code_search"
    /// Built-in (aepo-gpt) checkpoints, on the synthetic suites and the 14
    /// adapters alike: `SynthAgent`'s setup, the one they were trained
    /// with — no system prompt (a byte-level model's context cannot hold
    /// the 600-byte `code_search` prompt), the plain template, 2 hits per
    /// query.
    case builtin

    /// The system prompt of a sample of `spec`.
    package func systemPrompt(for spec: BenchmarkSpec) -> String {
        switch self {
        case .codeSearch: SystemPrompt.codeSearch(for: spec)
        case .builtin: SynthAgent.systemPrompt
        }
    }

    /// The prompt template unless the request names one.
    package var defaultTemplate: PromptTemplate {
        switch self {
        case .codeSearch: .chatml
        case .builtin: SynthAgent.template
        }
    }

    /// Search hits per query unless the request sets `search.top_k`.
    package var defaultSearchTopK: Int {
        switch self {
        case .codeSearch: SearchSettings().topK
        case .builtin: SynthAgent.searchTopK
        }
    }
}
