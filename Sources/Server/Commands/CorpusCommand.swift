import ArgumentParser
import AsyncHTTPClient
import Foundation
import ServerCore

/// `aepo corpus import`: load documents into the local search corpus.
struct CorpusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus", abstract: "Manage the local search corpus.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import JSONL documents ({id, title?, text} or Search-R1's {id, contents}).")

        @Argument(help: "The JSONL file.") var file: String
        @Flag(help: "Empty the corpus first.") var replace = false
        @OptionGroup var target: TargetOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            if let client = try target.client() {
                var request = HTTPClientRequest(url: client.baseURL + "/api/v1/corpus" + (replace ? "?replace=true" : ""))
                request.method = .PUT
                request.headers.add(name: "Content-Type", value: "application/x-ndjson")
                client.authorize(&request)
                request.body = .bytes(data)
                FileHandle.standardOutput.write(try await client.send(request))
                print()
            } else {
                let documents = try CorpusStore.parse(data, fileName: URL(fileURLWithPath: file).lastPathComponent)
                let total = try await CorpusStore(database: try target.openDatabase()).importDocuments(documents, replace: replace)
                print("imported \(documents.count) documents; the corpus has \(total)")
            }
        }
    }
}
