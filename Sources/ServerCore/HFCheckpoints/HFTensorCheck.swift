import Foundation

/// What the built-in engine knows of an architecture's weights, injected
/// into ``HFDirectoryInspector`` so that the checkpoint store does not
/// depend on the engine's model code (the engine's own check is plugged in
/// where the server is assembled; tests use a double).
package protocol HFTensorCheck: Sendable {
    /// The tensors, name → shape, that a checkpoint with this `config.json`
    /// must hold for the built-in engine to run it, or nil when the engine
    /// does not run its architecture.
    /// - Parameter config: the bytes of `config.json` (already known to be a
    ///   JSON object).
    /// - Throws: ``HFTensorCheckError`` when the config lacks or contradicts
    ///   what a supported architecture needs (a missing `hidden_size`, heads
    ///   that do not divide it, ...).
    func expectedTensors(config: Data) throws(HFTensorCheckError) -> [String: [Int]]?
}

/// A config that a supported architecture cannot be built from.
package struct HFTensorCheckError: Error, Equatable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
