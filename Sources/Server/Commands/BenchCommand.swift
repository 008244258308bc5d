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
    /// sample searches once and then answers `\boxed{42}`, so a sample costs
    /// two calls; like vLLM it reports `max_model_len` on `GET /v1/models`,
    /// answers its context-length 400 to the first call of
    /// `--overflow-percent` of the samples (they end as errors), and cuts
    /// the answer turn of `--cut-percent` of them with `finish_reason:
    /// "length"` (the continuation finishes it: one call more). Samples are
    /// picked by the seed of their first call. Prints `listening on PORT`;
    /// on SIGTERM prints the calls served and how many samples overflowed
    /// and were cut.
    struct StandIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stand-in", abstract: "Serve a scripted /v1/completions with a fixed latency.")

        @Option(help: "Port (0 picks a free one).") var port = 0
        @Option(help: "Latency of every call in milliseconds.") var latencyMs = 50
        @Option(help: "Samples whose first call gets the context-length 400, in percent.") var overflowPercent = 0
        @Option(help: "Samples whose answer turn ends on the token limit, in percent.") var cutPercent = 0
        @Option(help: "The context length /v1/models reports.") var maxModelLen = 32768

        struct Counts {
            var calls = 0
            var overflowed: Set<UInt64> = []
            var cut: Set<UInt64> = []
        }

        /// Whether a sample (the seed of its first call) is in the first `percent` of 100 buckets.
        static func picked(_ seed: UInt64, salt: UInt64, percent: Int) -> Bool {
            var mixed = (seed ^ salt) &* 0x9E37_79B9_7F4A_7C15
            mixed ^= mixed >> 31
            return Int(mixed % 100) < percent
        }

        func run() async throws {
            let latency = Duration.milliseconds(latencyMs)
            let counts = Mutex(Counts())
            let (overflowPercent, cutPercent, maxModelLen) = (self.overflowPercent, self.cutPercent, self.maxModelLen)
            let router = Router()
            router.get("v1/models") { _, _ -> Response in
                let json = #"{"object":"list","data":[{"id":"stand-in","object":"model","max_model_len":\#(maxModelLen)}]}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
            }
            router.post("v1/completions") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 16 << 20)
                let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
                let prompt = object["prompt"] as? String ?? ""
                let seed = (object["seed"] as? NSNumber).map { UInt64(bitPattern: $0.int64Value) } ?? 0
                try await Task.sleep(for: latency)
                // The system prompt describes <result> too: look at the assistant's turn only.
                let turn = prompt.components(separatedBy: "<|im_start|>assistant").last ?? prompt
                let searched = turn.contains("<result>")
                let continued = turn.contains("<think>cut")
                let sample = seed &- (continued ? 2 : (searched ? 1 : 0))
                var text = ""
                var finish = "stop"
                var stop: String? = nil
                if !searched, Self.picked(sample, salt: 1, percent: overflowPercent) {
                    counts.withLock {
                        $0.calls += 1
                        $0.overflowed.insert(sample)
                    }
                    let message = "This model's maximum context length is \(maxModelLen) tokens. However, you requested "
                        + "\(maxModelLen + 4096 + 1) tokens (\(maxModelLen + 1) in the messages, 4096 in the completion). "
                        + "Please reduce the length of the messages or completion."
                    let json = #"{"object":"error","message":"\#(message)","type":"BadRequestError","param":null,"code":400}"#
                    return Response(status: .badRequest, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
                }
                if !searched {
                    (text, finish, stop) = ("<search> stand-in query", "stop", "</search>")
                } else if !continued, Self.picked(sample, salt: 2, percent: cutPercent) {
                    counts.withLock { _ = $0.cut.insert(sample) }
                    (text, finish) = ("<think>cut short", "length")
                } else {
                    (text, finish, stop) = ("<answer>\\\\boxed{42}", "stop", "</answer>")
                }
                counts.withLock { $0.calls += 1 }
                let stopJSON = stop.map { "\"\($0)\"" } ?? "null"
                let json = #"{"id":"x","object":"text_completion","model":"stand-in","choices":[{"index":0,"text":"\#(text)","finish_reason":"\#(finish)","stop_reason":\#(stopJSON)}],"usage":{"prompt_tokens":300,"completion_tokens":10,"total_tokens":310}}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
            }
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "stand-in"),
                onServerRunning: { channel in
                    FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? 0)\n".utf8))
                })
            try await app.runService()
            let final = counts.withLock { $0 }
            FileHandle.standardOutput.write(Data(
                "calls \(final.calls) overflowed \(final.overflowed.count) cut \(final.cut.count)\n".utf8))
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
