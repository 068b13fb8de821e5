/// A centred-difference check of an analytic gradient at one point θ:
///
///     g_n[i] = (f(θ + h·eᵢ) − f(θ − h·eᵢ)) / (2h)
///     relative error = ‖g_a − g_n‖ / (‖g_a‖ + ‖g_n‖)
///
/// The centred difference has truncation error O(h²) and round-off error about ε·|f|/h, so in
/// double precision the error is smallest near h ≈ ε^(1/3) ≈ 1e-5 (the default). The relative
/// error is defined as 0 when both gradients are exactly zero (it is 0/0 otherwise, and two
/// exactly-zero gradients agree); when only one is zero it is 1.
public struct GradientCheck: Sendable {
    /// One parameter's two derivatives.
    public struct Coordinate: Sendable, Equatable {
        public var index: Int
        /// `w[feature]`, `w[feature,class]`, `b` or `b[class]`.
        public var name: String
        public var analytic: Double
        public var numeric: Double
        /// |analytic − numeric|.
        public var difference: Double { abs(analytic - numeric) }
    }

    /// The default step.
    public static let defaultStep = 1e-5

    /// What the point is ("θ = 0", "random θ").
    public var label: String
    public var point: [Double]
    public var h: Double
    public var analytic: [Double]
    public var numeric: [Double]

    public var analyticNorm: Double { GradientClipping.l2Norm(analytic) }
    public var numericNorm: Double { GradientClipping.l2Norm(numeric) }
    public var relativeError: Double { Self.relativeError(analytic, numeric) }
    public var verdict: GradientCheckVerdict { GradientCheckVerdict(relativeError: relativeError) }

    /// ‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero.
    public static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        var difference = a
        for i in difference.indices { difference[i] -= b[i] }
        let denominator = GradientClipping.l2Norm(a) + GradientClipping.l2Norm(b)
        if denominator == 0 { return 0 }
        return GradientClipping.l2Norm(difference) / denominator
    }

    /// Checks `gradient` against centred differences of `value` at `point`.
    public static func run<E: Error>(
        label: String, at point: [Double], h: Double = defaultStep,
        value: ([Double]) throws(E) -> Double, gradient: ([Double]) throws(E) -> [Double]
    ) throws(E) -> GradientCheck {
        let analytic = try gradient(point)
        var numeric = [Double](repeating: 0, count: point.count)
        var probe = point
        for i in point.indices {
            probe[i] = point[i] + h
            let plus = try value(probe)
            probe[i] = point[i] - h
            let minus = try value(probe)
            probe[i] = point[i]
            numeric[i] = (plus - minus) / (2 * h)
        }
        return GradientCheck(label: label, point: point, h: h, analytic: analytic, numeric: numeric)
    }

    /// The `count` coordinates with the largest |analytic − numeric| (ties: lower index first).
    public func worst(_ count: Int, names: [String]) -> [Coordinate] {
        let order = analytic.indices.sorted { a, b in
            let da = abs(analytic[a] - numeric[a]), db = abs(analytic[b] - numeric[b])
            // NaN differences sort first: they are the worst.
            if da.isNaN != db.isNaN { return da.isNaN }
            return da != db ? da > db : a < b
        }
        return order.prefix(count).map { i in
            Coordinate(index: i, name: i < names.count ? names[i] : "θ[\(i)]", analytic: analytic[i], numeric: numeric[i])
        }
    }
}
