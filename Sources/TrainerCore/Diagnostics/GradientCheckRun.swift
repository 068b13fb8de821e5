import Foundation

/// `trainer gradcheck`: checks the gradient of exactly the objective `trainer run` would train
/// (loss + L2 + L1 over the standardized training split, bias included) at two points, θ = 0
/// and a random θ, and optionally over a range of steps h.
///
/// The random point draws every parameter from N(0, 1/d) (d = number of features, seeded by the
/// config's `seed`): on standardized features the scores x·w are then O(1), the regime where
/// logistic and softmax curvature is neither saturated nor linear, so both terms of the error
/// show. With `model.l1 > 0` the objective has kinks where a weight is 0 (at θ = 0 the centred
/// difference and the subgradient sign(0) = 0 agree; elsewhere away from kinks they agree too).
public struct GradientCheckRun {
    /// The loaded config.
    public let config: TrainerConfig
    public let configPath: String
    /// The training objective.
    public let objective: LinearModelObjective
    /// Parameter names in θ's layout.
    public let names: [String]
    /// The standard deviation of the random point's entries.
    public let randomScale: Double

    /// Mixed into the seed so the random point is not the shuffling stream's first draws.
    static let pointSalt: UInt64 = 0x6AD_C4EC_0000_0001

    /// Loads the config (like `trainer run`, overrides included) and its training split.
    public init(configArgument: String, overrides: [String] = []) throws(TrainerError) {
        let run = try TrainingRun(configArgument: configArgument, overrides: overrides)
        config = run.config
        configPath = run.configPath
        var source = try DataSource.load(config: config, dataPath: run.dataPath, trains: false)
        let prepared: PreparedData
        do {
            prepared = try PreparedData(dataset: source.takeDataset(), model: config.model, data: config.data, seed: config.seed)
        } catch {
            throw .internalError("preparing the data: \(error)")
        }
        objective = prepared.train
        names = Self.parameterNames(objective: objective, features: prepared.featureNames, classes: prepared.classes)
        randomScale = 1 / Double(max(objective.featureCount, 1)).squareRoot()
    }

    /// `w[feature]` / `b` (one output), `w[feature,class]` / `b[class]` (softmax).
    static func parameterNames(objective: LinearModelObjective, features: [String], classes: [String]?) -> [String] {
        let k = objective.outputs
        var names: [String] = []
        for j in 0..<objective.featureCount {
            for c in 0..<k {
                let feature = j < features.count ? features[j] : "x\(j + 1)"
                names.append(k == 1 ? "w[\(feature)]" : "w[\(feature),\(classes.map { c < $0.count ? $0[c] : "\(c)" } ?? "\(c)")]")
            }
        }
        if objective.fitsBias {
            for c in 0..<k {
                names.append(k == 1 ? "b" : "b[\(classes.map { c < $0.count ? $0[c] : "\(c)" } ?? "\(c)")]")
            }
        }
        return names
    }

    /// The two points checked: zeros, and N(0, randomScale²) entries.
    public var points: [(label: String, theta: [Double])] {
        let n = objective.parameterCount
        var rng = SeededGenerator(seed: config.seed ^ Self.pointSalt)
        let random = (0..<n).map { _ in rng.nextGaussian() * randomScale }
        return [("θ = 0", [Double](repeating: 0, count: n)), ("random θ", random)]
    }

    /// Checks at both points with step `h`.
    public func check(h: Double) throws(TrainerError) -> [GradientCheck] {
        var results: [GradientCheck] = []
        for point in points {
            do {
                results.append(try GradientCheck.run(
                    label: point.label, at: point.theta, h: h,
                    value: { (theta: [Double]) throws(LinearAlgebraError) -> Double in try objective.value(theta) },
                    gradient: { (theta: [Double]) throws(LinearAlgebraError) -> [Double] in try objective.valueAndGradient(theta).gradient }))
            } catch {
                throw .internalError("gradient check: \(error)")
            }
        }
        return results
    }

    /// Steps for `--sweep-h`: 1e-12 … 1e-1, two per decade.
    public static let sweepSteps: [Double] = (0...22).map { pow(10, -12 + Double($0) / 2) }

