import Foundation
import Trainer

/// What is wrong with a file that claims to be safetensors.
package struct SafetensorsInspectionError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// What an uploaded file turned out to be.
package enum ArtifactFormat: Equatable {
    /// A valid safetensors file.
    case safetensors(metadata: [String: String], tensorCount: Int, parameterCount: Int64)
    /// Anything else, stored as an opaque artifact.
    case opaque

    package var name: String {
        switch self {
        case .safetensors: "safetensors"
        case .opaque: "opaque"
        }
    }
}

/// Recognises safetensors uploads and validates them with the trainer's
/// `SafetensorsHeader` (header length, JSON, dtypes, shapes, offsets that
/// tile the data section). A file whose metadata says `format: aepo-gpt` is
/// also checked as a built-in checkpoint (config, tokenizer, tensor shapes).
package enum SafetensorsInspector {
    /// Inspects the file at `url`. Returns `.opaque` for files that do not
    /// look like safetensors (the 9th byte is not `{`, or the length prefix is
    /// absurd) and throws when a file that does look like one is invalid.
    package static func inspect(fileAt url: URL) throws -> ArtifactFormat {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw SafetensorsInspectionError("cannot read the uploaded file")
        }
        defer { try? handle.close() }
        let fileSize = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        guard fileSize >= 9, let prefix = try handle.read(upToCount: 9), prefix.count == 9 else { return .opaque }
        let declared = prefix.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard prefix[prefix.startIndex + 8] == UInt8(ascii: "{"), declared < 1 << 40 else { return .opaque }

        let available = min(declared, UInt64(SafetensorsHeader.maximumHeaderLength), fileSize - 8)
        try handle.seek(toOffset: 0)
        let bytes = try handle.read(upToCount: Int(8 + available)) ?? Data()
        let header: SafetensorsHeader
        do {
            header = try SafetensorsHeader(parsing: bytes, fileSize: Int(fileSize))
        } catch {
            throw SafetensorsInspectionError("\(error)")
        }
        if header.metadata["format"] == Checkpoint.format {
            do {
                _ = try Checkpoint.inspect(header)
            } catch {
                throw SafetensorsInspectionError("\(error)")
            }
        }
        let parameters = header.tensors.reduce(Int64(0)) { $0 + Int64($1.elementCount) }
        return .safetensors(metadata: header.metadata, tensorCount: header.tensors.count, parameterCount: parameters)
    }
}
