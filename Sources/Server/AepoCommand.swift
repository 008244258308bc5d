import ArgumentParser

/// `aepo`: one binary for the server, its administration and its clients.
@main
struct AepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aepo",
        abstract: "Evaluation server and leaderboard for tool-using RL agents, and the AEPO reference trainer.",
        version: AepoVersion.current,
        subcommands: [ServeCommand.self, TokenCommand.self, UploadCommand.self, DatasetsCommand.self, CorpusCommand.self]
    )
}
