import Foundation

/// What a training job runs: the argv (no shell), its working directory, and
/// where its metrics and final checkpoint appear.
struct TrainingLaunch: Codable, Sendable, Equatable {
    var arguments: [String]
    var workingDirectory: String
    /// Builtin jobs print verl lines on stdout; template jobs write this file.
    var eventsFile: String?
    /// The checkpoint a builtin job writes (`--out`).
    var outputCheckpoint: String?
    var evaluate: TrainingRequest.Evaluate?
    /// The checkpoint's name once registered.
    var checkpointName: String
}
