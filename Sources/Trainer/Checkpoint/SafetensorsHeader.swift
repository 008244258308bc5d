import Benchmarks
import Foundation

/// A parsed and fully validated safetensors header: the layout is
/// `[u64 little-endian N][N bytes of JSON][data]`; the JSON maps tensor names
/// to `{"dtype","shape","data_offsets":[begin,end]}` (offsets relative to the
/// data section) plus an optional `__metadata__` object of strings.
///
/// Validation (as the reference implementation, plus unknown-key refusal):
/// header length within the file and <= 100 MB, UTF-8 JSON object, known
/// dtypes, non-negative shapes, offsets matching shape x dtype, tensors
/// covering the data section exactly, contiguous and without overlap.
/// Reusable for any uploaded safetensors file, not only checkpoints.
public struct SafetensorsHeader: Sendable, Equatable {
    /// One tensor's entry.
    public struct TensorInfo: Sendable, Equatable {
        /// Tensor name.
        public let name: String
        /// Element type.
        public let dtype: SafetensorsDType
        /// Shape (empty for a scalar).
        public let shape: [Int]
        /// Byte range inside the data section.
        public let dataOffsets: Range<Int>
        /// Number of elements.
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// Largest accepted header (the reference implementation's limit).
    public static let maximumHeaderLength = 100_000_000
    /// N, the JSON header's length in bytes.
    public let headerLength: Int
    /// Tensors in data order (ascending offsets).
    public let tensors: [TensorInfo]
    /// The `__metadata__` strings (empty when absent).
    public let metadata: [String: String]
    private let index: [String: Int]

    /// File offset where the data section starts (8 + N).
    public var dataStart: Int { 8 + headerLength }

    /// The tensor called `name`, or nil.
    public func tensor(named name: String) -> TensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// Parses the header of a file of `fileSize` bytes from its first bytes.
    /// - Parameters:
    ///   - prefix: at least the first 8 + N bytes of the file (more is fine).
    ///   - fileSize: the whole file's size, to check the data section.
    /// - Throws: `SafetensorsError` naming the broken rule.
    public init(parsing prefix: some Collection<UInt8>, fileSize: Int) throws(SafetensorsError) {
        let bytes = Array(prefix.prefix(8))
        guard bytes.count == 8, fileSize >= 8 else { throw .fileTooSmall(size: min(fileSize, prefix.count)) }
        let declared = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard declared <= UInt64(Self.maximumHeaderLength) else {
            throw .headerTooLarge(declared: declared, limit: Self.maximumHeaderLength)
        }
        let n = Int(declared)
        guard 8 + n <= fileSize else { throw .truncatedHeader(declared: n, available: fileSize - 8) }
        let json = Array(prefix.dropFirst(8).prefix(n))
        guard json.count == n else { throw .truncatedHeader(declared: n, available: json.count) }
        guard json.first == UInt8(ascii: "{") else { throw .invalidJSON("the header must start with '{'") }
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(json))
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw .invalidJSON(Self.describe(error))
        }
        var tensors: [TensorInfo] = []
        for (name, entry) in raw.entries {
            tensors.append(try Self.validate(name: name, entry: entry))
        }
        tensors.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
        var end = 0
        for tensor in tensors {
            guard tensor.dataOffsets.lowerBound == end else {
                throw .offsetsNotContiguous(name: tensor.name, expectedBegin: end, begin: tensor.dataOffsets.lowerBound)
            }
            end = tensor.dataOffsets.upperBound
        }
        guard end == fileSize - 8 - n else { throw .dataLengthMismatch(expected: end, actual: fileSize - 8 - n) }
        headerLength = n
        self.tensors = tensors
        metadata = raw.metadata
        index = Dictionary(tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads and validates only the header of the file at `url`.
    /// - Throws: `SafetensorsError` (`.io` when the file cannot be read).
    public static func read(contentsOf url: URL) throws(SafetensorsError) -> SafetensorsHeader {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            let fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let first = try handle.read(upToCount: 8) ?? Data()
            guard first.count == 8 else { throw SafetensorsError.fileTooSmall(size: first.count) }
            let declared = first.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let wanted = Int(min(declared, UInt64(maximumHeaderLength + 1)))
            let json = try handle.read(upToCount: wanted) ?? Data()
            return try SafetensorsHeader(parsing: first + json, fileSize: fileSize)
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw .io("cannot read \(url.path): \(error.localizedDescription)")
        }
    }

    private static func validate(name: String, entry: RawEntry) throws(SafetensorsError) -> TensorInfo {
        guard let dtype = SafetensorsDType(rawValue: entry.dtype) else {
            throw .unknownDType(name: name, dtype: entry.dtype)
        }
        guard entry.dataOffsets.count == 2 else {
            throw .invalidTensorEntry(name: name, reason: "data_offsets must be [begin, end]")
        }
        let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
        guard begin >= 0, begin <= end else {
            throw .invalidTensorEntry(name: name, reason: "data_offsets [\(begin), \(end)] are not an increasing range")
        }
        var bytes = dtype.byteSize
        for dim in entry.shape {
            guard dim >= 0 else { throw .invalidTensorEntry(name: name, reason: "negative dimension \(dim) in shape") }
            let (product, overflow) = bytes.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw .invalidTensorEntry(name: name, reason: "shape \(entry.shape) is too large") }
            bytes = product
        }
        guard bytes == end - begin else { throw .sizeMismatch(name: name, expectedBytes: bytes, actualBytes: end - begin) }
        return TensorInfo(name: name, dtype: dtype, shape: entry.shape, dataOffsets: begin..<end)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): missing key \"\(key.stringValue)\""
        default: String(describing: error)
        }
    }
}

/// The header JSON as decoded, before validation: `__metadata__` plus the
/// tensor entries in document order.
struct RawHeader: Decodable {
    var metadata: [String: String] = [:]
    var entries: [(String, RawEntry)] = []

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                do {
                    metadata = try container.decode([String: String].self, forKey: key)
                } catch {
                    throw SafetensorsError.invalidMetadata("it must be an object whose values are all strings")
                }
            } else {
                entries.append((key.stringValue, try container.decode(RawEntry.self, forKey: key)))
            }
        }
    }
}

/// One tensor entry as decoded: exactly the keys `dtype`, `shape`, `data_offsets`.
struct RawEntry: Decodable {
    var dtype: String
    var shape: [Int]
    var dataOffsets: [Int]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        let name = decoder.codingPath.last?.stringValue ?? "?"
        let keys: [String]
        do {
            keys = try decoder.container(keyedBy: AnyCodingKey.self).allKeys.map(\.stringValue)
        } catch {
            throw SafetensorsError.invalidTensorEntry(name: name, reason: "entry must be an object")
        }
        let valid = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = keys.filter({ !valid.contains($0) }).sorted().first {
            throw SafetensorsError.invalidTensorEntry(name: name, reason: "unknown key \"\(unknown)\"")
        }
        do {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dtype = try c.decode(String.self, forKey: .dtype)
            shape = try c.decode([Int].self, forKey: .shape)
            dataOffsets = try c.decode([Int].self, forKey: .dataOffsets)
        } catch {
            throw SafetensorsError.invalidTensorEntry(
                name: name, reason: "needs \"dtype\" (string), \"shape\" and \"data_offsets\" (integer arrays)")
        }
    }
}
