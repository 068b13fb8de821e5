/// The training objective of a linear model on a fixed dataset, liblinear-style (`fun`/`grad`,
/// but with no hidden cache between calls: every call gets the parameters it works on).
///
///     f(θ) = (1/m) Σᵢ ℓ(xᵢᵀW + b, yᵢ) + (λ₂/2)‖W‖²_F + λ₁‖W‖₁
///
/// Parameters are one flat vector θ = [W (d×K, row-major), b (K, only when the model has a
/// bias)]; the bias is never penalised. Scores are computed for a whole batch at once with BLAS:
/// Z = X_B·W + 1·bᵀ, then ∇W = X_Bᵀ·∂L/∂Z and ∇b = 1ᵀ·∂L/∂Z.
public struct LinearModelObjective: Sendable {
    /// Model family.
    public let kind: ModelKind
    /// m × d feature matrix (already standardized when the config asks for it).
    public let features: Matrix
    /// m targets: values (linear) or class indices (logistic, softmax).
    public let targets: [Double]
    /// Scores per example, K.
    public let outputs: Int
    /// Whether θ ends with K bias terms.
    public let fitsBias: Bool
    /// L2 coefficient λ₂ on the weights.
    public let l2: Double
    /// L1 coefficient λ₁ on the weights.
    public let l1: Double
    /// The per-example loss in score space.
    public let loss: any ScoreLoss

    /// Creates the objective; `classCount` is the number of classes for softmax (ignored otherwise).
    public init(
        kind: ModelKind, features: Matrix, targets: [Double], classCount: Int = 2,
        fitsBias: Bool, l2: Double = 0, l1: Double = 0
    ) throws(LinearAlgebraError) {
        guard targets.count == features.rows else {
            throw .dimensionMismatch("objective: \(features.rows) rows but \(targets.count) targets")
        }
        self.kind = kind
        self.features = features
        self.targets = targets
        self.outputs = kind == .softmax ? classCount : 1
        self.fitsBias = fitsBias
        self.l2 = l2
        self.l1 = l1
        self.loss = makeScoreLoss(for: kind, classCount: classCount)
    }

    /// Number of examples m.
    public var exampleCount: Int { features.rows }
    /// Number of features d.
    public var featureCount: Int { features.columns }
    /// Number of weights d·K (the penalised part of θ).
    public var weightCount: Int { features.columns * outputs }
    /// Length of θ.
    public var parameterCount: Int { weightCount + (fitsBias ? outputs : 0) }

    /// Scores Z = X·W + 1·bᵀ for the rows of `x` (any matrix with d columns).
    public func scores(_ x: Matrix, parameters: [Double]) throws(LinearAlgebraError) -> Matrix {
        guard parameters.count == parameterCount else {
            throw .dimensionMismatch("objective: θ has \(parameters.count) entries, expected \(parameterCount)")
        }
        let weights = try Matrix(rows: featureCount, columns: outputs, values: Array(parameters[0..<weightCount]))
        var z = Matrix(rows: x.rows, columns: outputs)
        if fitsBias {
            for i in 0..<x.rows {
                for j in 0..<outputs { z.values[i * outputs + j] = parameters[weightCount + j] }
            }
        }
        try BLAS.gemm(x, weights, beta: fitsBias ? 1 : 0, into: &z)
        return z
    }

