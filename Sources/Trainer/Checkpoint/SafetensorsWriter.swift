import Foundation

/// Builds a safetensors file from F32 tensors and string metadata. Tensors
/// are laid out in the order added; the header is padded with spaces so the
/// data section starts at a multiple of 8 bytes.
public struct SafetensorsWriter {
    private var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
    private var payload = Data()
    /// `__metadata__` strings (keys sorted in the output).
    public var metadata: [String: String]

    /// Creates an empty writer.
    /// - Parameter metadata: the `__metadata__` strings.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Appends an F32 tensor.
    /// - Parameters:
    ///   - name: unique tensor name (not `__metadata__`).
    ///   - shape: its shape; the product must equal `values.count`.
    ///   - values: the elements, row-major.
    /// - Throws: `SafetensorsError.invalidTensorEntry` for a duplicate name or a shape mismatch.
    public mutating func add(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) throws(SafetensorsError) {
        guard name != "__metadata__", !entries.contains(where: { $0.name == name }) else {
            throw .invalidTensorEntry(name: name, reason: "duplicate or reserved tensor name")
        }
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw .invalidTensorEntry(name: name, reason: "shape \(shape) does not hold \(values.count) values")
        }
        let begin = payload.count
        #if _endian(big)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        #else
        payload.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress)?
            .assumingMemoryBound(to: UInt8.self), count: values.count * 4))
        #endif
        entries.append((name, shape, begin, payload.count))
    }

    /// The complete file contents.
    public func serialized() -> Data {
        var json = "{\"__metadata__\":{"
        json += metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0] ?? ""))" }
            .joined(separator: ",")
        json += "}"
        for entry in entries {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            json += ",\(Self.quoted(entry.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],"
            json += "\"data_offsets\":[\(entry.begin),\(entry.end)]}"
        }
        json += "}"
        var header = Array(json.utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var file = Data(capacity: 8 + header.count + payload.count)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: header)
        file.append(payload)
        return file
    }

    /// Writes the file atomically (a temporary file renamed into place).
    /// - Throws: `SafetensorsError.io`.
    public func write(to url: URL) throws(SafetensorsError) {
        do {
            try serialized().write(to: url, options: .atomic)
        } catch {
            throw .io("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// `value` as a JSON string literal.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
