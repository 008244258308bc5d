import Foundation
import ArgumentParser
import ServerCore

/// `aepo`: one binary for the server, its administration and its clients.
@main
struct AepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aepo",
        abstract: "Evaluation server and leaderboard for tool-using RL agents, and the AEPO reference trainer.",
        version: AepoVersion.current,
        subcommands: [
            ServeCommand.self, TokenCommand.self, UploadCommand.self, DatasetsCommand.self, CorpusCommand.self,
            EvalCommand.self, TrainCommand.self, RolloutCommand.self, ServeModelCommand.self, BenchCommand.self, ChatTemplateCommand.self,
            SuperviseCommand.self,
        ]
    )

    /// Like the default entry point, except that `aepo eval` exits with 2 on
    /// usage errors too: CI scripts rely on 0 / 1 / 2 only.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let isEval = CommandLine.arguments.dropFirst().first == "eval"
            let code = exitCode(for: error)
            if isEval, code != .success, code.rawValue != 1 {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
