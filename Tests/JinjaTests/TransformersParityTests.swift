import Foundation
import Testing

@testable import Jinja

/// Every render recorded from transformers and jinja2 must come out byte
/// for byte the same (or fail with the same exception and message).
@Suite struct TransformersParityTests {
    @Test("fixtures are present") func fixturesLoaded() {
        #expect(Fixtures.cases("family").count >= 30)
        #expect(Fixtures.cases("features").count >= 70)
        #expect(Fixtures.cases("checkpoints").count >= 8)
    }

    @Test("family templates through apply_chat_template", arguments: Fixtures.cases("family"))
    func family(_ fixture: FixtureCase) throws {
        guard case .string(let name)? = fixture["template"], case .list(let messages)? = fixture["messages"] else {
            Issue.record("malformed fixture \(fixture.id)")
            return
        }
        var tokens: [String: String] = [:]
        for (k, v) in Fixtures.context(fixture["special_tokens"]) { if case .string(let s) = v { tokens[k] = s } }
        let template = try ChatTemplate(source: try Fixtures.template(name), specialTokens: tokens)
        var tools: [Value]?
        if case .list(let t)? = fixture["tools"] { tools = t }
        var documents: [Value]?
        if case .list(let d)? = fixture["documents"] { documents = d }
        var continueField: String?
        switch fixture["continue_final_message"] {
        case .bool(true)?: continueField = "content"
        case .string(let f)?: continueField = f
        default: break
        }
        expectOutcome(fixture) {
            try template.render(
                messages: messages, tools: tools, documents: documents,
                addGenerationPrompt: fixture["add_generation_prompt"]?.isTruthy ?? false, continueFinalMessage: continueField, extra: Fixtures.context(fixture["kwargs"]),
                environment: Fixtures.environment)
        }
    }

    @Test("feature templates and inline snippets", arguments: Fixtures.cases("features"))
    func feature(_ fixture: FixtureCase) throws {
        let source: String
        if case .string(let name)? = fixture["template"] {
            source = try Fixtures.template(name)
        } else if case .string(let s)? = fixture["source"] {
            source = s
        } else {
            Issue.record("malformed fixture \(fixture.id)")
            return
        }
        let render = {
            try Template(source).render(Fixtures.context(fixture["context"]), environment: Fixtures.environment)
        }
        if let reason = Self.knownDifferences[fixture.id] {
            withKnownIssue(Comment(rawValue: reason)) { expectOutcome(fixture, render) }
        } else {
            expectOutcome(fixture, render)
        }
    }

    /// Where this engine knowingly differs from Python (each still has to differ,
    /// or `withKnownIssue` fails the test and the entry must go).
    static let knownDifferences: [String: String] = [
        "inline/int-overflow":
            "Python integers are unbounded; here they are 64-bit and overflow raises OverflowError instead of trapping",
    ]

    @Test("checkpoint directories load their template as AutoTokenizer does", arguments: Fixtures.cases("checkpoints"))
    func checkpoint(_ fixture: FixtureCase) throws {
        guard case .string(let dir)? = fixture["dir"], case .list(let messages)? = fixture["messages"] else {
            Issue.record("malformed fixture \(fixture.id)")
            return
        }
        var tools: [Value]?
        if case .list(let t)? = fixture["tools"] { tools = t }
        var name: String?
        if case .string(let n)? = fixture["template_name"] { name = n }
        let url = Fixtures.directory.appendingPathComponent("checkpoints").appendingPathComponent(dir)
        expectOutcome(fixture) {
            let template = try ChatTemplate.load(directory: url, name: name, withTools: tools != nil)
            return try template.render(
                messages: messages, tools: tools, addGenerationPrompt: fixture["add_generation_prompt"]?.isTruthy ?? false,
                environment: Fixtures.environment)
        }
    }
}
