import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServerCore

/// `GET /static/{file}`: the stylesheet and scripts of `Public/static`, read
/// once at start-up. Only files of that folder are served, by exact name.
struct StaticFiles: Sendable {
    private let files: [String: (contentType: String, body: ByteBuffer)]
    /// A digest of every file, for `?v=` in asset URLs: browsers may keep
    /// the files an hour, and a changed file gets a new URL.
    let fingerprint: String

    init(directory: URL) {
        var files: [String: (String, ByteBuffer)] = [:]
        var hasher = SHA256()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.sorted() {
            guard let type = Self.contentType(of: name),
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            files[name] = (type, ByteBuffer(bytes: data))
            hasher.update(data: Data(name.utf8))
            hasher.update(data: data)
        }
        self.files = files
        fingerprint = String(hasher.finalize().hexString.prefix(12))
    }

    static func contentType(of name: String) -> String? {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        default: nil
        }
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("static/{file}", use: serve)
    }

    @Sendable func serve(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = context.parameters.get("file") ?? ""
        guard let file = files[name] else { throw APIError.notFound("no static file named \(name)") }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.contentType, .cacheControl: "public, max-age=3600",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: file.body))
    }
}
