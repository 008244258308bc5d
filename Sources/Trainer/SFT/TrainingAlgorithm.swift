/// What `aepo train --algorithm NAME` runs: the supervised warm start, or
/// one of the policy-optimisation algorithms.
public enum TrainingAlgorithm: Sendable, Equatable {
    /// Supervised training on expert trajectories (the warm start).
    case sft
    /// Reinforcement learning with a policy-optimisation algorithm.
    case rl(PolicyAlgorithm)

    /// Every valid name: `sft`, then the RL algorithms.
    public static var names: [String] { ["sft"] + PolicyAlgorithm.allCases.map(\.rawValue) }

    /// The name, as `names` lists it.
    public var name: String {
        switch self {
        case .sft: "sft"
        case .rl(let algorithm): algorithm.rawValue
        }
    }

    /// Looks an algorithm up by name (case-insensitive).
    /// - Throws: `TrainingAlgorithmError.unknown` listing the valid names.
    public static func named(_ name: String) throws(TrainingAlgorithmError) -> TrainingAlgorithm {
        if name.lowercased() == "sft" { return .sft }
        guard let algorithm = PolicyAlgorithm(rawValue: name.lowercased()) else { throw .unknown(name: name, valid: names) }
        return .rl(algorithm)
    }
}

/// An algorithm name that is not one of `TrainingAlgorithm`'s.
public enum TrainingAlgorithmError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `name` is unknown; `valid` lists the algorithms.
    case unknown(name: String, valid: [String])

    public var description: String {
        switch self {
        case .unknown(let name, let valid):
            "unknown algorithm \"\(name)\"; valid algorithms: \(valid.joined(separator: ", "))"
        }
    }
}
