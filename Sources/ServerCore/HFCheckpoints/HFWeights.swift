import Foundation
import Trainer

/// The weight tensors of a checkpoint: the shards named by
/// `model.safetensors.index.json`, or `model.safetensors` alone.
package struct HFWeights: Sendable {
    /// The index file's name.
    package static let indexFile = "model.safetensors.index.json"
    /// The single-file weights' name.
    package static let singleFile = "model.safetensors"

    /// Every weight tensor, by name, with the shard holding it.
    package private(set) var tensors: [String: (shard: String, info: SafetensorsHeader.TensorInfo)] = [:]

    /// Elements in all tensors.
    package var parameters: Int64 { tensors.values.reduce(0) { $0 + Int64($1.info.elementCount) } }

    /// The dtype holding the most elements (ties: the larger element type).
    package var dominantDType: SafetensorsDType? {
        var counts: [SafetensorsDType: Int64] = [:]
        for entry in tensors.values { counts[entry.info.dtype, default: 0] += Int64(entry.info.elementCount) }
        return counts.max { ($0.value, $0.key.byteSize) < ($1.value, $1.key.byteSize) }?.key
    }

    /// Collects the weights and cross-checks the index against the shards.
    /// - Parameters:
    ///   - headers: every `*.safetensors` file's validated header, by path.
    ///   - index: the bytes of the index file, when there is one.
    /// - Throws: `HFCheckpointError` naming the file and tensor at fault.
    package init(headers: [String: SafetensorsHeader], index: Data?) throws(HFCheckpointError) {
        guard let index else {
            guard let header = headers[Self.singleFile] else {
                throw HFCheckpointError(
                    file: Self.singleFile,
                    "no weights: an hf checkpoint needs model.safetensors, or model.safetensors.index.json and its "
                        + "shards (pickled .bin weights are not accepted)")
            }
            for tensor in header.tensors { tensors[tensor.name] = (Self.singleFile, tensor) }
            return
        }
        let weightMap = try Self.weightMap(index)
        for (name, shard) in weightMap.sorted(by: { $0.key < $1.key }) {
            guard let header = headers[shard] else {
                throw HFCheckpointError(file: Self.indexFile, "maps tensor \"\(name)\" to \"\(shard)\", which is not in the upload")
            }
            guard let info = header.tensor(named: name) else {
                throw HFCheckpointError(file: Self.indexFile, "maps tensor \"\(name)\" to \"\(shard)\", which does not hold it")
            }
            tensors[name] = (shard, info)
        }
        for shard in Set(weightMap.values).sorted() {
            for tensor in headers[shard]?.tensors ?? [] where weightMap[tensor.name] != shard {
                let place = weightMap[tensor.name].map { "maps it to \"\($0)\"" } ?? "does not list it"
                throw HFCheckpointError(file: shard, "holds tensor \"\(tensor.name)\" but \(Self.indexFile) \(place)")
            }
        }
    }

    private struct Index: Decodable {
        var weightMap: [String: String]
        enum CodingKeys: String, CodingKey { case weightMap = "weight_map" }
    }

    private static func weightMap(_ data: Data) throws(HFCheckpointError) -> [String: String] {
        let index: Index
        do {
            index = try JSONDecoder().decode(Index.self, from: data)
        } catch {
            throw HFCheckpointError(file: indexFile, "is not a JSON object with a \"weight_map\" of tensor names to shard files")
        }
        guard !index.weightMap.isEmpty else { throw HFCheckpointError(file: indexFile, "its \"weight_map\" is empty") }
        // Shards are named relative to the checkpoint directory, like entries.
        var map: [String: String] = [:]
        for (name, shard) in index.weightMap {
            guard let path = try? ArchivePath.normalize(shard, limits: ArchiveLimits(maxBytes: 0)), !path.isEmpty,
                path.hasSuffix(".safetensors")
            else {
                throw HFCheckpointError(file: indexFile, "maps tensor \"\(name)\" to \"\(shard)\", which is not a safetensors file in the checkpoint")
            }
            map[name] = path
        }
        return map
    }
}
