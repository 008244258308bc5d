import ArgumentParser
import Foundation
import Testing

@testable import Server

/// `aepo chat-template render`, run through its command type on the
/// checkpoint fixtures of the Jinja tests.
@Suite("aepo chat-template render")
struct ChatTemplateCommandTests {
    static let jinjaFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("JinjaTests/Fixtures")

    private func run(_ arguments: [String]) throws -> ChatTemplateCommand.Render.Output {
        try ChatTemplateCommand.Render.parse(arguments).output()
    }

    private func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chat-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("a checkpoint directory renders with its own template and special tokens")
    func checkpoint() throws {
        let messages = try file(#"[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]"#)
        let dir = Self.jinjaFixtures.appendingPathComponent("checkpoints/config-string").path
        #expect(try run([dir, "--messages", messages]) == .success("<s>system: Be brief.</s>user: Hi</s>assistant:"))
        #expect(try run([dir, "--messages", messages, "--no-generation-prompt", "--bos-token", "[B]"])
            == .success("[B]system: Be brief.</s>user: Hi</s>"))
    }

    @Test("--template with --kwargs, tools from an OpenAI-style body, no trailing newline added")
    func templateFile() throws {
        let template = try file("{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}|{{ tools | length }}|{{ flag }}")
        let body = try file(#"{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}"#)
        #expect(try run(["--template", template, "--messages", body, "--kwargs", #"{"flag": true}"#, "--bos-token", "<b>"])
            == .success("<b>x|1|True"))
    }

    @Test("continue_final_message ends inside the last message")
    func continueFinal() throws {
        let template = try file("{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>{% endfor %}")
        let messages = try file(#"[{"role":"user","content":"Q"},{"role":"assistant","content":"The answer is"}]"#)
        #expect(try run(["--template", template, "--messages", messages, "--continue-final-message"])
            == .success("<user>Q</user><assistant>The answer is"))
    }

    @Test("a template that raises, and bad input, fail with exit 2 and a message")
    func failures() async throws {
        let raising = try file("{{ raise_exception('roles must alternate') }}")
        let messages = try file(#"[{"role":"user","content":"x"}]"#)
        #expect(try run(["--template", raising, "--messages", messages]) == .failure("roles must alternate"))
        #expect(try run(["--template", "/nonexistent/t.jinja", "--messages", messages]) == .failure("--template: cannot read /nonexistent/t.jinja"))
        let badJSON = try file("[{\"role\": ")
        guard case .failure(let m) = try run(["--template", raising, "--messages", badJSON]) else {
            Issue.record("bad JSON rendered")
            return
        }
        #expect(m.hasPrefix("--messages \(badJSON): invalid JSON: Expecting value"))
        #expect(try run(["--messages", messages]) == .failure("give either a checkpoint directory or --template FILE (not both)"))
        let syntax = try file("{% if %}")
        #expect(try run(["--template", syntax, "--messages", messages]) == .failure("Expected an expression, got 'end of statement block' (line 1)"))
        let noTemplate = Self.jinjaFixtures.appendingPathComponent("checkpoints/no-template").path
        guard case .failure(let missing) = try run([noTemplate, "--messages", messages]) else {
            Issue.record("a checkpoint without template rendered")
            return
        }
        #expect(missing.hasPrefix("Cannot use chat template functions because tokenizer.chat_template is not set"))
        var command = try ChatTemplateCommand.Render.parse(["--template", raising, "--messages", messages])
        await #expect(throws: ExitCode(2)) { try await command.run() }
    }
}
