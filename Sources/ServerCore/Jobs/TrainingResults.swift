import Crypto
import Foundation

/// What a finished training job leaves behind: its final checkpoint,
/// registered like an upload (a built-in job's file, a template job's
/// merged `hf` directory), and the evaluation it asked for.
package struct TrainingResults: Sendable {
    package let checkpoints: CheckpointStore
    package let submitter: EvaluationSubmitter
    /// Validates a merged directory as an uploaded one is.
    package let inspector: HFDirectoryInspector
    /// The bounds of an upload, which a merged directory keeps too.
    package let limits: ArchiveLimits

    package init(
        checkpoints: CheckpointStore, submitter: EvaluationSubmitter,
        inspector: HFDirectoryInspector = HFDirectoryInspector(tensorCheck: BuiltinHFTensorCheck()),
        limits: ArchiveLimits = ArchiveLimits(maxBytes: 1 << 40)
    ) {
        self.checkpoints = checkpoints
        self.submitter = submitter
        self.inspector = inspector
        self.limits = limits
    }

    package struct Outcome: Sendable {
        package var checkpoint: Int64?
        package var evaluation: Int64?
        /// Why the requested evaluation could not be queued (the job still finished).
        package var evaluationError: String?
    }

    /// Registers a built-in job's final checkpoint file, with job `job` as its origin.
    package func register(_ launch: TrainingLaunch, job: Int64? = nil) async throws -> Outcome {
        guard let path = launch.outputCheckpoint else { return Outcome() }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingResultError(description: "the trainer exited successfully but wrote no checkpoint at \(path)")
        }
        let (sha256, bytes) = try Self.hash(url)
        let format = try SafetensorsInspector.inspect(fileAt: url)
        let registration = try await checkpoints.registerFile(
            name: launch.checkpointName, sha256: sha256, bytes: bytes, format: format, temporaryFile: url, origin: job)
        return await evaluate(launch.evaluate, on: registration.checkpoint)
    }

    /// The outcome of `checkpoint`, with `evaluate` queued on it. An
    /// evaluation that cannot be queued does not undo the checkpoint: the
    /// job finishes and says why.
    func evaluate(_ evaluate: TrainingRequest.Evaluate?, on checkpoint: CheckpointView) async -> Outcome {
        var outcome = Outcome(checkpoint: checkpoint.id)
        guard let evaluate else { return outcome }
        // An engine profile runs any hf directory; the built-in engine only those it knows.
        if (evaluate.engine ?? "builtin") == "builtin", checkpoint.kind == .hf, !(checkpoint.runnableBy ?? []).contains("builtin") {
            outcome.evaluationError = "engine builtin cannot run checkpoint \(checkpoint.name): \(checkpoint.message ?? "it is not runnable")"
            return outcome
        }
        do {
            var request = EvaluationRequest(
                checkpoint: .id(checkpoint.id), benchmarks: evaluate.benchmarks, samples: evaluate.samples)
            request.limit = evaluate.limit
            request.engine = evaluate.engine
            outcome.evaluation = try await submitter.submit(request).id
        } catch let error as CoreError {
            outcome.evaluationError = error.message
        } catch {
            outcome.evaluationError = "\(error)"
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
