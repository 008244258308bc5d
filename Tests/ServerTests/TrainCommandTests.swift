import ArgumentParser
import Foundation
import Testing
import Trainer

@testable import Server

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
