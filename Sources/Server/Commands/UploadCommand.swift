import ArgumentParser
import Foundation
import ServerCore

/// `aepo upload`: stream a checkpoint file to a server.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a checkpoint file or a Hugging Face model directory; progress on stderr, the checkpoint JSON on stdout.",
        discussion: """
            A directory is streamed as a tar made on the fly (no temporary copy), files in sorted \
            order; symbolic links to files are followed, .git and .cache/huggingface are skipped.
            """)

    @Argument(help: "The file (safetensors or any artifact) or the Hugging Face model directory to upload.")
    var file: String
    @Option(help: "The checkpoint's name (a label such as org/model-step-200).") var name: String
    @Option(help: "Server URL, e.g. http://127.0.0.1:8080.") var server: String
    @Option(help: "A write token (default: $AEPO_TOKEN).") var token: String?

    func run() async throws {
        let token = token ?? ProcessInfo.processInfo.environment["AEPO_TOKEN"]
        let client = try APIClient(server: server, token: token)
        let bar = ProgressBar(label: "upload")
        do {
            var isDirectory: ObjCBool = false
            let data: Data
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
                data = try await client.uploadDirectory(at: file, name: name) { sent, total in
                    bar.update(done: sent, total: total)
                }
            } else {
                data = try await client.uploadFile(at: file, name: name) { sent, total in
                    bar.update(done: sent, total: total)
                }
            }
            bar.finish()
            FileHandle.standardOutput.write(data)
            print()
        } catch let error as ClientError {
            bar.finish()
            throw CleanExit.message("error: \(error)").asFailure
        }
    }
}

extension CleanExit {
    /// A failure exit with a message, for errors that are not usage errors.
    var asFailure: any Error { CommandFailure(message: "\(self)") }
}

/// An error printed as a plain message, with exit code 2.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
