/// How a run on synthetic data recovered the true parameters: `summary.json`'s `synthetic`
/// object and the terminal lines about it.
///
/// Fields: `rows`, `features`, `classes` (softmax), `distribution`, `noise_variance`, `seed`,
/// `true_weights`, `true_bias`, `trained_weights`, `reference_weights` (LAPACK/Newton optimum, or
/// null), `distance_to_true_weights` (`trained`: ‖w − w*‖, `reference`: ‖ŵ − w*‖, over the
/// weights only), `data_file`, `true_weights_file`.
///
/// The trained and reference weights are mapped back to the raw feature scale first (w/scale
/// when `data.standardize` is on), because w* acts on raw features. Softmax weights are fixed
/// only up to adding one vector to every class, so for softmax every weight matrix (true,
/// trained, reference) is centred across classes before distances are taken. When
/// `data.features` leaves out generated columns there is nothing to compare the missing
/// weights with, and the distances are null.
public struct SyntheticDataReport: Sendable {
    public let data: SyntheticData
    /// Trained weights on the raw scale, K rows of d numbers (in `data.csv`'s column order).
    public let trained: [[Double]]?
    /// Reference optimum's weights on the raw scale.
    public let reference: [[Double]]?
    public let trainedDistance: Double?
    public let referenceDistance: Double?

    public init(data: SyntheticData, prepared: PreparedData, trainedParameters: [Double], referenceParameters: [Double]?) {
        self.data = data
        let d = data.featureCount
        // Column j of the model → generated feature index, by name (x3 → 2).
        let names = prepared.featureNames
        let indices = names.compactMap { name -> Int? in
            guard name.hasPrefix("x"), let i = Int(name.dropFirst()), i >= 1, i <= d else { return nil }
            return i - 1
        }
        let complete = indices == Array(0..<d)
        let k = prepared.classCount
        let scale = prepared.standardizer.scale
        func raw(_ theta: [Double]) -> [[Double]]? {
            guard complete, theta.count >= d * k else { return nil }
            return (0..<k).map { c in (0..<d).map { j in theta[j * k + c] / scale[j] } }
        }
        trained = raw(trainedParameters)
        reference = referenceParameters.flatMap(raw)
        let truth = Self.centred(data.trueWeights, softmax: data.kind == .softmax)
        func distance(_ w: [[Double]]?) -> Double? {
            guard let w else { return nil }
            let centred = Self.centred(w, softmax: data.kind == .softmax)
            var sum = 0.0
            for (a, b) in zip(centred.joined(), truth.joined()) { sum += (a - b) * (a - b) }
            return sum.squareRoot()
        }
        trainedDistance = distance(trained)
        referenceDistance = distance(reference)
    }

    /// Softmax: subtract each feature's mean across classes (the identifiable part).
    static func centred(_ w: [[Double]], softmax: Bool) -> [[Double]] {
        guard softmax, let first = w.first else { return w }
        let k = Double(w.count)
        let means = (0..<first.count).map { j in w.reduce(0) { $0 + $1[j] } / k }
        return w.map { row in row.enumerated().map { $0.element - means[$0.offset] } }
    }

    func weightsJSON(_ w: [[Double]]?) -> JSONValue {
        guard let w else { return .null }
        if data.kind == .softmax { return .array(w.map { .array($0.map(JSONValue.number)) }) }
        return .array((w.first ?? []).map(JSONValue.number))
    }

    func number(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x)
    }

    public func json() -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("rows", .number(Double(data.config.rows))),
            ("features", .number(Double(data.featureCount))),
        ]
        if data.kind == .softmax { fields.append(("classes", .number(Double(data.trueWeights.count)))) }
        fields += [
            ("distribution", .string(data.config.distribution.rawValue)),
            ("noise_variance", .number(data.config.noiseVariance)),
            ("seed", .number(Double(data.seed))),
            ("true_weights", weightsJSON(data.trueWeights)),
            ("true_bias", data.kind == .softmax ? .array(data.trueBias.map(JSONValue.number)) : .number(data.trueBias.first ?? 0)),
            ("trained_weights", weightsJSON(trained)),
            ("reference_weights", weightsJSON(reference)),
            ("distance_to_true_weights", .object([
                ("trained", number(trainedDistance)),
                ("reference", number(referenceDistance)),
            ])),
            ("data_file", .string(SyntheticData.dataFileName)),
            ("true_weights_file", .string(SyntheticData.trueWeightsFileName)),
        ]
        return .object(fields)
    }

    /// Lines for the terminal summary (weights printed when there are at most 12 per class).
    public func textLines() -> [String] {
        let c = data.config
        var lines = [
            "synthetic  \(c.rows) rows × \(data.featureCount) features (\(c.distribution.rawValue)), noise variance \(fmt(c.noiseVariance)), seed \(data.seed); saved as \(SyntheticData.dataFileName) and \(SyntheticData.trueWeightsFileName)"
        ]
        func vector(_ w: [[Double]]?) -> String {
            guard let w else { return "–" }
            return w.map { "[" + $0.map(fmt).joined(separator: ", ") + "]" }.joined(separator: " ")
        }
        if data.featureCount <= 12 {
            lines.append("true w*    \(vector(data.trueWeights))")
            lines.append("trained w  \(vector(trained))")
            lines.append("\(data.kind == .linear ? "LAPACK ŵ " : "Newton ŵ ")  \(vector(reference))")
        }
        lines.append("distance   ‖w − w*‖ = \(fmt(trainedDistance ?? .nan)), ‖ŵ − w*‖ = \(fmt(referenceDistance ?? .nan))\(data.kind == .softmax ? " (class-centred)" : "")")
        return lines
    }
}
