import ArgumentParser
import Foundation
import Hummingbird
import Synchronization
import ServerCore

/// `aepo bench`: helpers for the benchmark scripts in scripts/.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmark helpers (see scripts/bench-*).", subcommands: [StandIn.self, BenchTrainerCommand.self, BenchEngineCommand.self, SeedLeaderboard.self])

    /// A stand-in OpenAI-compatible model with a fixed latency per call. Each
    /// sample searches once and then answers `\boxed{42}`, so every sample
    /// costs exactly two calls. Prints `listening on PORT`; on SIGTERM prints
    /// the number of calls served.
    struct StandIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stand-in", abstract: "Serve a scripted /v1/completions with a fixed latency.")

        @Option(help: "Port (0 picks a free one).") var port = 0
        @Option(help: "Latency of every call in milliseconds.") var latencyMs = 50

        func run() async throws {
            let latency = Duration.milliseconds(latencyMs)
            let calls = Mutex(0)
            let router = Router()
            router.post("v1/completions") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 16 << 20)
                let prompt = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["prompt"] as? String ?? ""
                calls.withLock { $0 += 1 }
                try await Task.sleep(for: latency)
                // The system prompt describes <result> too: look at the assistant's turn only.
                let searched = (prompt.components(separatedBy: "<|im_start|>assistant").last ?? prompt).contains("<result>")
                let text = searched ? "<answer>\\\\boxed{42}" : "<search> stand-in query"
                let stop = searched ? "</answer>" : "</search>"
                let json = #"{"id":"x","object":"text_completion","model":"stand-in","choices":[{"index":0,"text":"\#(text)","finish_reason":"stop","stop_reason":"\#(stop)"}]}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
            }
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "stand-in"),
                onServerRunning: { channel in
                    FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? 0)\n".utf8))
                })
            try await app.runService()
            FileHandle.standardOutput.write(Data("calls \(calls.withLock { $0 })\n".utf8))
        }
    }

    /// Seeds a synthetic leaderboard into a data directory (hidden: for
    /// `scripts/bench-leaderboard` and screenshots, never for real data).
    struct SeedLeaderboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed-leaderboard", abstract: "Write a synthetic leaderboard into a data directory.",
            shouldDisplay: false)

        @Option(help: "Data directory to write (created and migrated if needed).") var dataDir: String
        @Option(help: "Checkpoints to add, one finished evaluation each.") var checkpoints = 1000
        @Option(help: "Chance in [0, 1) that a checkpoint lacks a benchmark's result.") var missingRate = 0.0
        @Flag(help: "Compute 95% bootstrap intervals (slow for many checkpoints).") var intervals = false
        @Option(help: "Seed of the synthetic scores.") var seed: UInt64 = 1

        func run() async throws {
            let directory = URL(fileURLWithPath: dataDir).standardizedFileURL
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let database = try AppDatabase.open(directory: directory)
            try await DatasetStore(database: database).installSampleSets()
            let seeder = LeaderboardSeeder(checkpoints: checkpoints, missingRate: missingRate, intervals: intervals, seed: seed)
            let rows = try await seeder.seed(database)
            print("seeded \(checkpoints) checkpoints, \(rows) results into \(directory.path)")
        }
    }
}
