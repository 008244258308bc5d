import Foundation
import Hummingbird
import Testing

@testable import Server
@testable import ServerCore

@Suite("Safetensors header validation")
struct SafetensorsInspectorTests {
    private func inspect(_ data: Data) throws -> ArtifactFormat {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try SafetensorsInspector.inspect(fileAt: url)
    }

    private func refusal(_ data: Data) -> String? {
        do {
            _ = try inspect(data)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func validFileYieldsMetadataAndCounts() throws {
        let format = try inspect(SafetensorsFixture.valid(metadata: ["step": "7"]))
        #expect(format == .safetensors(metadata: ["step": "7"], tensorCount: 2, parameterCount: 10))
    }

    @Test func emptyTensorAndNoMetadataAreFine() throws {
        let header: [String: Any] = ["e": ["dtype": "BF16", "shape": [0, 3], "data_offsets": [0, 0]]]
        #expect(try inspect(SafetensorsFixture.file(header: header, dataBytes: 0))
            == .safetensors(metadata: [:], tensorCount: 1, parameterCount: 0))
    }

    @Test func nonSafetensorsFilesAreOpaque() throws {
        #expect(try inspect(Data("hello world, not a model".utf8)) == .opaque)
        #expect(try inspect(Data([1, 2, 3])) == .opaque)
        #expect(try inspect(Data()) == .opaque)
    }

    @Test func headerLongerThanFileIsRefused() {
        let data = SafetensorsFixture.file(headerBytes: Data("{}".utf8), dataBytes: 0, declaredLength: 5000)
        #expect(refusal(data)?.contains("declares 5000 bytes") == true)
    }

    @Test func headerThatIsNotJSONIsRefused() {
        let data = SafetensorsFixture.file(headerBytes: Data("{nope".utf8), dataBytes: 0)
        #expect(refusal(data)?.contains("not valid JSON") == true)
    }

    @Test func shapeAndOffsetsMustAgree() {
        let header: [String: Any] = ["w": ["dtype": "F16", "shape": [3], "data_offsets": [0, 8]]]
        let message = refusal(SafetensorsFixture.file(header: header, dataBytes: 8))
        #expect(message?.contains("needs 6 bytes") == true)
    }

    @Test func unknownDtypeIsRefused() {
        let header: [String: Any] = ["w": ["dtype": "F33", "shape": [1], "data_offsets": [0, 4]]]
        #expect(refusal(SafetensorsFixture.file(header: header, dataBytes: 4))?.contains("unknown dtype") == true)
    }

    @Test func gapsOverlapsAndTrailingBytesAreRefused() {
        let gap: [String: Any] = [
            "a": ["dtype": "U8", "shape": [2], "data_offsets": [0, 2]],
            "b": ["dtype": "U8", "shape": [2], "data_offsets": [4, 6]],
        ]
        #expect(refusal(SafetensorsFixture.file(header: gap, dataBytes: 6))?.contains("starts at byte 4, expected 2") == true)
        let overlap: [String: Any] = [
            "a": ["dtype": "U8", "shape": [4], "data_offsets": [0, 4]],
            "b": ["dtype": "U8", "shape": [2], "data_offsets": [2, 4]],
        ]
        #expect(refusal(SafetensorsFixture.file(header: overlap, dataBytes: 4))?.contains("starts at byte 2, expected 4") == true)
        let trailing: [String: Any] = ["a": ["dtype": "U8", "shape": [2], "data_offsets": [0, 2]]]
        #expect(refusal(SafetensorsFixture.file(header: trailing, dataBytes: 5))?.contains("is 5 bytes but the tensors cover 2") == true)
    }

    @Test func metadataMustBeStrings() {
        let header: [String: Any] = ["__metadata__": ["step": 3]]
        #expect(refusal(SafetensorsFixture.file(header: header, dataBytes: 0))?.contains("__metadata__ is invalid") == true)
    }

    @Test func negativeOrFractionalDimensionsAreRefused() {
        let negative: [String: Any] = ["w": ["dtype": "U8", "shape": [-1], "data_offsets": [0, 0]]]
        #expect(refusal(SafetensorsFixture.file(header: negative, dataBytes: 0))?.contains(#"tensor "w""#) == true)
        let fractional: [String: Any] = ["w": ["dtype": "U8", "shape": [1.5], "data_offsets": [0, 1]]]
        #expect(refusal(SafetensorsFixture.file(header: fractional, dataBytes: 1)) != nil)
    }

    @Test func fileClaimingToBeABuiltInCheckpointIsCheckedAsOne() {
        let message = refusal(SafetensorsFixture.valid(metadata: ["format": "aepo-gpt"]))
        #expect(message?.contains("lacks") == true, "\(message ?? "accepted")")
    }
}
