/// How the final answer is found in a trajectory.
public enum ExtractionMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Only inside the last `<answer>` tag (BENCHMARKS.md).
    case strict
    /// As `strict`; without an answer tag, the last `\boxed{}` anywhere; and
    /// when that gives nothing, the last lines of the output are what the
    /// judge sees (the AEPO authors' released evaluation does both).
    case fallbacks
}
