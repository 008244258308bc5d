import Foundation
import GRDB

/// Why a checkpoint operation was refused.
package enum CheckpointStoreError: Error, Equatable {
    case notFound(Int64)
    case nameTaken(String, by: Int64)
}

/// The result of registering a checkpoint: the checkpoint, and whether this
/// call created it (201) or found it already there (200).
package struct Registration: Sendable {
    package var checkpoint: CheckpointView
    package var created: Bool
}

/// Checkpoint rows and the content-addressed files under `checkpoints/`.
package struct CheckpointStore: Sendable {
    package let database: AppDatabase
    /// `<data-dir>/checkpoints`, where files live as `<sha256>` and `hf`
    /// directories as `<digest>/`.
    package let directory: URL

    package init(database: AppDatabase, directory: URL) {
        self.database = database
        self.directory = directory
    }

    /// Records an uploaded file already hashed into `temporaryFile`.
    ///
    /// Identical bytes seen before answer the existing checkpoint, recording
    /// `name` as an alias; otherwise the file is renamed to
    /// `checkpoints/<sha256>` and a row is inserted in the same transaction.
    /// The temp file is gone when this returns, whatever happens.
    package func registerFile(
        name: String, sha256: String, bytes: Int64, format: ArtifactFormat, temporaryFile: URL, origin: Int64? = nil
    ) async throws -> Registration {
        let destination = directory.appendingPathComponent(sha256)
        defer { try? FileManager.default.removeItem(at: temporaryFile) }
        return try await database.writer.write { db in
            if var existing = try CheckpointRecord.filter(CheckpointRecord.Columns.sha256 == sha256).fetchOne(db) {
                try addName(name, to: existing.id ?? 0, in: db)
                existing = try CheckpointRecord.fetchOne(db, key: existing.id) ?? existing
                return Registration(checkpoint: try view(of: existing, in: db), created: false)
            }
            try ensureNameIsFree(name, in: db)
            var record = CheckpointRecord(
                name: name, kind: .file, sha256: sha256, bytes: bytes, format: format.name,
                metadata: "{}", trainingJobID: origin, createdAt: Timestamp.now())
            if case .safetensors(let metadata, let tensors, let parameters) = format {
                record.metadata = String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self)
                record.tensorCount = tensors
                record.parameterCount = parameters
            }
            try record.insert(db)
            try CheckpointNameRecord(name: name, checkpointID: record.id ?? 0, createdAt: record.createdAt).insert(db)
            // Rename last: if it fails the transaction rolls back, and if the
            // commit fails the start-up sweep removes the unreferenced file.
            if rename(temporaryFile.path, destination.path) != 0 {
                throw POSIXFileError(operation: "rename", path: destination.path, code: errno)
            }
            return Registration(checkpoint: try view(of: record, in: db), created: true)
        }
    }

    /// Records an uploaded `hf` directory, already extracted, hashed and
    /// validated.
    ///
    /// The same content (the same manifest digest) seen before answers the
    /// existing checkpoint, recording `name` as an alias; otherwise the
    /// directory is renamed to `checkpoints/<digest>/` and the row and its
    /// files are inserted in the same transaction. The caller removes what
    /// is left of the extraction directory.
    /// - Parameter origin: the training job that produced it, recorded
    ///   only when this call creates the checkpoint.
    package func registerDirectory(
        name: String, directory extracted: ExtractedDirectory, summary: HFCheckpointSummary, origin: Int64? = nil
    ) async throws -> Registration {
        let manifest = extracted.manifest
        let digest = manifest.digest
        let destination = directory.appendingPathComponent(digest, isDirectory: true)
        let runnableBy = String(decoding: try JSONEncoder().encode(summary.runnableBy), as: UTF8.self)
        return try await database.writer.write { db in
            if var existing = try CheckpointRecord.filter(CheckpointRecord.Columns.digest == digest).fetchOne(db) {
                try addName(name, to: existing.id ?? 0, in: db)
                existing = try CheckpointRecord.fetchOne(db, key: existing.id) ?? existing
                return Registration(checkpoint: try view(of: existing, in: db), created: false)
            }
            try ensureNameIsFree(name, in: db)
            var record = CheckpointRecord(
                name: name, kind: .hf, digest: digest, bytes: manifest.bytes, metadata: "{}",
                tensorCount: summary.tensors, parameterCount: summary.parameters, architecture: summary.architecture,
                modelType: summary.modelType, dtype: summary.dtype, contextLength: summary.contextLength,
                hasChatTemplate: summary.hasChatTemplate, runnableBy: runnableBy, message: summary.message,
                trainingJobID: origin, createdAt: Timestamp.now())
            try record.insert(db)
            let id = record.id ?? 0
            try CheckpointNameRecord(name: name, checkpointID: id, createdAt: record.createdAt).insert(db)
            for file in manifest.files {
                try CheckpointFileRecord(checkpointID: id, path: file.path, bytes: file.bytes, sha256: file.sha256).insert(db)
            }
            // Rename last, as for files: a failed rename rolls back, a failed
            // commit leaves a directory the start-up sweep removes.
            if rename(extracted.root.path, destination.path) != 0 {
                throw POSIXFileError(operation: "rename", path: destination.path, code: errno)
            }
            return Registration(checkpoint: try view(of: record, in: db), created: true)
        }
    }

    /// Registers a model served behind an OpenAI-compatible endpoint. The
    /// same name with the same replicas (in the same order), model, chat
    /// template and key variable answers the existing one; anything else
    /// under that name is a conflict.
    /// - Parameters:
    ///   - urls: every replica's base URL, already validated (at least one).
    ///   - apiKeyEnv: the variable holding its key, already checked (``KeyVariable``).
    package func registerEndpoint(
        name: String, urls: [String], model: String, maxConcurrency: Int, chatTemplate: EndpointChatTemplate? = nil,
        apiKeyEnv: String? = nil
    ) async throws -> Registration {
        let tokens = try chatTemplate.map { String(decoding: try JSONEncoder().encode($0.specialTokens), as: UTF8.self) }
        let urlList = String(decoding: try JSONEncoder().encode(urls), as: UTF8.self)
        return try await database.writer.write { db in
            if let owner = try CheckpointNameRecord.fetchOne(db, key: name) {
                guard let existing = try CheckpointRecord.fetchOne(db, key: owner.checkpointID),
                    existing.kind == .endpoint, existing.replicaURLs == urls, existing.endpointModel == model,
                    existing.chatTemplate == chatTemplate?.source, existing.apiKeyEnv == apiKeyEnv
                else { throw CheckpointStoreError.nameTaken(name, by: owner.checkpointID) }
                return Registration(checkpoint: try view(of: existing, in: db), created: false)
            }
            var record = CheckpointRecord(
                name: name, kind: .endpoint, metadata: "{}", endpointURL: urls.first, endpointURLs: urlList,
                endpointModel: model, apiKeyEnv: apiKeyEnv, maxConcurrency: maxConcurrency,
                chatTemplate: chatTemplate?.source, specialTokens: tokens, createdAt: Timestamp.now())
            try record.insert(db)
            try CheckpointNameRecord(name: name, checkpointID: record.id ?? 0, createdAt: record.createdAt).insert(db)
            return Registration(checkpoint: try view(of: record, in: db), created: true)
        }
    }

    /// An endpoint's stored chat template, if it was registered with one.
    package func endpointChatTemplate(id: Int64) async throws -> EndpointChatTemplate? {
        let row = try await database.writer.read { db in
            try CheckpointRecord.fetchOne(db, key: id).map { ($0.chatTemplate, $0.specialTokens) }
        }
        guard let (source, tokens) = row, let source else { return nil }
        let special = try tokens.map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        return EndpointChatTemplate(source: source, specialTokens: special)
    }

    /// One checkpoint by id.
    package func checkpoint(id: Int64) async throws -> CheckpointView {
        try await database.writer.read { db in
            guard let record = try CheckpointRecord.fetchOne(db, key: id) else { throw CheckpointStoreError.notFound(id) }
            return try view(of: record, in: db)
        }
    }

    /// A page of checkpoints, newest first, after the `before` id cursor.
    package func list(limit: Int, before: Int64?) async throws -> (checkpoints: [CheckpointView], next: Int64?) {
        try await database.writer.read { db in
            var request = CheckpointRecord.order(CheckpointRecord.Columns.id.desc).limit(limit + 1)
            if let before { request = request.filter(CheckpointRecord.Columns.id < before) }
            let records = try request.fetchAll(db)
            let page = Array(records.prefix(limit))
            let views = try page.map { try view(of: $0, in: db) }
            return (views, records.count > limit ? page.last?.id : nil)
        }
    }

    /// Removes files and directories under `checkpoints/` that no row
    /// references: the trace of a server killed between a rename and its commit.
    package func sweepUnreferencedFiles() async throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let known = try await database.writer.read { db in
            Set(try String.fetchAll(
                db, sql: "SELECT sha256 FROM checkpoint WHERE sha256 IS NOT NULL UNION SELECT digest FROM checkpoint WHERE digest IS NOT NULL"))
        }
        var removed = 0
        for name in names where !known.contains(name) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            removed += 1
        }
        return removed
    }

    private func addName(_ name: String, to checkpointID: Int64, in db: Database) throws {
        if let owner = try CheckpointNameRecord.fetchOne(db, key: name) {
            guard owner.checkpointID == checkpointID else { throw CheckpointStoreError.nameTaken(name, by: owner.checkpointID) }
            return
        }
        try CheckpointNameRecord(name: name, checkpointID: checkpointID, createdAt: Timestamp.now()).insert(db)
    }

    private func ensureNameIsFree(_ name: String, in db: Database) throws {
        if let owner = try CheckpointNameRecord.fetchOne(db, key: name) {
            throw CheckpointStoreError.nameTaken(name, by: owner.checkpointID)
        }
    }

    private func view(of record: CheckpointRecord, in db: Database) throws -> CheckpointView {
        let names = try String.fetchAll(
            db, CheckpointNameRecord.select(CheckpointNameRecord.Columns.name)
                .filter(CheckpointNameRecord.Columns.checkpointID == record.id))
        guard record.kind == .hf else { return CheckpointView(record: record, aliases: names) }
        let files = try CheckpointFileRecord.filter(CheckpointFileRecord.Columns.checkpointID == record.id)
            .order(CheckpointFileRecord.Columns.path).fetchAll(db)
            .map { DirectoryManifest.File(path: $0.path, bytes: $0.bytes, sha256: $0.sha256) }
        return CheckpointView(record: record, aliases: names, files: DirectoryManifest(files: files).files)
    }
}

extension CheckpointStore {
    /// The id of the checkpoint answering to `name` (its name or an alias).
    package func checkpointID(named name: String) async throws -> Int64? {
        try await database.writer.read { db in
            try CheckpointNameRecord.fetchOne(db, key: name)?.checkpointID
        }
    }
}

extension CheckpointStore {
    /// Registers a model served at one URL (see ``registerEndpoint(name:urls:model:maxConcurrency:chatTemplate:apiKeyEnv:)``).
    package func registerEndpoint(
        name: String, url: String, model: String, maxConcurrency: Int, chatTemplate: EndpointChatTemplate? = nil
    ) async throws -> Registration {
        try await registerEndpoint(name: name, urls: [url], model: model, maxConcurrency: maxConcurrency, chatTemplate: chatTemplate)
    }
}
