import Benchmarks
import Crypto
import Foundation
import GRDB

/// Writes a synthetic leaderboard straight into a data directory's database:
/// an imported dataset version per benchmark, endpoint checkpoints, and one
/// finished evaluation per checkpoint with a result row per benchmark. For
/// `scripts/bench-leaderboard` and screenshots; never for real data.
package struct LeaderboardSeeder {
    package var checkpoints: Int
    /// The chance that a checkpoint has no result on a benchmark.
    package var missingRate = 0.0
    /// Compute 95% bootstrap intervals (slow for many checkpoints).
    package var intervals = false
    package var seed: UInt64 = 1

    package init(checkpoints: Int, missingRate: Double = 0.0, intervals: Bool = false, seed: UInt64 = 1) {
        self.checkpoints = checkpoints
        self.missingRate = missingRate
        self.intervals = intervals
        self.seed = seed
    }

    /// Items per benchmark when the authors' count varies (the `math` set).
    package static let defaultItems = 500

    /// Seeds `database`; returns the number of result rows written.
    package func seed(_ database: AppDatabase) async throws -> Int {
        let now = Timestamp.now()
        var seedVersions: [String: DatasetVersion] = [:]
        for spec in BenchmarkCatalog.all {
            let items = spec.authorsItemCount ?? Self.defaultItems
            let sha = SHA256.hash(data: Data("aepo-seed/\(spec.name)/\(items)".utf8)).hexString
            seedVersions[spec.name] = DatasetVersion(sha: sha, items: items)
        }
        return try await database.writer.write { [seedVersions] db in
            var generator = SplitMix64(seed: seed)
            let versions = seedVersions
            for spec in BenchmarkCatalog.all {
                guard let version = versions[spec.name] else { continue }
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO dataset_version (benchmark, sha256, source, item_count, file_name, created_at)
                        VALUES (?, ?, 'imported', ?, 'seeded (no items)', ?)
                        """, arguments: [spec.name, version.sha, version.items, now])
                try db.execute(
                    sql: """
                        INSERT INTO active_dataset (benchmark, sha256, activated_at) VALUES (?, ?, ?)
                        ON CONFLICT (benchmark) DO UPDATE SET sha256 = excluded.sha256
                        """, arguments: [spec.name, version.sha, now])
            }
            var written = 0
            let first = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM checkpoint") ?? 0) + 1
            for number in first..<(first + checkpoints) {
                let skill = 0.15 + 0.6 * generator.unit()
                let name = Self.name(number)
                try db.execute(
                    sql: """
                        INSERT INTO checkpoint (name, kind, metadata, endpoint_url, endpoint_model, max_concurrency, created_at)
                        VALUES (?, 'endpoint', '{}', 'http://127.0.0.1:9/v1', ?, 16, ?)
                        """, arguments: [name, name, now])
                let checkpointID = db.lastInsertedRowID
                try db.execute(
                    sql: "INSERT INTO checkpoint_name (name, checkpoint_id, created_at) VALUES (?, ?, ?)",
                    arguments: [name, checkpointID, now])
                let benchmarks = BenchmarkCatalog.all.filter { _ in generator.unit() >= missingRate }
                guard !benchmarks.isEmpty else { continue }
                let config = EvaluationConfig(
                    benchmarks: benchmarks.map(\.name), samples: 5, limit: nil, seed: 0, sampling: SamplingParameters(),
                    limits: AgentLimits(), promptTemplate: .chatml, search: SearchSettings(), judge: nil,
                    datasets: versions.mapValues(\.sha).filter { key, _ in benchmarks.contains { $0.name == key } })
                let canonical = try config.canonical()
                let total = benchmarks.reduce(0) { $0 + (versions[$1.name]?.items ?? 0) * 5 }
                try db.execute(
                    sql: """
                        INSERT INTO evaluation (checkpoint_id, config, config_sha256, concurrency, status, total, created_at,
                            started_at, finished_at)
                        VALUES (?, ?, ?, 16, 'finished', ?, ?, ?, ?)
                        """, arguments: [checkpointID, canonical.json, canonical.sha256, total, now, now, now])
                let evaluationID = db.lastInsertedRowID
                for (position, spec) in benchmarks.enumerated() {
                    guard let version = versions[spec.name] else { continue }
                    let difficulty = spec.group == .math ? 0.15 : spec.group == .knowledge ? 0.0 : -0.2
                    let p = min(max(skill + difficulty + 0.1 * (generator.unit() - 0.5), 0.01), 0.98)
                    // Items differ in difficulty: u^((1-p)/p) has mean p over uniform u.
                    let counts = (0..<version.items).map { _ in
                        let itemP = pow(generator.unit(), (1 - p) / p)
                        return (0..<5).reduce(0) { sum, _ in sum + (generator.unit() < itemP ? 1 : 0) }
                    }
                    let pairs = counts.map { (n: 5, c: $0) }
                    let interval = intervals ? BootstrapInterval.mean(of: counts.map { Double($0) / 5 }) : nil
                    try db.execute(
                        sql: "INSERT INTO evaluation_benchmark (evaluation_id, position, benchmark, dataset_sha256, items) VALUES (?, ?, ?, ?, ?)",
                        arguments: [evaluationID, position, spec.name, version.sha, version.items])
                    try db.execute(
                        sql: """
                            INSERT INTO evaluation_result (evaluation_id, benchmark, dataset_sha256, items, samples, pass_at_1,
                                pass_at_5, ci_low, ci_high, metric, created_at)
                            VALUES (?, ?, ?, ?, 5, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            evaluationID, spec.name, version.sha, version.items, try PassAtK.mean(pairs, k: 1),
                            try PassAtK.mean(pairs, k: 5), interval?.low, interval?.high,
                            spec.scoring == .mathEqual ? "math-equal" : "exact-match", now,
                        ])
                    written += 1
                }
            }
            return written
        }
    }

    /// Distinct names that say they are synthetic: `demo/family-size-algorithm-step-S-rN`.
    package static func name(_ number: Int) -> String {
        let families = ["qwen3", "qwen2.5", "llama3.1", "r1-distill"]
        let sizes = ["7b", "8b", "14b", "32b"]
        let algorithms = ["aepo", "arpo", "grpo", "dapo", "gspo"]
        let family = families[number % families.count]
        let size = sizes[(number / families.count) % sizes.count]
        let algorithm = algorithms[(number / 3) % algorithms.count]
        return "demo/\(family)-\(size)-\(algorithm)-step-\(100 * (1 + number % 8))-r\(number)"
    }
}

extension SplitMix64 {
    /// A uniform value in [0, 1).
    package mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

/// A seeded benchmark's dataset version: its digest and item count.
private struct DatasetVersion: Sendable {
    package var sha: String
    package var items: Int
}
