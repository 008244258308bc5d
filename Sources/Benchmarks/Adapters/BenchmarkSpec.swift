/// What the evaluation needs to know about one benchmark: its name, group,
/// how it is scored, the prompt language and how its published file is laid
/// out.
public struct BenchmarkSpec: Sendable, Hashable, Codable {
    /// The benchmark's group: one of the leaderboard's three for the
    /// adapters, `synthetic` for the built-in suites.
    public enum Group: String, Sendable, Hashable, Codable, CaseIterable {
        case math
        case knowledge
        case deepSearch = "deep-search"
        /// The built-in synthetic suites (synth-arith, synth-hop): listed and
        /// evaluated beside the adapters, never ranked or averaged with them.
        case synthetic
    }

    /// The family of correctness rules the benchmark uses (see BENCHMARKS.md).
    public enum ScoringFamily: String, Sendable, Hashable, Codable, CaseIterable {
        /// Math answer equivalence: Swift rules, then math-verify.
        case mathEqual = "math-equal"
        /// Open QA: exact match for correctness, token F1 as the score;
        /// an LLM judge when one is configured.
        case qa
        /// Exact match only (HLE); an LLM judge when one is configured.
        case exactMatch = "exact-match"
        /// The rule-based GAIA scorer; an LLM judge when one is configured.
        case gaia
    }

    /// The language of the agent prompt for this benchmark.
    public enum Language: String, Sendable, Hashable, Codable {
        case en
        case zh
    }

    /// How the gold answer is written in the published file.
    public enum AnswerFormat: String, Sendable, Hashable, Codable {
        /// A string, a number or a list of aliases (possibly a list written
        /// as a string).
        case aliases
        /// A LaTeX string (or number) taken as it is; never split as a list,
        /// since `[1, 2]` is an interval.
        case latex
        /// gsm8k: a rationale whose last `#### N` gives the gold answer,
        /// thousands commas removed.
        case gsm8kRationale = "gsm8k-rationale"
    }

    /// The adapter name, e.g. `"aime24"`.
    public let name: String
    /// The group (the leaderboard's, or `synthetic`).
    public let group: Group
    /// The correctness rules.
    public let scoring: ScoringFamily
    /// The prompt language (only xbench uses the Chinese prompt).
    public let language: Language
    /// How the gold answer field is written.
    public let answerFormat: AnswerFormat
    /// The number of items in the authors' file, when fixed.
    public let authorsItemCount: Int?

    /// Creates a spec.
    /// - Parameters:
    ///   - name: the adapter name.
    ///   - group: the leaderboard group.
    ///   - scoring: the correctness rules.
    ///   - language: the prompt language.
    ///   - answerFormat: how the gold answer is written.
    ///   - authorsItemCount: items in the authors' file, `nil` when it varies.
    public init(
        name: String, group: Group, scoring: ScoringFamily, language: Language = .en,
        answerFormat: AnswerFormat = .aliases, authorsItemCount: Int?
    ) {
        self.name = name
        self.group = group
        self.scoring = scoring
        self.language = language
        self.answerFormat = answerFormat
        self.authorsItemCount = authorsItemCount
    }
}
