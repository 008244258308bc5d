import Foundation

/// Builds small safetensors files by hand, valid or deliberately broken.
enum SafetensorsFixture {
    /// A file with F32 tensors `a` [2,3] and `b` [4] and the given metadata.
    static func valid(metadata: [String: String] = ["format": "pt", "step": "200"]) -> Data {
        let header: [String: Any] = [
            "__metadata__": metadata,
            "a": ["dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]],
            "b": ["dtype": "F32", "shape": [4], "data_offsets": [24, 40]],
        ]
        return file(header: header, dataBytes: 40)
    }

    /// A file whose header JSON is `header` followed by `dataBytes` bytes.
    static func file(header: [String: Any], dataBytes: Int) -> Data {
        let json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data()
        return file(headerBytes: json, dataBytes: dataBytes)
    }

    /// A file with raw header bytes, a correct length prefix and `dataBytes` of data.
    static func file(headerBytes: Data, dataBytes: Int, declaredLength: UInt64? = nil) -> Data {
        var data = Data()
        var length = (declaredLength ?? UInt64(headerBytes.count)).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(headerBytes)
        data.append(Data((0..<dataBytes).map { UInt8($0 % 251) }))
        return data
    }
}
