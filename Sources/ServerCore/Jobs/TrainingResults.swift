import Crypto
import Foundation

/// What a finished training job leaves behind: its final checkpoint,
/// registered like an upload, and the evaluation it asked for.
package struct TrainingResults: Sendable {
    package let checkpoints: CheckpointStore
    package let submitter: EvaluationSubmitter

    package init(checkpoints: CheckpointStore, submitter: EvaluationSubmitter) {
        self.checkpoints = checkpoints
        self.submitter = submitter
    }

    package struct Outcome: Sendable {
        package var checkpoint: Int64?
        package var evaluation: Int64?
        /// Why the requested evaluation could not be queued (the job still finished).
        package var evaluationError: String?
    }

    package func register(_ launch: TrainingLaunch) async throws -> Outcome {
        guard let path = launch.outputCheckpoint else { return Outcome() }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingResultError(description: "the trainer exited successfully but wrote no checkpoint at \(path)")
        }
        let (sha256, bytes) = try Self.hash(url)
        let format = try SafetensorsInspector.inspect(fileAt: url)
        let registration = try await checkpoints.registerFile(
            name: launch.checkpointName, sha256: sha256, bytes: bytes, format: format, temporaryFile: url)
        var outcome = Outcome(checkpoint: registration.checkpoint.id)
        if let evaluate = launch.evaluate {
            do {
                let request = EvaluationRequest(
                    checkpoint: .id(registration.checkpoint.id), benchmarks: evaluate.benchmarks, samples: evaluate.samples)
                outcome.evaluation = try await submitter.submit(request).id
            } catch let error as CoreError {
                outcome.evaluationError = error.message
            }
        }
        return outcome
    }

    /// SHA-256 and size of a file, read in 1 MiB chunks.
    package static func hash(_ url: URL) throws -> (String, Int64) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += Int64(chunk.count)
        }
        return (hasher.finalize().hexString, bytes)
    }
}

package struct TrainingResultError: Error, CustomStringConvertible {
    package let description: String
}