    /// Relative error at both points for every step in `steps`.
    public func sweep(steps: [Double] = sweepSteps) throws(TrainerError) -> [(h: Double, errors: [Double])] {
        var rows: [(h: Double, errors: [Double])] = []
        for h in steps {
            rows.append((h, try check(h: h).map(\.relativeError)))
        }
        return rows
    }

    /// The relative error against h on log-log axes (x is log10 h, since the chart's x axis is linear).
    public func sweepChart(_ rows: [(h: Double, errors: [Double])]) -> SVGLineChart {
        let labels = points.map(\.label)
        var chart = SVGLineChart(
            title: "Gradient check of \(config.name): relative error against the step h",
            xLabel: "log10 h", yLabel: "relative error", logY: true,
            series: labels.indices.map { p in
                SVGLineChart.Series(name: labels[p], x: rows.map { log10($0.h) }, y: rows.map { $0.errors[p] })
            })
        chart.horizontalLine = (GradientCheckVerdict.goodBelow, "good below 1e-7")
        return chart
    }

    /// The printed report of `check(h:)`.
    public func text(_ results: [GradientCheck], worst: Int = 5) -> String {
        let kind = objective.kind
        var lines: [String] = []
        var setting = "\(kind.rawValue), \(objective.exampleCount) training rows × \(objective.featureCount) features"
        if kind == .softmax { setting += ", \(objective.outputs) classes" }
        setting += config.data.standardize ? " (standardized)" : ""
        setting += objective.fitsBias ? ", bias" : ", no bias"
        setting += ", l2 \(fmt(objective.l2))"
        if objective.l1 > 0 { setting += ", l1 \(fmt(objective.l1)) (non-smooth at zero weights)" }
        lines.append("gradcheck  \(configPath): \(setting); \(objective.parameterCount) parameters; h = \(fmt(results.first?.h ?? GradientCheck.defaultStep))")
        for r in results {
            var head = "\(r.label.padding(toLength: 10, withPad: " ", startingAt: 0)) relative error \(String(format: "%.3e", r.relativeError))  \(r.verdict.rawValue)   (‖g_a‖ \(fmt(r.analyticNorm)), ‖g_n‖ \(fmt(r.numericNorm))"
            if r.label != "θ = 0" { head += ", entries ~ N(0, \(fmt(randomScale))²), seed \(config.seed)" }
            lines.append(head + ")")
            lines.append("  worst      index  name                      analytic                 numeric                  |difference|")
            for c in r.worst(worst, names: names) {
                let name = c.name.count > 24 ? String(c.name.prefix(23)) + "…" : c.name
                lines.append("             " + [
                    String(c.index).padding(toLength: 6, withPad: " ", startingAt: 0),
                    name.padding(toLength: 25, withPad: " ", startingAt: 0),
                    String(format: "%-24.16e", c.analytic), String(format: "%-24.16e", c.numeric),
                    String(format: "%.3e", c.difference),
                ].joined(separator: " "))
            }
        }
        let verdict = results.map(\.verdict).max() ?? .good
        lines.append("verdict    \(verdict.rawValue) (\(GradientCheckVerdict.thresholds))")
        return lines.joined(separator: "\n")
    }

    /// The printed table of `sweep`.
    public func sweepText(_ rows: [(h: Double, errors: [Double])]) -> String {
        let labels = points.map(\.label)
        var lines = ["h          " + labels.map { $0.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined()]
        for row in rows {
            lines.append(String(format: "%-10.0e ", row.h) + row.errors.map { String(format: "%-14.3e", $0) }.joined())
        }
        for (p, label) in labels.enumerated() {
            if let best = rows.min(by: { $0.errors[p] < $1.errors[p] }) {
                lines.append("smallest error at \(label): h = \(String(format: "%.0e", best.h)) (\(String(format: "%.3e", best.errors[p])))")
            }
        }
        lines.append("Large h: truncation error O(h²) dominates; small h: round-off ≈ ε·|f|/h dominates.")
        return lines.joined(separator: "\n")
    }
}
