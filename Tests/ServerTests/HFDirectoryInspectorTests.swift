import Foundation
import Testing

@testable import ServerCore

@Suite("Hugging Face directory validation")
struct HFDirectoryInspectorTests {
    let inspector = HFDirectoryInspector(tensorCheck: LlamaOnlyTensorCheck())

    /// Writes `entries` to a fresh directory and inspects it.
    func inspect(_ entries: [TarFixture.Entry]) throws -> HFCheckpointSummary {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        try HFFixture.write(entries, to: directory)
        let files = entries.compactMap { entry in
            entry.data.map { DirectoryManifest.File(path: entry.path, bytes: Int64($0.count), sha256: "") }
        }
        return try inspector.inspect(root: directory, manifest: DirectoryManifest(files: files))
    }

    func refusal(_ entries: [TarFixture.Entry]) -> HFCheckpointError? {
        do {
            _ = try inspect(entries)
            return nil
        } catch {
            return error as? HFCheckpointError
        }
    }

    @Test func validLlamaDirectoryIsRunnable() throws {
        let summary = try inspect(HFFixture.llamaFiles())
        #expect(summary == HFCheckpointSummary(
            architecture: "LlamaForCausalLM", modelType: "llama", parameters: HFFixture.llamaParameters, tensors: 11,
            dtype: "bfloat16", contextLength: 2048, hasChatTemplate: true, runnableBy: ["builtin"], message: nil))
        let sharded = try inspect(HFFixture.shardedFiles())
        #expect(sharded.parameters == HFFixture.llamaParameters)
        #expect(sharded.runnableBy == ["builtin"])
        #expect(sharded.hasChatTemplate == false)
    }

    @Test func unsupportedArchitectureIsStoredWithoutEngine() throws {
        var files = HFFixture.llamaFiles(architecture: "GPTNeoXForCausalLM")
        files[1] = .file("model.safetensors", HFFixture.safetensors([("gpt_neox.embed_in.weight", [32, 8])], dtype: "F16"))
        let summary = try inspect(files)
        #expect(summary.runnableBy.isEmpty)
        #expect(summary.message?.contains("does not run GPTNeoXForCausalLM") == true)
        #expect(summary.dtype == "float16")
        #expect(summary.parameters == 256)
    }

    @Test func missingOrWrongTensorsAreNamed() throws {
        var missing = HFFixture.llamaFiles()
        missing[1] = .file("model.safetensors", HFFixture.safetensors(HFFixture.llamaTensors().filter { $0.0 != "model.norm.weight" }))
        #expect(refusal(missing)?.file == "model.safetensors")
        #expect(refusal(missing)?.reason.contains("tensor \"model.norm.weight\" is missing") == true)

        var wrong = HFFixture.llamaFiles()
        wrong[1] = .file("model.safetensors", HFFixture.safetensors(HFFixture.llamaTensors().map {
            $0.0 == "model.layers.0.self_attn.k_proj.weight" ? ($0.0, [8, 8]) : $0
        }))
        #expect(refusal(wrong) == HFCheckpointError(
            file: "model.safetensors", "tensor \"model.layers.0.self_attn.k_proj.weight\" has shape [8, 8], but config.json implies [4, 8]"))

        // Untied output embeddings need lm_head.weight.
        var untied = HFFixture.llamaFiles(tied: false)
        untied[1] = .file("model.safetensors", HFFixture.safetensors(HFFixture.llamaTensors()))
        #expect(refusal(untied)?.reason.contains("\"lm_head.weight\" is missing") == true)
    }

    @Test func weightsInAnUnsupportedDTypeAreNotRunnable() throws {
        var files = HFFixture.llamaFiles()
        files[1] = .file("model.safetensors", HFFixture.safetensors(HFFixture.llamaTensors(), dtype: "F8_E4M3"))
        let summary = try inspect(files)
        #expect(summary.runnableBy.isEmpty)
        #expect(summary.dtype == "float8_e4m3fn")
        #expect(summary.message?.contains("F8_E4M3") == true)
    }

    @Test func indexMismatchesAreNamed() {
        let shard1 = "model-00001-of-00002.safetensors", shard2 = "model-00002-of-00002.safetensors"
        // The index maps a tensor to the wrong shard.
        let wrongShard = refusal(HFFixture.shardedFiles(weightMap: ["model.norm.weight": shard2]))
        #expect(wrongShard == HFCheckpointError(
            file: "model.safetensors.index.json", "maps tensor \"model.norm.weight\" to \"\(shard2)\", which does not hold it"))
        // The index names a shard that was not uploaded.
        let absent = refusal(HFFixture.shardedFiles(weightMap: ["model.norm.weight": "model-00003-of-00003.safetensors"]))
        #expect(absent?.reason.contains("which is not in the upload") == true)
        // A tensor of a shard the index does not list.
        var extra = HFFixture.shardedFiles()
        extra[1] = .file(shard1, HFFixture.safetensors(Array(HFFixture.llamaTensors().prefix(5)) + [("stray.weight", [2])]))
        #expect(refusal(extra) == HFCheckpointError(
            file: shard1, "holds tensor \"stray.weight\" but model.safetensors.index.json does not list it"))
        // An index that climbs out of the directory.
        let climbing = refusal(HFFixture.shardedFiles(weightMap: ["model.norm.weight": "../x.safetensors"]))
        #expect(climbing?.reason.contains("is not a safetensors file in the checkpoint") == true)
        // Not JSON.
        var broken = HFFixture.shardedFiles()
        broken[3] = .file("model.safetensors.index.json", "{")
        #expect(refusal(broken)?.file == "model.safetensors.index.json")
    }

    @Test func configAndHeadersAreChecked() {
        var noConfig = HFFixture.llamaFiles()
        noConfig.removeFirst()
        #expect(refusal(noConfig)?.reason.contains("is missing") == true)
        var notJSON = HFFixture.llamaFiles()
        notJSON[0] = .file("config.json", "[1, 2]")
        #expect(refusal(notJSON) == HFCheckpointError(file: "config.json", "is not a JSON object"))
        var anonymous = HFFixture.llamaFiles()
        anonymous[0] = .file("config.json", #"{"hidden_size": 8}"#)
        #expect(refusal(anonymous)?.reason.contains("names no architecture") == true)
        var badHeader = HFFixture.llamaFiles()
        badHeader[1] = .file("model.safetensors", SafetensorsFixture.file(headerBytes: Data("{\"a\":".utf8), dataBytes: 0))
        #expect(refusal(badHeader)?.file == "model.safetensors")
        var noWeights = HFFixture.llamaFiles()
        noWeights[1] = .file("pytorch_model.bin", "pickle")
        #expect(refusal(noWeights)?.reason.contains("no weights") == true)
        var incoherent = HFFixture.llamaFiles()
        incoherent[0] = .file("config.json", HFFixture.json(HFFixture.llamaConfig(extra: ["num_attention_heads": 3])))
        #expect(refusal(incoherent) == HFCheckpointError(
            file: "config.json", "hidden_size 8 is not a multiple of num_attention_heads 3"))
    }

    @Test func contextLengthFollowsVLLMsReading() throws {
        func length(_ fields: [String: Any]) throws -> Int? {
            var config: [String: Any] = ["model_type": "x"]
            config.merge(fields) { $1 }
            return try HFConfigFacts(json: HFFixture.json(config)).contextLength
        }
        #expect(try length(["max_position_embeddings": 32768]) == 32768)
        #expect(try length(["max_position_embeddings": 4096, "seq_length": 2048]) == 2048)
        #expect(try length(["n_positions": 1024]) == 1024)
        #expect(try length([:]) == nil)
        #expect(try length(["max_position_embeddings": 4096, "rope_scaling": ["type": "linear", "factor": 2.0]]) == 8192)
        #expect(try length([
            "max_position_embeddings": 32768,
            "rope_scaling": ["rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768],
        ]) == 131072)
        // llama3 scaling keeps max_position_embeddings, as in vLLM.
        #expect(try length(["max_position_embeddings": 131072, "rope_scaling": ["rope_type": "llama3", "factor": 8.0]]) == 131072)
        // transformers 5 spelling.
        #expect(try length(["max_position_embeddings": 1000, "rope_parameters": ["rope_type": "dynamic", "factor": 2.0]]) == 2000)
        #expect(try length(["text_config": ["max_position_embeddings": 8192]]) == 8192)
    }

    @Test func chatTemplateSources() throws {
        var files = HFFixture.shardedFiles()
        #expect(try inspect(files).hasChatTemplate == false)
        files.append(.file("chat_template.jinja", "{{ messages }}"))
        #expect(try inspect(files).hasChatTemplate == true)
        files.removeLast()
        files.append(.file("tokenizer_config.json", HFFixture.json(["chat_template": [["name": "default", "template": "x"]]])))
        #expect(try inspect(files).hasChatTemplate == true)
        files.removeLast()
        files.append(.file("tokenizer_config.json", HFFixture.json(["chat_template": ""])))
        #expect(try inspect(files).hasChatTemplate == false)
        files.removeLast()
        files.append(.file("tokenizer_config.json", "not json"))
        #expect(refusal(files) == HFCheckpointError(file: "tokenizer_config.json", "is not a JSON object"))
    }
}
