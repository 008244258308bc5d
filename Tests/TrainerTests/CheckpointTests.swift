import Foundation
import Testing
@testable import Trainer

@Suite struct CheckpointTests {
    let metadata = CheckpointMetadata(algorithm: "aepo", task: "gaia \"quoted\"\n", step: 42, seed: 7)

    func savedCheckpoint(_ directory: URL, config: GPTConfig = tinyConfig) throws -> (GPT, URL) {
        let model = try GPT(config: config, seed: 11)
        let url = directory.appendingPathComponent("model.safetensors")
        try Checkpoint.save(model, tokenizer: try ByteTokenizer(vocabSize: 512), metadata: metadata, to: url)
        return (model, url)
    }

    @Test func roundTripsParametersConfigAndMetadata() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = GPTConfig(vocabSize: 512, contextLength: 8, layerCount: 2, headCount: 2, modelDimension: 8)
        let (model, url) = try savedCheckpoint(directory, config: config)
        let loaded = try Checkpoint.load(from: url)
        #expect(loaded.model.config == config)
        #expect(loaded.model.parameters.array == model.parameters.array)
        #expect(loaded.metadata == metadata)
        #expect(loaded.tokenizer == (try ByteTokenizer(vocabSize: 512)))

        let header = try SafetensorsHeader.read(contentsOf: url)
        #expect(header.dataStart % 8 == 0)
        #expect(header.metadata["format"] == "aepo-gpt" && header.metadata["step"] == "42")
        #expect(header.tensor(named: "h.1.mlp.fc.weight")?.shape == [32, 8])
        #expect(header.tensors.count == model.layout.specs.count)

