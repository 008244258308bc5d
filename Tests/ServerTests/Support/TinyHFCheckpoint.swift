import Foundation

/// Tests/ServerTests/Fixtures/hf-tiny-qwen3 (made by
/// scripts/hf-fixtures/tiny_checkpoint.py) and what transformers computes
/// for it, recorded by hand from `AutoTokenizer` / `AutoModelForCausalLM`
/// in float32.
enum TinyHFCheckpoint {
    static var directory: URL { URL(fileURLWithPath: TestEnvironment.fixture("hf-tiny-qwen3"), isDirectory: true) }

    /// The conversation the recorded values are of.
    static let messages = #"[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+3? 你好"}]"#
    /// `apply_chat_template(messages, tokenize=False, add_generation_prompt=True)`.
    static let rendered = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+3? 你好<|im_end|>\n<|im_start|>assistant\n"
    /// The same with `enable_thinking=False`.
    static let renderedWithoutThinking = rendered + "<think>\n\n</think>\n\n"
    /// With a final assistant message "The answer", `continue_final_message=True`.
    static let renderedContinuing = rendered + "The answer"
    /// `tokenizer(rendered, add_special_tokens=False).input_ids`.
    static let renderedIDs: [Int] = [
        1, 85, 91, 85, 266, 79, 201, 36, 71, 282, 280, 527, 16, 2, 201, 1, 373, 264, 201, 57, 74, 344, 343, 85, 223, 20,
        13, 21, 33, 223, 858, 2, 201, 1, 372, 85, 342, 67, 277, 201,
    ]
    /// `model.generate(renderedIDs, max_new_tokens=12, do_sample=False)` in float32.
    static let greedy: [Int] = [848, 308, 768, 576, 610, 501, 475, 475, 475, 475, 859, 859]
    /// `tokenizer.decode(greedy, skip_special_tokens=True)`: the first token's bytes are no UTF-8.
    static let greedyText = "\u{FFFD}\u{FFFD} $ print学açadeesn reader reader reader reader界界"

    /// The files, for a tar upload.
    static func entries(under root: String) throws -> [TarFixture.Entry] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return [.directory(root)] + (try names.map { name in
            .file("\(root)/\(name)", try Data(contentsOf: directory.appendingPathComponent(name)))
        })
    }
}
