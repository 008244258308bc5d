import Foundation

/// What a training job runs: the argv (no shell), its working directory, and
/// where its metrics and final checkpoint appear.
package struct TrainingLaunch: Codable, Sendable, Equatable {
    package var arguments: [String]
    package var workingDirectory: String
    /// Builtin jobs print verl lines on stdout; template jobs write this file.
    package var eventsFile: String?
    /// The checkpoint a builtin job writes (`--out`).
    package var outputCheckpoint: String?
    package var evaluate: TrainingRequest.Evaluate?
    /// The checkpoint's name once registered.
    package var checkpointName: String
}
