import Foundation
import Hummingbird
import ServerCore

extension CheckpointController {
    /// Whether a Content-Type announces a tar archive.
    static func isTar(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let essence = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return essence == "application/x-tar" || essence == "application/tar"
    }

    /// Extracts a tar body into a temp directory as it arrives (each file
    /// hashed while written), validates it as a Hugging Face checkpoint and
    /// registers it under its manifest digest. Whatever fails, nothing of
    /// the upload is left in `tmp/`.
    func uploadDirectory(_ request: Request, name: String, declared: Int64?) async throws -> Response {
        let sink = try ArchiveSink(
            directory: config.temporaryDirectory, limits: ArchiveLimits(maxBytes: config.maxUploadBytes))
        // On success only the emptied extraction directory is left to remove.
        defer { sink.discard() }
        do {
            try await receive(
                request.body, into: sink, declared: declared,
                ifEmpty: "the upload is empty: a tar archive of the checkpoint directory is expected")
            let extracted = try sink.finish()
            let summary = try HFDirectoryInspector(tensorCheck: config.hfTensorCheck)
                .inspect(root: extracted.root, manifest: extracted.manifest)
            let registration = try await store.registerDirectory(name: name, directory: extracted, summary: summary)
            metrics.recordUpload(result: registration.created ? "created" : "existing", bytes: sink.byteCount)
            return try JSONResponse.make(registration.checkpoint, status: registration.created ? .created : .ok)
        } catch {
            metrics.recordUpload(result: "failed", bytes: sink.byteCount)
            throw error
        }
    }
}
