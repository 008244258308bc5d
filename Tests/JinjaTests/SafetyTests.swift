import Testing

@testable import Jinja

/// Templates come from uploaded checkpoints: a hostile or broken one must
/// fail with an error, never crash the server or eat its memory. Renders
/// run in tasks, on the cooperative pool's smaller stacks, as the server
/// runs them.
@Suite struct SafetyTests {
    private func render(_ source: String, _ context: [String: Value] = [:]) async throws -> String {
        try await Task { try Template(source).render(context) }.value
    }

    @Test func endlessRecursionFails() async {
        await #expect(throws: JinjaError.runtime(kind: "RecursionError", message: "maximum recursion depth exceeded")) {
            try await render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
        }
        await #expect(throws: JinjaError.runtime(kind: "RecursionError", message: "maximum recursion depth exceeded")) {
            try await render("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}")
        }
    }

    @Test func recursionWithinTheLimitRenders() async throws {
        let countdown = "{% macro f(n) %}{{ n }}{% if n > 0 %},{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}"
        let text = try await render(countdown)
        #expect(text.hasPrefix("60,59,") && text.hasSuffix(",1,0"))
    }

    @Test func deepNestingIsASyntaxError() async throws {
        let deep = "{{ " + String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150) + " }}"
        await #expect(throws: JinjaError.syntax(message: "expression nested too deeply", line: 1)) { try await render(deep) }
        let fine = "{{ " + String(repeating: "(", count: 45) + "1" + String(repeating: ")", count: 45) + " }}"
        #expect(try await render(fine) == "1")
        let nots = "{{ " + String(repeating: "not ", count: 150) + "true }}"
        await #expect(throws: JinjaError.syntax(message: "expression nested too deeply", line: 1)) { try await render(nots) }
    }

    @Test func hugeRepetitionFails() async {
        await #expect(throws: JinjaError.runtime(kind: "MemoryError", message: "")) {
            try await render("{{ 'ab' * 1000000000 }}")
        }
        await #expect(throws: JinjaError.runtime(kind: "MemoryError", message: "")) {
            try await render("{{ [1, 2] * 1000000000 }}")
        }
    }

    @Test func deepDataIsBoundedAndRenders() async throws {
        let tooDeep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JinjaError.self) { try Value(json: tooDeep) }
        let deep = try Value(json: String(repeating: "[", count: 120) + "1" + String(repeating: "]", count: 120))
        let text = try await render("{{ x }}|{{ x | tojson }}", ["x": deep])
        #expect(text == String(repeating: "[", count: 120) + "1" + String(repeating: "]", count: 120) + "|"
            + String(repeating: "[", count: 120) + "1" + String(repeating: "]", count: 120))
    }

    @Test func percentFormatOfInfinityFails() async {
        await #expect(throws: JinjaError.runtime(kind: "OverflowError", message: "cannot convert float inf to integer")) {
            try await render("{{ '%d' % x }}", ["x": .float(.infinity)])
        }
    }
}
