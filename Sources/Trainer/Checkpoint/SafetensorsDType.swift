/// Element types of the safetensors format (the names used in headers).
public enum SafetensorsDType: String, Sendable, CaseIterable, Codable {
    case bool = "BOOL"
    case u8 = "U8", i8 = "I8"
    case f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case f64 = "F64", i64 = "I64", u64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .i64, .u64: 8
        }
    }
}

/// Why a safetensors file (or its header) was refused. Every case says which
/// rule was broken and, where there is one, which tensor.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// Fewer than the 8 bytes of the header length.
    case fileTooSmall(size: Int)
    /// The declared header length exceeds the limit (100 MB, as the reference implementation).
    case headerTooLarge(declared: UInt64, limit: Int)
    /// The declared header runs past the end of the file.
    case truncatedHeader(declared: Int, available: Int)
    /// The header is not UTF-8 JSON, not an object, or malformed.
    case invalidJSON(String)
    /// `__metadata__` is not an object of strings.
    case invalidMetadata(String)
    /// A tensor entry lacks or misuses `dtype`, `shape`, `data_offsets`.
    case invalidTensorEntry(name: String, reason: String)
    /// A dtype this format does not define.
    case unknownDType(name: String, dtype: String)
    /// `data_offsets` span a different number of bytes than shape x dtype.
    case sizeMismatch(name: String, expectedBytes: Int, actualBytes: Int)
    /// Tensors overlap or leave a hole (the data must be covered exactly, in offset order).
    case offsetsNotContiguous(name: String, expectedBegin: Int, begin: Int)
    /// The data section is not exactly as long as the tensors need.
    case dataLengthMismatch(expected: Int, actual: Int)
    /// The file could not be read or written.
    case io(String)

    public var description: String {
        switch self {
        case .fileTooSmall(let size):
            "safetensors file of \(size) bytes is too small (needs at least the 8-byte header length)"
        case .headerTooLarge(let declared, let limit):
            "safetensors header length \(declared) exceeds the limit of \(limit) bytes"
        case .truncatedHeader(let declared, let available):
            "safetensors header declares \(declared) bytes but only \(available) follow"
        case .invalidJSON(let message):
            "safetensors header is not valid JSON: \(message)"
        case .invalidMetadata(let message):
            "safetensors __metadata__ is invalid: \(message)"
        case .invalidTensorEntry(let name, let reason):
            "safetensors tensor \"\(name)\": \(reason)"
        case .unknownDType(let name, let dtype):
            "safetensors tensor \"\(name)\" has unknown dtype \"\(dtype)\""
        case .sizeMismatch(let name, let expected, let actual):
            "safetensors tensor \"\(name)\" needs \(expected) bytes for its shape and dtype but its offsets span \(actual)"
        case .offsetsNotContiguous(let name, let expectedBegin, let begin):
            "safetensors tensor \"\(name)\" starts at byte \(begin), expected \(expectedBegin) (tensors must be contiguous without overlap)"
        case .dataLengthMismatch(let expected, let actual):
            "safetensors data section is \(actual) bytes but the tensors cover \(expected)"
        case .io(let message):
            "safetensors I/O error: \(message)"
        }
    }
}
