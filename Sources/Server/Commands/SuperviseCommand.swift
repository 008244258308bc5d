import ArgumentParser
import Benchmarks
import Foundation

/// `aepo supervise --exit-record F -- COMMAND...`: the leader of a detached
/// training job's process group (see ``JobSupervisor``). The server starts
/// it; it is not meant to be run by hand.
struct SuperviseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise", abstract: "Run a training job's command and record how it ended (internal).",
        shouldDisplay: false)

    @Option(help: "Where to write the command's exit record (JSON).") var exitRecord: String
    @Option(help: "Where to write the supervisor's own identity (JSON: pid, start time, boot).") var identityRecord: String?
    @Argument(parsing: .postTerminator, help: "The command and its arguments.") var command: [String] = []

    func run() throws {
        let code = JobSupervisor.run(arguments: command, exitRecord: exitRecord, identityRecord: identityRecord)
        throw ExitCode(code)
    }
}
