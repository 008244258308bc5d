import Foundation
import Testing
@testable import Trainer

@Suite("HF model config")
struct HFModelConfigTests {
    @Test("released spelling: Llama with llama3 RoPE, tied, eos list")
    func llama3() throws {
        let c = try HFFixtures.config("llama-llama3")
        #expect(c.architecture == .llama && c.modelType == "llama")
        #expect(c.vocabSize == 512 && c.hiddenSize == 64 && c.intermediateSize == 96 && c.layerCount == 3)
        #expect(c.headCount == 4 && c.keyValueHeadCount == 2 && c.headDimension == 16)
        #expect(c.ropeTheta == 500_000 && c.tieWordEmbeddings)
        #expect(c.ropeScaling == .llama3(factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalContext: 16))
        #expect(c.eosTokenIDs == [2, 3] && c.bosTokenID == 1)
        #expect(c.declaredDType == "bfloat16")
        #expect(c.slidingWindow == nil && c.slidingLayers == [false, false, false])
    }

    @Test("legacy \"type\" key, attention and MLP biases")
    func linear() throws {
        let c = try HFFixtures.config("llama-linear")
        #expect(c.ropeScaling == .linear(factor: 2))
        #expect(c.qkvBias && c.outputBias && c.mlpBias && !c.qkNorm && !c.tieWordEmbeddings)
        #expect(c.declaredDType == "float16")
    }

    @Test("Qwen2: implicit qkv bias only; Qwen3: q/k norm and explicit head_dim")
    func qwen() throws {
        let q2 = try HFFixtures.config("qwen2")
        #expect(q2.qkvBias && !q2.outputBias && !q2.mlpBias && !q2.qkNorm && q2.headDimension == 16)
        #expect(q2.slidingWindow == nil)
        let q3 = try HFFixtures.config("qwen3")
        #expect(q3.qkNorm && !q3.qkvBias && q3.headDimension == 24 && q3.tieWordEmbeddings)
        #expect(q3.ropeTheta == 1_000_000 && q3.ropeScaling == .none && q3.declaredDType == "bfloat16")
    }

    @Test("sliding windows: Mistral on every layer, Qwen2 from max_window_layers on")
    func sliding() throws {
        let mistral = try HFFixtures.config("mistral")
        #expect(mistral.slidingWindow == 7 && mistral.slidingLayers == [true, true, true])
        let yarn = try HFFixtures.config("qwen2-yarn")
        #expect(yarn.slidingWindow == 9 && yarn.slidingLayers == [false, true])
        guard case .yarn(let p) = yarn.ropeScaling else {
            Issue.record("expected yarn")
            return
        }
        #expect(p.factor == 4 && p.originalContext == 16 && p.betaFast == 32 && p.betaSlow == 1 && p.truncate)
        #expect(abs(p.attentionFactor - (0.1 * log(4.0) + 1)) < 1e-12)
        // Qwen2 without use_sliding_window ignores sliding_window
        var object = try HFFixtures.configObject("qwen2-yarn")
        object["use_sliding_window"] = false
        #expect(try HFModelConfig(json: HFFixtures.json(object)).slidingWindow == nil)
        // Mistral without the key gets transformers' default of 4096
        var m = try HFFixtures.configObject("mistral")
        m.removeValue(forKey: "sliding_window")
        #expect(try HFModelConfig(json: HFFixtures.json(m)).slidingWindow == 4096)
    }

    @Test("both spellings of the same config parse to the same model")
    func spellings() throws {
        for name in ["llama-llama3", "llama-linear", "llama-dynamic", "qwen2-yarn", "mistral"] {
            var released = try HFFixtures.configObject(name)
            let original = try HFModelConfig(json: HFFixtures.json(released))
            // transformers 5: rope_theta and the scaling move into rope_parameters, torch_dtype becomes dtype
            var rope = released.removeValue(forKey: "rope_scaling") as? [String: Any] ?? ["rope_type": "default"]
            if let type = rope.removeValue(forKey: "type") { rope["rope_type"] = type }
            rope["rope_theta"] = released.removeValue(forKey: "rope_theta")
            released["rope_parameters"] = rope
            released["dtype"] = released.removeValue(forKey: "torch_dtype")
            #expect(try HFModelConfig(json: HFFixtures.json(released)) == original, "\(name)")
        }
    }

    @Test("head_dim derived from the width when absent, Qwen3's default 128")
    func headDim() throws {
        #expect(try HFFixtures.config("llama").headDimension == 16)
        var q3 = try HFFixtures.configObject("qwen3")
        q3.removeValue(forKey: "head_dim")
        #expect(try HFModelConfig(json: HFFixtures.json(q3)).headDimension == 128)
    }

    @Test("errors name the field")
    func errors() throws {
        func error(_ edit: (inout [String: Any]) -> Void) throws -> HFConfigError? {
            var object = try HFFixtures.configObject("llama")
            edit(&object)
            do {
                _ = try HFModelConfig(json: HFFixtures.json(object))
                return nil
            } catch let error as HFConfigError {
                return error
            }
        }
        #expect(try error { $0.removeValue(forKey: "hidden_size") } == .missingField("hidden_size"))
        #expect(try error { $0["num_key_value_heads"] = 3 }?.description.contains("num_key_value_heads") == true)
        #expect(try error { $0["eos_token_id"] = "x" }?.description.contains("eos_token_id") == true)
        #expect(try error { $0["tie_word_embeddings"] = 1 }?.description.contains("tie_word_embeddings") == true)
        #expect(try error { $0["architectures"] = ["GPT2LMHeadModel"] } == .unsupportedArchitecture("GPT2LMHeadModel"))
        #expect(try error { $0["rope_scaling"] = ["rope_type": "longrope", "factor": 2.0] }?.description.contains("rope_scaling.rope_type") == true)
        #expect(try error { $0["rope_scaling"] = ["rope_type": "linear"] } == .missingField("rope_scaling.factor"))
        #expect(try error { $0["hidden_act"] = "gelu" }?.description.contains("hidden_act") == true)
        #expect(throws: HFConfigError.self) { try HFModelConfig(json: Data("[1]".utf8)) }
    }

    @Test("generation_config.json defaults")
    func generationDefaults() throws {
        let g = try HFGenerationDefaults(directory: HFFixtures.directory("llama-llama3"))
        #expect(g.temperature == 0.7 && g.topP == 0.8 && g.topK == 20 && g.repetitionPenalty == 1.05)
        #expect(g.eosTokenIDs == [2, 3] && g.maxNewTokens == 64 && g.doSample == true)
        #expect(try HFGenerationDefaults(directory: URL(fileURLWithPath: "/nonexistent")) == HFGenerationDefaults())
        // a request's own values win, then the file's, then the neutral defaults
        let resolved = g.resolve(temperature: 0, topK: -1, fallbackMaxTokens: 16)
        #expect(resolved == .init(temperature: 0, topP: 0.8, topK: 0, repetitionPenalty: 1.05, maxTokens: 64))
        #expect(HFGenerationDefaults().resolve(fallbackMaxTokens: 16) == .init(temperature: 1, topP: 1, topK: 0, repetitionPenalty: 1, maxTokens: 16))
        #expect(throws: HFConfigError.invalidField("top_p", reason: "must be in (0, 1]")) {
            try HFGenerationDefaults(json: Data(#"{"top_p": 1.5}"#.utf8))
        }
    }
}
