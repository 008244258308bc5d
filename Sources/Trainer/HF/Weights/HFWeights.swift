import Foundation

/// The tensors of a Hugging Face checkpoint directory, memory-mapped
/// read-only in their stored precision: `model.safetensors`, or the shards
/// `model.safetensors.index.json` lists. Nothing is copied; a tensor is a
/// pointer into its shard's mapping, alive as long as this object.
public final class HFWeights: @unchecked Sendable {
    /// Every tensor of every shard, by name.
    public let tensors: [String: WeightTensor]
    /// Bytes of tensor data over all shards.
    public let byteCount: Int
    private let files: [MappedFile]

    /// Maps the weights of the checkpoint in `directory`.
    /// - Throws: `HFWeightError` naming the file or tensor at fault.
    public init(directory: URL) throws(HFWeightError) {
        let fm = FileManager.default
        let indexURL = directory.appendingPathComponent("model.safetensors.index.json")
        let single = directory.appendingPathComponent("model.safetensors")
        var weightMap: [String: String]?
        let shardNames: [String]
        if fm.fileExists(atPath: indexURL.path) {
            let map = try Self.readIndex(indexURL)
            weightMap = map
            shardNames = Array(Set(map.values)).sorted()
        } else if fm.fileExists(atPath: single.path) {
            shardNames = ["model.safetensors"]
        } else {
            throw .io("\(directory.path) has neither model.safetensors nor model.safetensors.index.json")
        }
        var files: [MappedFile] = []
        var tensors: [String: WeightTensor] = [:]
        var owner: [String: String] = [:]
        var bytes = 0
        for shard in shardNames {
            let url = directory.appendingPathComponent(shard)
            guard fm.fileExists(atPath: url.path) else { throw .invalidIndex("shard \"\(shard)\" is not in the directory") }
            let file = try MappedFile(url: url)
            let header = try Self.header(of: file, name: shard)
            for info in header.tensors {
                guard owner[info.name] == nil else {
                    throw .invalidShard(file: shard, reason: "tensor \"\(info.name)\" is also in \(owner[info.name] ?? "?")")
                }
                owner[info.name] = shard
                tensors[info.name] = WeightTensor(
                    base: file.base + header.dataStart + info.dataOffsets.lowerBound, dtype: info.dtype, shape: info.shape)
                bytes += info.dataOffsets.count
            }
            files.append(file)
        }
        if let weightMap {
            for (name, shard) in weightMap.sorted(by: { $0.key < $1.key }) where owner[name] != shard {
                throw .invalidIndex("tensor \"\(name)\" is mapped to \(shard), which does not hold it")
            }
        }
        self.tensors = tensors
        self.files = files
        byteCount = bytes
    }

    /// Name, shape and dtype of every tensor (what `HFArchitecture.problems` checks).
    public var descriptors: [(name: String, shape: [Int], dtype: SafetensorsDType)] {
        tensors.keys.sorted().compactMap { name in tensors[name].map { (name, $0.shape, $0.dtype) } }
    }

    /// The tensor called `name`.
    /// - Throws: `HFWeightError.missingTensor`.
    public func tensor(_ name: String) throws(HFWeightError) -> WeightTensor {
        guard let tensor = tensors[name] else { throw .missingTensor(name) }
        return tensor
    }

    /// `weight_map` of the index, with each shard name checked to be a plain file name.
    private static func readIndex(_ url: URL) throws(HFWeightError) -> [String: String] {
        guard let data = try? Data(contentsOf: url),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw .invalidIndex("not a JSON object") }
        guard let map = object["weight_map"] as? [String: Any] else { throw .invalidIndex("\"weight_map\" must be an object") }
        var result: [String: String] = [:]
        for (name, value) in map {
            guard let shard = value as? String else { throw .invalidIndex("the shard of \"\(name)\" must be a string") }
            guard !shard.isEmpty, !shard.contains("/"), shard != "..", shard != "." else {
                throw .invalidIndex("shard name \"\(shard)\" of \"\(name)\" must be a file name in the directory")
            }
            result[name] = shard
        }
        guard !result.isEmpty else { throw .invalidIndex("\"weight_map\" is empty") }
        return result
    }

    private static func header(of file: MappedFile, name: String) throws(HFWeightError) -> SafetensorsHeader {
        guard file.count >= 8 else { throw .invalidShard(file: name, reason: "shorter than 8 bytes") }
        let declared = file.base.loadUnaligned(as: UInt64.self).littleEndian
        let length = Int(min(declared, UInt64(SafetensorsHeader.maximumHeaderLength + 1))) + 8
        do {
            return try SafetensorsHeader(parsing: file.prefix(length), fileSize: file.count)
        } catch {
            throw .invalidShard(file: name, reason: error.description)
        }
    }
}
