import Foundation
import Trainer

/// The built-in engine's own tensor check: the tensors and shapes
/// `HFArchitecture` derives from a config it can build a model from.
///
/// An architecture or a feature the engine does not run (say, a rope type
/// it does not implement) is not an error: the checkpoint is still stored
/// as `hf`, with `runnable_by: []`, for an engine configured later.
package struct BuiltinHFTensorCheck: HFTensorCheck {
    package init() {}

    package func expectedTensors(config: Data) throws(HFTensorCheckError) -> [String: [Int]]? {
        let parsed: HFModelConfig
        do {
            parsed = try HFModelConfig(json: config)
        } catch .unsupportedArchitecture, .unsupportedFeature {
            return nil
        } catch {
            throw HFTensorCheckError(error.description)
        }
        var tensors: [String: [Int]] = [:]
        for tensor in HFArchitecture.expectedTensors(for: parsed) { tensors[tensor.name] = tensor.shape }
        return tensors
    }
}
