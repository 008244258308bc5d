import Benchmarks

/// A named evaluation protocol a request may start from
/// (`"preset":"aepo-paper"`), every field of it overridable by the request.
/// docs/protocol.md compares it, row by row, with this project's default
/// and with the AEPO authors' released evaluation code.
package enum ProtocolPreset: String, CaseIterable, Sendable {
    /// The AEPO authors' released protocol, as far as it is sound: their
    /// sampling, tool limits, four calls per turn, a 120 s python call, a
    /// 1500 s sample, their judge rules, their extraction fallbacks and the
    /// first 500 items of each set. The system prompt is the one an admin
    /// stored under this name, if any (the project does not ship theirs).
    case aepoPaper = "aepo-paper"

    /// The name of the stored prompt the preset uses when it exists.
    package var promptName: String { rawValue }

    /// The score-relevant settings of a protocol, before the request's overrides.
    package struct Fields: Sendable, Equatable {
        package var sampling = SamplingParameters()
        package var limits = AgentLimits()
        package var judgeMode = JudgeMode.strict
        package var extraction = ExtractionMode.strict
        /// Items per benchmark; nil: all.
        package var itemCap: Int?
    }

    /// This project's default protocol.
    package static let defaultFields = Fields()

    /// The preset's settings.
    package var fields: Fields {
        switch self {
        case .aepoPaper:
            Fields(
                sampling: SamplingParameters(temperature: 0.6, topP: 0.95, topK: 20, repetitionPenalty: 1.1, maxTokens: 4096),
                limits: AgentLimits(
                    maxSearches: 10, maxPythonCalls: 5, maxTokensPerCall: 4096, maxModelCalls: 32,
                    sampleTimeoutSeconds: 1500, maxContinuations: 3, pythonTimeoutSeconds: 120),
                judgeMode: .authors, extraction: .fallbacks, itemCap: 500)
        }
    }

    /// The protocol label of a configuration: its preset's name (or
    /// `default`) when every score-relevant setting is the preset's, with
    /// `+custom` appended when one was overridden. The evaluation id
    /// still tells apart any two configurations; the label groups them.
    package static func label(of config: EvaluationConfig) -> String {
        let preset = config.preset.flatMap(ProtocolPreset.init(rawValue:))
        let base = preset?.rawValue ?? "default"
        let expected = preset?.fields ?? defaultFields
        var matches = config.sampling == expected.sampling && config.limits == expected.limits
            && config.extraction == expected.extraction
            && config.benchmarks.allSatisfy { config.itemCap($0) == expected.itemCap }
        if let judge = config.judge { matches = matches && judge.mode == expected.judgeMode && judge.sampling == nil }
        if let prompt = config.prompt { matches = matches && preset != nil && prompt.name == preset?.promptName }
        return matches ? base : base + "+custom"
    }
}
