import Benchmarks

/// The built-in synthetic task families a small model can learn with tools
/// (BENCHMARKS.md, "Built-in synthetic suites").
public enum SynthTask: String, Sendable, CaseIterable, Codable {
    /// Long integer arithmetic, solved with one `<python>` call.
    case arith = "synth-arith"
    /// 1- to 3-hop questions over a fictional knowledge base, solved by chained `<search>` calls.
    case hop = "synth-hop"

    /// The task names, e.g. for an error message.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// Looks a task up by name.
    /// - Throws: `SynthTaskError.unknownTask` listing the valid names.
    public static func named(_ name: String) throws(SynthTaskError) -> SynthTask {
        guard let task = SynthTask(rawValue: name) else { throw .unknownTask(name: name, valid: names) }
        return task
    }

    /// How the suite is scored and grouped: both in the `synthetic` group,
    /// synth-arith scored as math (math-equal), synth-hop as knowledge QA
    /// (exact match, token F1 as the score).
    public var spec: BenchmarkSpec {
        switch self {
        case .arith:
            BenchmarkSpec(
                name: rawValue, group: .synthetic, scoring: .mathEqual, answerFormat: .latex, authorsItemCount: nil)
        case .hop:
            BenchmarkSpec(name: rawValue, group: .synthetic, scoring: .qa, authorsItemCount: nil)
        }
    }

    /// Whether the expert solution uses the search tool (the hop corpus).
    public var usesSearch: Bool { self == .hop }

    /// Whether the expert solution uses the python tool.
    public var usesPython: Bool { self == .arith }
}

/// Why a synthetic suite could not be made.
public enum SynthTaskError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No task has this name.
    case unknownTask(name: String, valid: [String])
    /// The suite configuration is out of range.
    case invalidConfig(String)

    public var description: String {
        switch self {
        case .unknownTask(let name, let valid):
            "unknown task \"\(name)\"; valid tasks: \(valid.joined(separator: ", "))"
        case .invalidConfig(let message):
            "invalid task config: \(message)"
        }
    }
}
