/// One observation of a training metric: the step and the value there.
package struct MetricPoint: Sendable, Equatable {
    package var step: Double
    package var value: Double

    package init(step: Double, value: Double) {
        self.step = step
        self.value = value
    }
}
