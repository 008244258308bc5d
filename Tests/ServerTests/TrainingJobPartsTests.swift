import Foundation
import Testing

@testable import Server
@testable import ServerCore

/// The pure parts of template jobs: verl's two metric forms, parameter
/// values and placeholders, reading a followed file, and admission.
@Suite("Training job parts")
struct TrainingJobPartsTests {
    @Test func fileLoggerLinesKeepNonFiniteValuesAsNull() throws {
        let line = #"{"step": 7, "elapsed_seconds": 1.5, "data": {"actor/pg_loss": NaN, "a/b": -Infinity, "c": Infinity, "name": "NaN ok"}}"#
        let metric = try #require(MetricLine.parse(line))
        #expect(metric.step == 7)
        #expect(metric.json == #"{"data":{"a/b":null,"actor/pg_loss":null,"c":null,"name":"NaN ok"},"elapsed_seconds":1.5,"step":7}"#)
        #expect(metric.nonFinite == [
            .init(key: "a/b", value: "-Infinity"), .init(key: "actor/pg_loss", value: "NaN"), .init(key: "c", value: "Infinity"),
        ])
        #expect(MetricLine.parse(#"{"step": 1.5, "data": {}}"#) == nil)
        #expect(MetricLine.parse(#"{"data": {"x": 1}}"#) == nil)
        #expect(MetricLine.parse("{not json") == nil)
    }

    @Test func consoleLinesOfEveryVerlVintage() throws {
        let fork = try #require(MetricLine.parse("step:12 - actor/pg_loss:-0.010 - critic/score/mean:nan - timing_s/gen:inf"))
        #expect(fork.step == 12)
        #expect(fork.json == #"{"data":{"actor/pg_loss":-0.01,"critic/score/mean":null,"timing_s/gen":null},"step":12}"#)
        #expect(fork.nonFinite.map(\.value) == ["NaN", "Infinity"])
        let ray = try #require(MetricLine.parse("(TaskRunner pid=2781) step:3 - actor/lr:1e-06 - val-core/gsm8k/acc@1:np.float64(0.5) - done:True"))
        #expect(ray.json == #"{"data":{"actor/lr":1e-06,"done":1,"val-core/gsm8k/acc@1":0.5},"step":3}"#)
        for line in ["step:3", "step:x - a:1", "step:3 - a:abc", "training step:3 - a:1", "step 3: a:1", "epoch 1 done"] {
            #expect(MetricLine.parse(line) == nil, "\(line)")
        }
    }

    @Test func placeholdersAreFilledOnceAndUnknownOnesKept() {
        let values = ["steps": "5", "files": "['{steps}']", "workdir": "/jobs/1"]
        #expect(TemplateText.substitute("a={files} b={steps} c=${oc.env:HOME} d={nope} e={", values)
            == "a=['{steps}'] b=5 c=${oc.env:HOME} d={nope} e={")
        #expect(TemplateText.substitute("{workdir}/ckpt", values) == "/jobs/1/ckpt")
    }

    @Test func parameterValues() throws {
        for value in [#"data.files=['a b.parquet','c.parquet']"#, #"trainer.logger=["console","file"]"#, "x=a,b", "tab\u{A0}nbsp"] {
            try TemplateText.check(value, parameter: "p", pattern: nil)
        }
        for value in ["", "-x", "--config-path=/", "a\nb", "a\u{0}", "a\u{7f}", "\u{85}next-line", String(repeating: "a", count: 4097)] {
            #expect(throws: CoreError.self, "\(value.debugDescription)") { try TemplateText.check(value, parameter: "p", pattern: nil) }
        }
        try TemplateText.check("-3", parameter: "p", pattern: "-?[0-9]+")
        // The pattern matches the whole value, anchored or not.
        #expect(throws: CoreError.self) { try TemplateText.check("12; rm", parameter: "p", pattern: "[0-9]+") }
        #expect(throws: CoreError.self) { try TemplateText.check("1\n", parameter: "p", pattern: "[0-9\\n]+") }
    }

    @Test func aFollowedFileIsReadOnceAndARewrittenOneFromTheStart() throws {
        let directory = try TemporaryDirectory.make()
        let path = directory.appendingPathComponent("metrics.jsonl").path
        let file = OutputFile(name: "metrics", path: path, rewritable: true, retainBytes: nil)
        #expect(file.read(from: .init(), final: false).lines.isEmpty, "a missing file is no lines")
        try Data("one\ntwo\nthr".utf8).write(to: URL(fileURLWithPath: path))
        let first = file.read(from: .init(), final: false)
        #expect(first.lines == ["one", "two"])
        #expect(first.position.offset == 8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("ee\nfour".utf8))
        try handle.close()
        let second = file.read(from: first.position, final: false)
        #expect(second.lines == ["three"])
        #expect(file.read(from: second.position, final: true).lines == ["four"], "the writer is gone: the last line counts")
        // Truncated and written again (a resumed verl run), even past the old offset.
        try Data("uno\ndos\ntres\ncuatro\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(file.read(from: second.position, final: false).lines == ["uno", "dos", "tres", "cuatro"])
        // A log that is not rewritable is never read again from the start.
        let log = OutputFile(name: "stdout", path: path, rewritable: false, retainBytes: nil)
        #expect(log.read(from: .init(offset: 8), final: false).lines == ["tres", "cuatro"])
        #expect(OutputFile.text(ArraySlice(Array("\rstep 1/3\rstep 2/3\r".utf8))) == "step 2/3")
    }

    @Test func admissionKeepsTheBoundAndTheDevices() {
        var capacity = TrainingCapacity(maxRunning: 2, devices: [0, 1, 2])
        #expect(capacity.admit(job: 1, gpus: 2) == .init(devices: [0, 1]))
        #expect(capacity.admit(job: 2, gpus: 2) == nil, "one device free")
        #expect(capacity.admit(job: 3, gpus: 0) == .init(devices: []))
        #expect(capacity.admit(job: 4, gpus: 0) == nil, "two running already")
        capacity.release(job: 1)
        #expect(capacity.admit(job: 2, gpus: 2) == .init(devices: [0, 1]))
        var unmanaged = TrainingCapacity(maxRunning: nil, devices: nil)
        unmanaged.hold(job: 9, devices: nil)
        #expect(unmanaged.admit(job: 10, gpus: 8) == .init(devices: nil))
    }
}

