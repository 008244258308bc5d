import Benchmarks
import Foundation
import Testing
import Trainer

@testable import ServerCore

/// The built `aepo rollout` on the tiny Hugging Face checkpoint (random
/// weights: rewards are about 0) and on a tiny aepo-gpt file.
@Suite("aepo rollout")
struct RolloutCommandTests {
    /// Runs `aepo rollout` and returns its status, outputs and the records it wrote.
    private func rollout(
        _ checkpoint: String, _ arguments: [String], in directory: URL, name: String
    ) throws -> (status: Int32, stdout: String, stderr: String, records: [RolloutRecord], bytes: Data) {
        let out = directory.appendingPathComponent("\(name).jsonl")
        let run = try runAepo(["rollout", checkpoint, "--out", out.path, "--threads", "1"] + arguments)
        let bytes = (try? Data(contentsOf: out)) ?? Data()
        let records = try String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(RolloutRecord.self, from: Data($0.utf8))
        }
        return (run.status, run.stdout, run.stderr, records, bytes)
    }

    @Test("a Hugging Face checkpoint: one line per group with k rollouts, its chat template, a summary; the seed fixes the file")
    func huggingFace() throws {
        let directory = try TemporaryDirectory.make()
        let common = ["--benchmark", "gsm8k", "--questions", "2", "--k", "3", "--max-tokens", "8"]
        let first = try rollout(TinyHFCheckpoint.directory.path, common + ["--mode", "aepo", "--seed", "5"], in: directory, name: "a")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("2 groups, 6 rollouts") && first.stdout.contains("tokens/s"))
        #expect(first.stderr.contains("gsm8k: 2 question(s) of gsm8k.jsonl (sample), k = 3"))
        let spec = try BenchmarkCatalog.spec(named: "gsm8k")
        let items = try SampleDatasets.load(spec).items
        #expect(first.records.map(\.group) == [0, 1])
        for (record, item) in zip(first.records, items) {
            #expect(record.question == item.question && record.itemID == item.id && record.answers == item.answers)
            // The checkpoint's own template around the code_search system prompt, as its evaluations frame it.
            #expect(
                record.prompt
                    == "<|im_start|>system\n\(SystemPrompt.codeSearch(for: spec))<|im_end|>\n<|im_start|>user\n\(item.question)"
                    + "<|im_end|>\n<|im_start|>assistant\n")
            #expect(record.k == 3 && (1...3).contains(record.m))
            #expect(record.globalSamples + record.branchSamples == 3)
            #expect(record.hRoot > 0 && record.hRoot <= 1 && record.hToolAvg > 0 && record.hToolAvg <= 1)
            #expect(record.rollouts.map(\.index) == [0, 1, 2])
            for sample in record.rollouts {
                #expect((1...8 * sample.modelCalls).contains(sample.tokens))
                #expect(sample.reward >= 0 && sample.reward <= 1 && sample.metric == "math-equal")
                #expect((sample.meanEntropy ?? 0) > 0 && sample.origin == (sample.parent == nil ? "global" : "branch"))
            }
        }
        let again = try rollout(TinyHFCheckpoint.directory.path, common + ["--mode", "aepo", "--seed", "5"], in: directory, name: "b")
        #expect(again.status == 0 && again.bytes == first.bytes)
        let other = try rollout(TinyHFCheckpoint.directory.path, common + ["--mode", "aepo", "--seed", "6"], in: directory, name: "c")
        #expect(other.status == 0 && other.bytes != first.bytes)
        let group = try rollout(TinyHFCheckpoint.directory.path, common + ["--mode", "group", "--seed", "5"], in: directory, name: "d")
        #expect(group.status == 0 && group.records.allSatisfy { $0.m == 3 && $0.globalSamples == 3 && $0.rollouts.count == 3 })
        #expect(first.stderr.contains("f32 products"))
    }

    @Test("--activations bf16 runs the model's products in bf16, as serve-model's option does",
          .enabled(if: ActivationPrecision.bf16Available))
    func bf16Products() throws {
        let directory = try TemporaryDirectory.make()
        let arguments = ["--benchmark", "gsm8k", "--questions", "1", "--k", "2", "--max-tokens", "8", "--seed", "5"]
        let run = try rollout(TinyHFCheckpoint.directory.path, arguments + ["--activations", "bf16"], in: directory, name: "bf16")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("bf16 products") && run.records.count == 1 && run.records[0].rollouts.count == 2)
        let again = try rollout(TinyHFCheckpoint.directory.path, arguments + ["--activations", "bf16"], in: directory, name: "again")
        #expect(again.bytes == run.bytes)
    }

    @Test("an aepo-gpt file: the plain framing, no system prompt, the suite's items")
    func aepoGPT() throws {
        let directory = try TemporaryDirectory.make()
        let file = directory.appendingPathComponent("tiny.safetensors")
        let config = GPTConfig(vocabSize: 512, contextLength: 96, layerCount: 1, headCount: 2, modelDimension: 16)
        try Checkpoint.save(
            try GPT(config: config, seed: 3), tokenizer: try ByteTokenizer(vocabSize: 512),
            metadata: CheckpointMetadata(algorithm: "sft", task: "synth-arith", step: 1, seed: 3), to: file)
        let run = try rollout(
            file.path, ["--benchmark", "synth-arith", "--questions", "2", "--k", "4", "--mode", "arpo", "--max-tokens", "16"],
            in: directory, name: "gpt")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 groups, 8 rollouts"))
        let test = try BuiltinSuites.published().suite(named: "synth-arith")?.test ?? []
        #expect(run.records.map(\.question) == test.prefix(2).map(\.item.question))
        #expect(run.records.allSatisfy { $0.prompt == $0.question + "\n" && $0.rollouts.count == 4 })
    }

    @Test("--data-dir: the directory's active dataset of the benchmark")
    func dataDirectory() async throws {
        let directory = try TemporaryDirectory.make()
        let spec = try BenchmarkCatalog.spec(named: "gsm8k")
        let dataset = try DatasetParser.parse(
            Data(EvaluationFixture.gsm8k.utf8), fileName: "gsm8k.jsonl", spec: spec, source: .imported)
        _ = try await DatasetStore(database: try AppDatabase.open(directory: directory)).importDataset(dataset, fileName: "gsm8k.jsonl")
        let run = try rollout(
            TinyHFCheckpoint.directory.path,
            ["--benchmark", "gsm8k", "--data-dir", directory.path, "--questions", "5", "--k", "2", "--max-tokens", "4"],
            in: directory, name: "imported")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.records.map(\.itemID) == ["a", "b", "c"])
        #expect(run.records.map(\.answers) == [["5"], ["6"], ["9"]])
    }

    @Test("refusals name what is wrong")
    func refusals() throws {
        let directory = try TemporaryDirectory.make()
        let unknown = try rollout(TinyHFCheckpoint.directory.path, ["--benchmark", "mmlu"], in: directory, name: "x")
        #expect(unknown.status != 0 && unknown.stderr.contains("valid names: aime24"))
        let mode = try rollout(TinyHFCheckpoint.directory.path, ["--benchmark", "gsm8k", "--mode", "ppo"], in: directory, name: "x")
        #expect(mode.status != 0 && mode.stderr.contains("'aepo', 'arpo' or 'group'"))
        // The same checkpoint without its chat template: rollouts are framed with the checkpoint's own, so none.
        let bare = directory.appendingPathComponent("bare", isDirectory: true)
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        for name in ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json"] {
            try FileManager.default.copyItem(
                at: TinyHFCheckpoint.directory.appendingPathComponent(name), to: bare.appendingPathComponent(name))
        }
        let tokenizerConfig = try JSONSerialization.jsonObject(
            with: Data(contentsOf: TinyHFCheckpoint.directory.appendingPathComponent("tokenizer_config.json")))
        var withoutTemplate = try #require(tokenizerConfig as? [String: Any])
        withoutTemplate["chat_template"] = nil
        try JSONSerialization.data(withJSONObject: withoutTemplate).write(to: bare.appendingPathComponent("tokenizer_config.json"))
        let untemplated = try rollout(bare.path, ["--benchmark", "gsm8k"], in: directory, name: "x")
        #expect(untemplated.status != 0 && untemplated.stderr.contains("has no chat template"))
        let noDatabase = try rollout(
            TinyHFCheckpoint.directory.path, ["--benchmark", "gsm8k", "--data-dir", directory.path], in: directory, name: "x")
        #expect(noDatabase.status != 0 && noDatabase.stderr.contains("no aepo.sqlite"))
    }
}