        let other = try GPT(config: config, seed: 99)
        #expect(try Checkpoint.load(into: other, from: url) == metadata)
        #expect(other.parameters.array == model.parameters.array)
    }

    @Test func refusesAModelWithAnotherConfig() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, url) = try savedCheckpoint(directory, config: GPTConfig(vocabSize: 512, contextLength: 8, layerCount: 1, headCount: 2, modelDimension: 8))
        let wider = try GPT(config: GPTConfig(vocabSize: 512, contextLength: 8, layerCount: 1, headCount: 2, modelDimension: 16))
        #expect(throws: CheckpointError.self) { try Checkpoint.load(into: wider, from: url) }
        do {
            try Checkpoint.load(into: wider, from: url)
        } catch {
            #expect(error.description.contains("does not match the model"))
        }
    }

    @Test func refusesCorruptedFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = GPTConfig(vocabSize: 512, contextLength: 4, layerCount: 1, headCount: 1, modelDimension: 4)
        let (_, url) = try savedCheckpoint(directory, config: config)
        let original = try Data(contentsOf: url)
        let header = try SafetensorsHeader(parsing: original, fileSize: original.count)
        let headerText = String(decoding: original[8..<header.dataStart], as: UTF8.self)

        func load(_ bytes: Data) throws(CheckpointError) {
            let corrupt = directory.appendingPathComponent("corrupt.safetensors")
            do { try bytes.write(to: corrupt) } catch { Issue.record("\(error)") }
            _ = try Checkpoint.load(from: corrupt)
        }
        /// The file with its header text edited (length kept when padding allows).
        func edited(_ transform: (String) -> String) -> Data {
            var text = transform(headerText)
            while (8 + text.utf8.count) % 8 != 0 { text += " " }
            var data = Data()
            withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            return data + Data(text.utf8) + original[header.dataStart...]
        }

        #expect(throws: CheckpointError.safetensors(.fileTooSmall(size: 3))) { try load(original.prefix(3)) }
        #expect(throws: CheckpointError.safetensors(.dataLengthMismatch(expected: original.count - header.dataStart, actual: original.count - header.dataStart - 4))) {
            try load(original.dropLast(4))
        }
        var huge = original
        huge.replaceSubrange(0..<8, with: [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(throws: CheckpointError.safetensors(.headerTooLarge(declared: 1 << 56, limit: 100_000_000))) { try load(huge) }
        var truncated = original.prefix(8 + 10)
        truncated.replaceSubrange(0..<8, with: [200, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: CheckpointError.safetensors(.truncatedHeader(declared: 200, available: 10))) { try load(truncated) }
        #expect(throws: CheckpointError.self) { try load(edited { $0.replacingOccurrences(of: "{\"__metadata__\"", with: "[\"__metadata__\"") }) }
        #expect(throws: CheckpointError.safetensors(.unknownDType(name: "wte", dtype: "F33"))) {
            try load(edited { $0.replacingOccurrences(of: "\"wte\":{\"dtype\":\"F32\"", with: "\"wte\":{\"dtype\":\"F33\"") })
        }
        #expect(throws: CheckpointError.wrongDType(tensor: "wte", found: .i32)) {
            try load(edited { $0.replacingOccurrences(of: "\"wte\":{\"dtype\":\"F32\"", with: "\"wte\":{\"dtype\":\"I32\"") })
        }
        #expect(throws: CheckpointError.wrongShape(tensor: "wte", expected: [512, 4], found: [4, 512])) {
            try load(edited { $0.replacingOccurrences(of: "\"shape\":[512,4]", with: "\"shape\":[4,512]") })
        }
        #expect(throws: CheckpointError.safetensors(.sizeMismatch(name: "wte", expectedBytes: 4096, actualBytes: 8192))) {
            try load(edited { $0.replacingOccurrences(of: "\"shape\":[512,4]", with: "\"shape\":[256,4]") })
        }
        #expect(throws: CheckpointError.missingTensor("lnf.bias")) {
            try load(edited { $0.replacingOccurrences(of: "\"lnf.bias\"", with: "\"lnf.bias2\"") })
        }
        #expect(throws: CheckpointError.wrongFormat(found: "other")) {
            try load(edited { $0.replacingOccurrences(of: "\"aepo-gpt\"", with: "\"other\"") })
        }
        #expect(throws: CheckpointError.invalidMetadata(key: "step", reason: "\"x2\" is not a non-negative integer")) {
            try load(edited { $0.replacingOccurrences(of: "\"step\":\"42\"", with: "\"step\":\"x2\"") })
        }
        #expect(throws: CheckpointError.self) {  // config JSON with an unknown key
            try load(edited { $0.replacingOccurrences(of: "\\\"n_layer\\\"", with: "\\\"layers\\\"") })
        }
        #expect(throws: CheckpointError.self) {  // config inconsistent with the tensors
            try load(edited { $0.replacingOccurrences(of: "\\\"n_layer\\\":1", with: "\\\"n_layer\\\":2") })
        }
        // Refused from the header's counts, before a 6-million-entry layout is built.
        let manyLayers = CheckpointError.invalidMetadata(key: "config", reason: "it implies 6291460 tensors (n_layer 524288); the file has 16")
        #expect(throws: manyLayers) {
            try load(edited { $0.replacingOccurrences(of: "\\\"n_layer\\\":1", with: "\\\"n_layer\\\":524288") })
        }
        var nan = original
        nan.replaceSubrange((header.dataStart)..<(header.dataStart + 4), with: [0, 0, 0xC0, 0x7F])
        #expect(throws: CheckpointError.nonFiniteValues(tensor: "wte")) { try load(nan) }
    }

    @Test func headerParserValidatesOffsets() throws {
        func file(_ json: String, dataBytes: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { bytes += $0 }
            return bytes + Array(json.utf8) + [UInt8](repeating: 0, count: dataBytes)
        }
        func parse(_ json: String, dataBytes: Int) throws(SafetensorsError) -> SafetensorsHeader {
            let bytes = file(json, dataBytes: dataBytes)
            return try SafetensorsHeader(parsing: bytes, fileSize: bytes.count)
        }
        let ok = try parse(#"{"b":{"dtype":"F16","shape":[3],"data_offsets":[8,14]},"a":{"dtype":"U8","shape":[2,4],"data_offsets":[0,8]}}"#, dataBytes: 14)
        #expect(ok.tensors.map(\.name) == ["a", "b"] && ok.metadata.isEmpty)
        #expect(ok.tensor(named: "b")?.dataOffsets == 8..<14)
        #expect(throws: SafetensorsError.offsetsNotContiguous(name: "b", expectedBegin: 8, begin: 9)) {
            try parse(#"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[2],"data_offsets":[9,11]}}"#, dataBytes: 11)
        }
        #expect(throws: SafetensorsError.offsetsNotContiguous(name: "b", expectedBegin: 8, begin: 4)) {
            try parse(#"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#, dataBytes: 8)
        }
        #expect(throws: SafetensorsError.invalidTensorEntry(name: "a", reason: "negative dimension -2 in shape")) {
            try parse(#"{"a":{"dtype":"U8","shape":[-2],"data_offsets":[0,0]}}"#, dataBytes: 0)
        }
        #expect(throws: SafetensorsError.invalidTensorEntry(name: "a", reason: "unknown key \"extra\"")) {
            try parse(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":1}}"#, dataBytes: 1)
        }
        #expect(throws: SafetensorsError.invalidMetadata("it must be an object whose values are all strings")) {
            try parse(#"{"__metadata__":{"step":3}}"#, dataBytes: 0)
        }
        #expect(throws: SafetensorsError.self) { try parse(#"{"a": "#, dataBytes: 0) }
        #expect(throws: SafetensorsError.invalidJSON("the header must start with '{'")) { try parse(" {}", dataBytes: 0) }
        #expect(throws: SafetensorsError.dataLengthMismatch(expected: 0, actual: 3)) { try parse("{}", dataBytes: 3) }
        #expect(throws: SafetensorsError.self) {
            try parse(#"{"a":{"dtype":"U8","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#, dataBytes: 0)
        }
    }

    @Test func writerEscapesMetadataAndRejectsDuplicates() throws {
        var writer = SafetensorsWriter(metadata: ["note": "tab\there \"q\" \u{1}"])
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        try values.withUnsafeBufferPointer { buffer throws(SafetensorsError) in
            try writer.add(name: "x", shape: [2, 3], values: buffer)
            #expect(throws: SafetensorsError.self) { try writer.add(name: "x", shape: [6], values: buffer) }
            #expect(throws: SafetensorsError.self) { try writer.add(name: "y", shape: [5], values: buffer) }
        }
        let data = writer.serialized()
        let header = try SafetensorsHeader(parsing: data, fileSize: data.count)
        #expect(header.metadata["note"] == "tab\there \"q\" \u{1}")
        #expect(header.tensor(named: "x")?.shape == [2, 3])
    }
}