    /// Σᵢ ℓᵢ over the examples in `batch` (a gathered copy of some rows with their targets), and
    /// Σᵢ ∇θ ℓᵢ added into `gradientSum` — unnormalised and without the penalty, so that
    /// accumulation over micro-batches can divide once by the number of examples seen.
    public func accumulate(
        batchFeatures x: Matrix, batchTargets y: [Double], parameters: [Double],
        into gradientSum: inout [Double]
    ) throws(LinearAlgebraError) -> Double {
        guard gradientSum.count == parameterCount, y.count == x.rows else {
            throw .dimensionMismatch("accumulate: gradient has \(gradientSum.count), expected \(parameterCount); \(x.rows) rows, \(y.count) targets")
        }
        let z = try scores(x, parameters: parameters)
        var dz = Matrix(rows: x.rows, columns: outputs)
        let rows = x.rows
        let total = z.values.withUnsafeBufferPointer { zp in
            y.withUnsafeBufferPointer { yp in
                dz.values.withUnsafeMutableBufferPointer { dp in
                    loss.lossAndScoreGradient(scores: zp, targets: yp, rows: rows, scoreGradient: dp)
                }
            }
        }
        var weightGradient = try Matrix(rows: featureCount, columns: outputs, values: Array(gradientSum[0..<weightCount]))
        try BLAS.gemm(transposeA: true, x, dz, beta: 1, into: &weightGradient)
        gradientSum.replaceSubrange(0..<weightCount, with: weightGradient.values)
        if fitsBias {
            for i in 0..<rows {
                for j in 0..<outputs { gradientSum[weightCount + j] += dz.values[i * outputs + j] }
            }
        }
        return total
    }

    /// (λ₂/2)‖W‖² + λ₁‖W‖₁.
    public func penalty(_ parameters: [Double]) -> Double {
        if l2 == 0 && l1 == 0 { return 0 }
        var squares = 0.0, absolutes = 0.0
        for i in 0..<weightCount {
            squares += parameters[i] * parameters[i]
            absolutes += abs(parameters[i])
        }
        return 0.5 * l2 * squares + l1 * absolutes
    }

    /// Adds λ₂W + λ₁·sign(W) to the weight part of `gradient` (sign(0) = 0: the subgradient
    /// that leaves an exactly-zero weight where it is).
    public func addPenaltyGradient(_ parameters: [Double], to gradient: inout [Double]) {
        if l2 == 0 && l1 == 0 { return }
        for i in 0..<weightCount {
            let w = parameters[i]
            let sign: Double = w > 0 ? 1 : (w < 0 ? -1 : 0)
            gradient[i] += l2 * w + l1 * sign
        }
    }

    /// Rows per block when a pass runs over the whole dataset, so that the score matrix of a
    /// full pass never needs m × K memory at once.
    static let passBlockRows = 4096

    /// f(θ) over all examples.
    public func value(_ parameters: [Double]) throws(LinearAlgebraError) -> Double {
        try meanLoss(parameters) + penalty(parameters)
    }

    /// (1/m) Σᵢ ℓᵢ over all examples, without the penalty.
    public func meanLoss(_ parameters: [Double]) throws(LinearAlgebraError) -> Double {
        let m = exampleCount
        guard m > 0 else { return 0 }
        var total = 0.0
        var start = 0
        while start < m {
            let end = min(start + Self.passBlockRows, m)
            let x = features.gatheringRows(start..<end)
            let z = try scores(x, parameters: parameters)
            total += z.values.withUnsafeBufferPointer { zp in
                targets.withUnsafeBufferPointer { yp in
                    loss.loss(scores: zp, targets: UnsafeBufferPointer(rebasing: yp[start..<end]), rows: end - start)
                }
            }
            start = end
        }
        return total / Double(m)
    }

    /// f(θ) and ∇f(θ) over all examples.
    public func valueAndGradient(_ parameters: [Double]) throws(LinearAlgebraError) -> (value: Double, gradient: [Double]) {
        let m = exampleCount
        var gradient = [Double](repeating: 0, count: parameterCount)
        var total = 0.0
        var start = 0
        while start < m {
            let end = min(start + Self.passBlockRows, m)
            total += try accumulate(
                batchFeatures: features.gatheringRows(start..<end), batchTargets: Array(targets[start..<end]),
                parameters: parameters, into: &gradient)
            start = end
        }
        let scale = m > 0 ? 1 / Double(m) : 0
        for i in gradient.indices { gradient[i] *= scale }
        addPenaltyGradient(parameters, to: &gradient)
        return (total * scale + penalty(parameters), gradient)
    }
}