/// What the store keeps of a job's output: each metric step once, the
/// read positions with the events, and a bounded log.
@Suite("Training job ingestion in the store")
struct TrainingIngestStoreTests {
    @Test func stepsAreStoredOnceAndLogsStayUnderTheBound() async throws {
        let env = try await TestEnvironment()
        let store = env.services.training
        let id = try await store.create(kind: "template", template: "t", config: "{}")
        func metric(_ step: Int, _ value: Double) -> TrainingStore.Entry {
            .init(kind: .metric, data: #"{"data":{"x":\#(value)},"step":\#(step)}"#, step: step, notes: ["note \(step)"])
        }
        _ = try await store.ingest(
            job: id, entries: [metric(1, 0.1), metric(2, 0.2)], source: "metrics", position: .init(offset: 10, head: "ab"),
            logLimit: 1 << 20)
        // The file read again from the start after a truncation: step 2 again, then 3.
        let again = try await store.ingest(
            job: id, entries: [metric(2, 9.9), metric(3, 0.3)], source: "metrics", position: .init(offset: 5, head: "cd"),
            logLimit: 1 << 20)
        #expect(again.map(\.kind) == [.metric, .log], "step 2 and its note are skipped")
        let events = try await store.events(job: id, after: 0, limit: 100)
        #expect(events.filter { $0.kind == .metric }.map(\.data).contains { $0.contains("9.9") } == false)
        #expect(try await store.lastMetricStep(job: id) == 3)
        #expect(try await store.positions(job: id) == ["metrics": .init(offset: 5, head: "cd")])

        let lines = (1...200).map { TrainingStore.Entry(kind: .log, data: TrainingStore.logData("line \($0) " + String(repeating: "x", count: 80))) }
        for batch in stride(from: 0, to: lines.count, by: 20) {
            _ = try await store.ingest(
                job: id, entries: Array(lines[batch..<batch + 20]), source: "stdout", position: .init(offset: Int64(batch)),
                logLimit: 4096)
        }
        let kept = try await store.events(job: id, after: 0, limit: 1000)
        let logBytes = kept.filter { $0.kind == .log }.reduce(0) { $0 + $1.data.utf8.count }
        #expect(logBytes <= 4096)
        #expect(kept.last?.data.contains("line 200 ") == true, "the newest lines are kept")
        #expect(kept.filter { $0.kind == .metric }.count == 3, "metrics are never dropped")
    }
}
