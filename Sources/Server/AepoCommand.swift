import ArgumentParser

@main
struct AepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aepo",
        abstract: "Evaluation server and leaderboard for tool-using RL agents."
    )
}
