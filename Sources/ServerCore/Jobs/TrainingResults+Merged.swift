import Foundation

extension TrainingResults {
    /// Registers a template job's merged directory as an `hf` checkpoint,
    /// exactly as an uploaded one: hashed into a manifest, inspected, and
    /// moved to `checkpoints/<digest>/` in the transaction that inserts its
    /// row, with job `job` as its origin. Then queues the job's `evaluate`.
    ///
    /// Content registered before (the same digest) answers the existing
    /// checkpoint with the name recorded as an alias; the merged directory
    /// is then removed.
    /// - Throws: ``TrainingResultError``, `HFCheckpointError` or a store
    ///   error: the merged directory is not a valid checkpoint.
    package func registerMerged(
        _ launch: TrainingLaunch, job: Int64, directory: URL, step: Int
    ) async throws -> Outcome {
        defer { try? FileManager.default.removeItem(at: directory) }
        let extracted = try LocalDirectory.read(directory, limits: limits)
        let summary = try inspector.inspect(root: extracted.root, manifest: extracted.manifest)
        let name = launch.checkpoints?.name ?? "\(launch.checkpointName)-step\(step)"
        let registration = try await checkpoints.registerDirectory(
            name: name, directory: extracted, summary: summary, origin: job)
        return await evaluate(launch.evaluate, on: registration.checkpoint)
    }
}
