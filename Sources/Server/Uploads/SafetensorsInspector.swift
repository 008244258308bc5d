import Foundation

/// What is wrong with a file that claims to be safetensors.
struct SafetensorsInspectionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What an uploaded file turned out to be.
enum ArtifactFormat: Equatable {
    /// A valid safetensors file.
    case safetensors(metadata: [String: String], tensorCount: Int, parameterCount: Int64)
    /// Anything else, stored as an opaque artifact.
    case opaque

    var name: String {
        switch self {
        case .safetensors: "safetensors"
        case .opaque: "opaque"
        }
    }
}

/// Recognises safetensors files and validates their header against the file:
/// header length, JSON, dtypes, shapes and data offsets that tile the data
/// section exactly.
enum SafetensorsInspector {
    /// The format's own limit on the header size.
    static let maxHeaderBytes: UInt64 = 100 * 1024 * 1024

    /// Bytes per element of each safetensors dtype.
    static let dtypeSizes: [String: Int64] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4,
        "I64": 8, "U64": 8, "F64": 8,
    ]

    /// Inspects the file at `url`. Returns `.opaque` for files that do not
    /// look like safetensors (their 9th byte is not `{` or the length prefix is
    /// absurd) and throws when a file that does look like one is invalid.
    static func inspect(fileAt url: URL) throws -> ArtifactFormat {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw SafetensorsInspectionError("cannot read the uploaded file")
        }
        defer { try? handle.close() }
        let fileSize = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        guard fileSize >= 9, let prefix = try handle.read(upToCount: 9), prefix.count == 9 else { return .opaque }
        let headerLength = prefix.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard prefix[prefix.startIndex + 8] == UInt8(ascii: "{"), headerLength < 1 << 40 else { return .opaque }
        guard headerLength <= maxHeaderBytes else {
            throw SafetensorsInspectionError("header length \(headerLength) exceeds the format's limit of \(maxHeaderBytes) bytes")
        }
        guard headerLength <= fileSize - 8 else {
            throw SafetensorsInspectionError("header length \(headerLength) exceeds the file (\(fileSize) bytes)")
        }
        try handle.seek(toOffset: 8)
        let header = try handle.read(upToCount: Int(headerLength)) ?? Data()
        return try validate(header: header, dataBytes: Int64(fileSize - 8 - headerLength))
    }

    /// Validates a header given the size of the data section that follows it.
    static func validate(header: Data, dataBytes: Int64) throws -> ArtifactFormat {
        guard let object = try? JSONSerialization.jsonObject(with: header), let entries = object as? [String: Any] else {
            throw SafetensorsInspectionError("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var spans: [(name: String, begin: Int64, end: Int64)] = []
        var parameters: Int64 = 0
        for (name, value) in entries {
            if name == "__metadata__" {
                metadata = try parseMetadata(value)
                continue
            }
            let tensor = try parseTensor(name: name, value)
            spans.append((name, tensor.begin, tensor.end))
            parameters += tensor.elements
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor: Int64 = 0
        for span in spans {
            guard span.begin == cursor else {
                throw SafetensorsInspectionError(
                    span.begin < cursor
                        ? "tensor \"\(span.name)\" overlaps the previous tensor (starts at \(span.begin), expected \(cursor))"
                        : "gap in the data section before tensor \"\(span.name)\" (starts at \(span.begin), expected \(cursor))")
            }
            cursor = span.end
        }
        guard cursor == dataBytes else {
            throw SafetensorsInspectionError("the tensors cover \(cursor) bytes but the data section has \(dataBytes)")
        }
        return .safetensors(metadata: metadata, tensorCount: spans.count, parameterCount: parameters)
    }

    private static func parseMetadata(_ value: Any) throws -> [String: String] {
        guard let map = value as? [String: Any] else {
            throw SafetensorsInspectionError("__metadata__ must be an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, entry) in map {
            guard let text = entry as? String else {
                throw SafetensorsInspectionError("__metadata__ value for \"\(key)\" is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseTensor(name: String, _ value: Any) throws -> (begin: Int64, end: Int64, elements: Int64) {
        guard let info = value as? [String: Any] else {
            throw SafetensorsInspectionError("tensor \"\(name)\" is not an object")
        }
        guard let dtype = info["dtype"] as? String, let size = dtypeSizes[dtype] else {
            throw SafetensorsInspectionError("tensor \"\(name)\" has an unknown dtype \(String(describing: info["dtype"] ?? "(none)"))")
        }
        guard let shape = integers(info["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw SafetensorsInspectionError("tensor \"\(name)\" has an invalid shape")
        }
        guard let offsets = integers(info["data_offsets"]), offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw SafetensorsInspectionError("tensor \"\(name)\" has invalid data_offsets")
        }
        var elements: Int64 = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw SafetensorsInspectionError("tensor \"\(name)\" has an absurd shape") }
            elements = product
        }
        let (expected, overflow) = elements.multipliedReportingOverflow(by: size)
        guard !overflow, offsets[1] - offsets[0] == expected else {
            throw SafetensorsInspectionError(
                "tensor \"\(name)\" (\(dtype), shape \(shape)) needs \(elements) x \(size) bytes but its data_offsets span \(offsets[1] - offsets[0])")
        }
        return (offsets[0], offsets[1], elements)
    }

    private static func integers(_ value: Any?) -> [Int64]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int64] = []
        for element in array {
            guard let number = element as? Int64 else { return nil }
            result.append(number)
        }
        return result
    }
}
