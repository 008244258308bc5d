import Benchmarks
import Foundation

extension TrainingManager {
    /// A template job's merged `hf` directory, ready to register.
    package struct Merged: Sendable {
        package var directory: URL
        package var step: Int
    }

    /// How the merge step ended: its directory, or why the job fails.
    enum MergeOutcome: Sendable {
        case merged(Merged)
        case failed(String)
    }

    /// Runs the template's checkpoint merger on the last `global_step_N/actor`
    /// as a step of job `id`: the same detached launch as the command
    /// (its own supervisor and records), the same environment and GPUs, its
    /// output appended to the job's `stdout.log`/`stderr.log` and read into
    /// the job's log from where the command's ended. A cancel terminates it
    /// like the command (``cancel(_:status:reason:)`` signals
    /// `active[id].process`); the caller then sees the stop.
    func merge(_ id: Int64, launch: TrainingLaunch, collection: CheckpointCollection) async -> MergeOutcome {
        let last: (step: Int, path: String)
        do { last = try collection.lastActor() } catch {
            return .failed("the training process exited with status 0, but \(error)")
        }
        // A server that stopped during a merge left its merger running:
        // it goes before this one starts over the same directory.
        if let identity = DetachedProcess.readIdentity(at: launch.mergeIdentityRecordPath),
            let earlier = DetachedProcess.attach(identity, exitRecord: launch.mergeExitRecordPath)
        {
            _ = await earlier.terminate(grace: .zero)
        }
        let target = launch.mergeTarget(step: last.step)
        let arguments = collection.mergeArguments(step: last.step, actor: last.path, target: target)
        let process: DetachedProcess
        do {
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            unlink(launch.mergeExitRecordPath)
            // Spawning is synchronous: a cancel either came before (seen
            // here) or finds the merger in `active`.
            if active[id]?.stop != nil { return .failed("cancelled") }
            try? await ingester.emit(id, .status, ["status": "running", "phase": "merging", "step": last.step])
            let devices: [Int]? = settings.gpus == nil ? nil : capacity.held[id] ?? []
            process = try DetachedProcess.launch(DetachedProcess.Configuration(
                supervisor: settings.supervisor, command: arguments,
                environment: JobEnvironment.make(server: settings.environment, launch: launch.environment ?? [:], devices: devices),
                workingDirectory: launch.workingDirectory, standardOutput: launch.standardOutputPath,
                standardError: launch.standardErrorPath, exitRecord: launch.mergeExitRecordPath,
                identityRecord: launch.mergeIdentityRecordPath))
        } catch {
            return .failed("could not start the checkpoint merger \(arguments.first ?? ""): \(error)")
        }
        active[id]?.process = process
        let positions = (try? await store.positions(job: id)) ?? [:]
        let files = [
            OutputFile(name: "stdout", path: launch.standardOutputPath, rewritable: false, retainBytes: settings.logLimit),
            OutputFile(name: "stderr", path: launch.standardErrorPath, rewritable: false, retainBytes: settings.logLimit),
        ]
        await ingester.follow(job: id, files: files, from: positions, logLimit: settings.logLimit, exited: { process.hasExited })
        if Task.isCancelled { return .failed("the server stopped during the merge") }
        let record = await process.wait()
        guard let record, record.succeeded else {
            let how = record.map { "the checkpoint merger \($0)" } ?? "the checkpoint merger was killed before it recorded how it ended"
            let lines = (try? await store.lastLogLines(job: id, count: 3)) ?? []
            return .failed(how + (lines.isEmpty ? "" : ": " + lines.joined(separator: " | ")))
        }
        return .merged(Merged(directory: URL(fileURLWithPath: target, isDirectory: true), step: last.step))
    }
}
