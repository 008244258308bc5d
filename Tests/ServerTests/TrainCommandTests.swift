import ArgumentParser
import Foundation
import Testing
import Trainer

@testable import Server
@testable import ServerCore

@Suite("aepo train")
struct TrainCommandTests {
    @Test("unknown algorithms and tasks are refused, listing the valid ones")
    func refusals() {
        let common = ["--steps", "1", "--out", "/tmp/x.safetensors"]
        #expect(refusal(["--algorithm", "ppo", "--task", "synth-arith"] + common).contains("valid algorithms: sft, grpo, dapo, gspo, reinforce++, gppo, cispo, arpo, aepo"))
        #expect(refusal(["--algorithm", "sft", "--task", "synth-x"] + common).contains("valid tasks: synth-arith, synth-hop"))
    }

    /// The error message for arguments that must not parse ("" when they do).
    private func refusal(_ arguments: [String]) -> String {
        do {
            _ = try TrainCommand.parse(arguments)
            return ""
        } catch {
            return TrainCommand.message(for: error)
        }
    }

    @Test("a tiny run writes verl event lines and a checkpoint with its provenance")
    func tinyRun() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("m.safetensors").path
        let events = directory.appendingPathComponent("events.jsonl").path
        let config = #"{"model":{"d_model":16,"n_layer":1,"n_head":2},"batch_size":2,"data":{"train_items":20,"test_items":2}}"#
        var command = try TrainCommand.parse([
            "--algorithm", "sft", "--task", "synth-hop", "--steps", "3", "--seed", "9", "--out", out,
            "--events", events, "--config-json", config,
        ])
        try await command.run()
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        for (index, line) in lines.enumerated() {
            let decoded = try JSONDecoder().decode(MetricsLine.self, from: Data(line.utf8))
            #expect(decoded.step == index + 1 && decoded.nonFiniteKeys.isEmpty)
            #expect(decoded.data["train/loss"] != nil && decoded.data["actor/lr"] != nil)
        }
        let loaded = try Checkpoint.load(from: URL(fileURLWithPath: out))
        #expect(loaded.metadata == CheckpointMetadata(algorithm: "sft", task: "synth-hop", step: 3, seed: 9))
        #expect(loaded.model.config.contextLength == 576 && loaded.model.config.modelDimension == 16)
    }
}

@Suite("aepo train with RL algorithms")
struct TrainCommandRLTests {
    private static let tinyRL = #"""
        {"prompts_per_step":2,"rollout":{"group_size":2,"arpo_global_samples":1},"max_tokens_per_call":8,
         "mini_batches":1,"data":{"train_items":20,"test_items":2},"warm_start_steps":2,
         "warm_start":{"model":{"d_model":16,"n_layer":1,"n_head":2,"context_length":192},"batch_size":2}}
        """#

    private func lines(_ path: String) throws -> [MetricsLine] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(MetricsLine.self, from: Data($0.utf8))
        }
    }

    @Test("without --init the run begins with the SFT warm start as its own phase, then logs every RL key")
    func warmStartThenRL() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("aepo.safetensors").path
        let events = directory.appendingPathComponent("events.jsonl").path
        var command = try TrainCommand.parse([
            "--algorithm", "aepo", "--task", "synth-arith", "--steps", "2", "--seed", "4", "--out", out,
            "--events", events, "--config-json", Self.tinyRL,
        ])
        try await command.run()
        let written = try lines(events)
        #expect(written.map(\.step) == [1, 2, 3, 4])
        #expect(written.prefix(2).allSatisfy { $0.data["phase/warm_start"] == 1 && $0.data["train/loss"] != nil })
        for line in written.suffix(2) {
            #expect(line.data["phase/warm_start"] == nil && line.nonFiniteKeys.isEmpty)
            for key in ["critic/score/mean", "actor/pg_clipfrac", "rollout/global_samples", "rollout/h_tool_avg"] {
                #expect(line.data[key] != nil, "\(key)")
            }
        }
        let loaded = try Checkpoint.load(from: URL(fileURLWithPath: out))
        #expect(loaded.metadata == CheckpointMetadata(algorithm: "aepo", task: "synth-arith", step: 4, seed: 4))
    }

    @Test("--init starts RL from a checkpoint; the same seed gives the same metrics")
    func fromInitDeterministic() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let initPath = directory.appendingPathComponent("init.safetensors").path
        let model = try GPT(
            config: GPTConfig(vocabSize: 512, contextLength: 128, layerCount: 1, headCount: 2, modelDimension: 16), seed: 2)
        try Checkpoint.save(
            model, tokenizer: try ByteTokenizer(vocabSize: 512),
            metadata: CheckpointMetadata(algorithm: "sft", task: "synth-arith", step: 0, seed: 2),
            to: URL(fileURLWithPath: initPath))
        var runs: [[MetricsLine]] = []
        for run in 0..<2 {
            let events = directory.appendingPathComponent("events\(run).jsonl").path
            var command = try TrainCommand.parse([
                "--algorithm", "grpo", "--task", "synth-arith", "--steps", "2", "--seed", "7", "--init", initPath,
                "--out", directory.appendingPathComponent("out\(run).safetensors").path, "--events", events,
                "--config-json", Self.tinyRL,
            ])
            try await command.run()
            runs.append(try lines(events))
        }
        let stable = { (lines: [MetricsLine]) in
            lines.map { $0.data.filter { !$0.key.hasPrefix("timing_s/") && $0.key != "perf/throughput" } }
        }
        #expect(runs[0].map(\.step) == [1, 2])
        #expect(stable(runs[0]) == stable(runs[1]))
    }
}
