/// The training algorithms `aepo train` knows, chosen by name through one
/// closed enum (the RL algorithms join it when they land).
public enum TrainingAlgorithm: String, Sendable, CaseIterable, Codable {
    /// Supervised training on expert trajectories (the warm start).
    case sft

    /// The algorithm names, for messages.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// Looks an algorithm up by name.
    /// - Throws: `TrainingAlgorithmError.unknown` listing the valid names.
    public static func named(_ name: String) throws(TrainingAlgorithmError) -> TrainingAlgorithm {
        guard let algorithm = TrainingAlgorithm(rawValue: name) else { throw .unknown(name: name, valid: names) }
        return algorithm
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
