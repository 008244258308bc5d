import Foundation
import Testing
@testable import Benchmarks

@Suite("Sampling parameters and agent limits")
struct AgentConfigurationTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func samplingDefaultsAndSnakeCaseKeys() throws {
        let defaults = SamplingParameters()
        #expect(defaults == SamplingParameters(temperature: 0.6, topP: 0.95, topK: 20, repetitionPenalty: 1.1, maxTokens: 4096))
        #expect(try decode(SamplingParameters.self, "{}") == defaults)
        let custom = try decode(
            SamplingParameters.self,
            #"{"temperature":1,"top_p":0.9,"top_k":-1,"repetition_penalty":1.05,"max_tokens":256}"#)
        #expect(custom == SamplingParameters(temperature: 1, topP: 0.9, topK: -1, repetitionPenalty: 1.05, maxTokens: 256))
        let encoded = try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(custom))
        #expect(Set(encoded.keys) == ["temperature", "top_p", "top_k", "repetition_penalty", "max_tokens"])
        #expect(try decode(SamplingParameters.self, String(decoding: JSONEncoder().encode(custom), as: UTF8.self)) == custom)
    }

    @Test func samplingRejectsUnknownKeysAndBadValues() {
        for json in [
            #"{"temprature":0.5}"#, #"{"topP":0.5}"#, #"{"temperature":-1}"#, #"{"top_p":0}"#,
            #"{"top_p":1.5}"#, #"{"top_k":0}"#, #"{"repetition_penalty":0}"#, #"{"max_tokens":0}"#,
        ] {
            #expect(throws: DecodingError.self, "\(json)") { try decode(SamplingParameters.self, json) }
        }
    }

    @Test func unknownKeyErrorNamesTheKeyAndTheValidOnes() {
        do {
            _ = try decode(SamplingParameters.self, #"{"temprature":0.5}"#)
            Issue.record("expected an error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("temprature"))
            #expect(context.debugDescription.contains("temperature"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func limitsDefaultsAndDecoding() throws {
        let defaults = AgentLimits()
        #expect((defaults.maxSearches, defaults.maxPythonCalls, defaults.maxTokensPerCall) == (10, 5, 4096))
        #expect((defaults.maxModelCalls, defaults.sampleTimeoutSeconds) == (32, 600))
        #expect(defaults.sampleTimeout == .seconds(600))
        #expect(try decode(AgentLimits.self, "{}") == defaults)
        let custom = try decode(AgentLimits.self, #"{"max_searches":3,"sample_timeout_seconds":1.5}"#)
        #expect(custom.maxSearches == 3 && custom.sampleTimeout == .milliseconds(1500) && custom.maxPythonCalls == 5)
        #expect(try decode(AgentLimits.self, String(decoding: JSONEncoder().encode(custom), as: UTF8.self)) == custom)
        for json in [#"{"max_search":3}"#, #"{"max_searches":-1}"#, #"{"max_model_calls":0}"#, #"{"sample_timeout_seconds":0}"#] {
            #expect(throws: DecodingError.self, "\(json)") { try decode(AgentLimits.self, json) }
        }
    }
}
