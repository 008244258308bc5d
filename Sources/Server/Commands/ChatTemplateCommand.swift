import ArgumentParser
import Foundation
import Jinja

/// `aepo chat-template render`: print a conversation rendered with a
/// checkpoint's chat template, exactly as transformers'
/// `apply_chat_template(..., tokenize=False)` would.
struct ChatTemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat-template", abstract: "Chat templates, rendered as transformers renders them.",
        subcommands: [Render.self])

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the rendered prompt and nothing else (exit 2 and the message on stderr if the template raises).",
            discussion: """
                MESSAGES is a JSON array of messages, or an object with "messages" and optionally "tools" and \
                "documents" (an OpenAI-style request body). Use - to read it from stdin.
                """)

        @Argument(help: "A Hugging Face checkpoint directory (chat_template.jinja or tokenizer_config.json).")
        var checkpoint: String?
        @Option(help: "A template file to use instead of a checkpoint's.") var template: String?
        @Option(help: "Which of the checkpoint's named templates (default: transformers' choice).") var templateName: String?
        @Option(help: "The conversation (JSON), - for stdin.") var messages: String
        @Flag(help: "Do not append the assistant header (add_generation_prompt=False).") var noGenerationPrompt = false
        @Flag(help: "End the text inside the final message, for the model to continue it.") var continueFinalMessage = false
        @Option(help: "More template variables, as a JSON object (e.g. {\"enable_thinking\": false}).") var kwargs: String?
        @Option(help: "bos_token (overrides the checkpoint's).") var bosToken: String?
        @Option(help: "eos_token (overrides the checkpoint's).") var eosToken: String?

        func run() async throws {
            switch output() {
            case .success(let text):
                FileHandle.standardOutput.write(Data(text.utf8))
            case .failure(let message):
                FileHandle.standardError.write(Data((message + "\n").utf8))
                throw ExitCode(2)
            }
        }

        /// What the command prints: the rendered text, or the message for stderr (exit 2).
        enum Output: Equatable {
            case success(String)
            case failure(String)
        }

        func output() -> Output {
            do {
                return .success(try render())
            } catch let error as ChatTemplateError {
                return .failure(error.description)
            } catch {
                return .failure("\(error)")
            }
        }

        private func render() throws -> String {
            let conversation = try readJSON(messages, what: "--messages")
            var messageList: [Value]
            var tools: [Value]?
            var documents: [Value]?
            switch conversation {
            case .list(let items):
                messageList = items
            case .dict(let d):
                guard case .list(let items)? = d["messages"] else {
                    throw CommandFailure("--messages: the object has no \"messages\" array")
                }
                messageList = items
                if case .list(let t)? = d["tools"] { tools = t }
                if case .list(let docs)? = d["documents"] { documents = docs }
            default:
                throw CommandFailure("--messages: expected a JSON array of messages or an object with \"messages\"")
            }
            var extra: [String: Value] = [:]
            if let kwargs {
                guard case .dict(let d) = try parse(kwargs, what: "--kwargs") else {
                    throw CommandFailure("--kwargs: expected a JSON object")
                }
                for e in d.entries { if case .string(let k) = e.key { extra[k] = e.value } }
            }
            var chatTemplate: ChatTemplate
            switch (checkpoint, template) {
            case (nil, let file?):
                chatTemplate = try ChatTemplate(source: try readText(file, what: "--template"))
            case (let directory?, nil):
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
                else { throw CommandFailure("\(directory): no such checkpoint directory") }
                chatTemplate = try ChatTemplate.load(
                    directory: URL(fileURLWithPath: directory), name: templateName, withTools: tools != nil)
            default:
                throw CommandFailure("give either a checkpoint directory or --template FILE (not both)")
            }
            if let bosToken { chatTemplate.specialTokens["bos_token"] = bosToken }
            if let eosToken { chatTemplate.specialTokens["eos_token"] = eosToken }
            return try chatTemplate.render(
                messages: messageList, tools: tools, documents: documents,
                addGenerationPrompt: !noGenerationPrompt && !continueFinalMessage,
                continueFinalMessage: continueFinalMessage ? "content" : nil, extra: extra)
        }

        private func readText(_ path: String, what: String) throws -> String {
            let data: Data?
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = FileManager.default.contents(atPath: path)
            }
            guard let data else { throw CommandFailure("\(what): cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure("\(what): \(path) is not UTF-8") }
            return text
        }

        private func readJSON(_ path: String, what: String) throws -> Value {
            try parse(try readText(path, what: what), what: "\(what) \(path)")
        }

        private func parse(_ text: String, what: String) throws -> Value {
            do {
                return try Value(json: text)
            } catch {
                throw CommandFailure("\(what): invalid JSON: \(error.message)")
            }
        }
    }

    /// A bad-input message, printed as is.
    struct CommandFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
