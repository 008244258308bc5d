import Foundation
import Trainer

/// Built-in checkpoints loaded into the built-in engine, one per checkpoint,
/// shared by every evaluation of it.
package actor BuiltinModels {
    private var loaded: [Int64: BuiltinModel] = [:]

    package func model(for checkpoint: Int64, file: URL) throws -> BuiltinModel {
        if let model = loaded[checkpoint] { return model }
        let model = try BuiltinModel(contentsOf: file)
        loaded[checkpoint] = model
        return model
    }
}
