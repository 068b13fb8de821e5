import Testing
@testable import TrainerCore

/// The allocation-free batch API must give exactly the bits of the `Matrix` API it replaces in
/// the loop, reject anything malformed with an error, and leave full passes unchanged.
struct WorkspaceTests {
    static func objective(_ kind: ModelKind, bias: Bool = true, rows: Int = 203) throws -> LinearModelObjective {
        let data = try TrainingLoopTests.dataset(kind: kind, rows: rows)
        return try LinearModelObjective(
            kind: kind, features: data.features, targets: data.targets, classCount: 3, fitsBias: bias, l2: 0.01)
    }

    static func theta(_ f: LinearModelObjective) -> [Double] {
        var rng = SeededGenerator(seed: 9)
        return (0..<f.parameterCount).map { _ in rng.nextGaussian() * 0.3 }
    }

    @Test(arguments: ModelKind.allCases, [true, false])
    func workspaceAccumulateIsBitIdenticalToGatheredMatrices(kind: ModelKind, bias: Bool) throws {
        let f = try Self.objective(kind, bias: bias)
        let theta = Self.theta(f)
        var rng = SeededGenerator(seed: 4)
        var order = Array(0..<f.exampleCount)
        rng.shuffle(&order)
        var workspace = f.makeWorkspace(batchCapacity: 32)
        var viaWorkspace = [Double](repeating: 0, count: f.parameterCount)
        var viaMatrices = viaWorkspace
        var lossA = 0.0, lossB = 0.0
        var start = 0
        while start < order.count {
            let rows = order[start..<min(start + 32, order.count)]  // the last batch is short
            lossA += try f.accumulate(rows: rows, parameters: theta, into: &viaWorkspace, workspace: &workspace)
            lossB += try f.accumulate(
                batchFeatures: f.features.gatheringRows(rows), batchTargets: rows.map { f.targets[$0] },
                parameters: theta, into: &viaMatrices)
            start += rows.count
        }
        #expect(viaWorkspace == viaMatrices)
        #expect(lossA == lossB)
    }

    @Test(arguments: ModelKind.allCases)
    func fullBatchThroughTheWorkspaceMatchesValueAndGradient(kind: ModelKind) throws {
        let f = try Self.objective(kind)
        let theta = Self.theta(f)
        var workspace = f.makeWorkspace(batchCapacity: f.exampleCount)
        var gradient = [Double](repeating: 0, count: f.parameterCount)
        let loss = try f.accumulate(rows: Array(0..<f.exampleCount)[...], parameters: theta, into: &gradient, workspace: &workspace)
        let m = Double(f.exampleCount)
        for i in gradient.indices { gradient[i] /= m }
        f.addPenaltyGradient(theta, to: &gradient)
        let (value, reference) = try f.valueAndGradient(theta)
        #expect(abs(loss / m + f.penalty(theta) - value) <= 1e-12 * abs(value))
        #expect(TrainingLoopTests.relativeDifference(gradient, reference) < 1e-12)
    }

    @Test func malformedCallsThrowInsteadOfTrapping() throws {
        let f = try Self.objective(.softmax)
        let theta = Self.theta(f)
        var gradient = [Double](repeating: 0, count: f.parameterCount)
        var small = f.makeWorkspace(batchCapacity: 2)
        #expect(throws: LinearAlgebraError.self) {
            try f.accumulate(rows: [0, 1, 2][...], parameters: theta, into: &gradient, workspace: &small)
        }
        var workspace = f.makeWorkspace(batchCapacity: 8)
        #expect(throws: LinearAlgebraError.self) {
            try f.accumulate(rows: [0, f.exampleCount][...], parameters: theta, into: &gradient, workspace: &workspace)
        }
        #expect(throws: LinearAlgebraError.self) {
            try f.accumulate(rows: [-1][...], parameters: theta, into: &gradient, workspace: &workspace)
        }
        var wrongShape = BatchWorkspace(capacity: 8, featureCount: f.featureCount + 1, outputs: f.outputs)
        #expect(throws: LinearAlgebraError.self) {
            try f.accumulate(rows: [0][...], parameters: theta, into: &gradient, workspace: &wrongShape)
        }
        var shortGradient = [Double](repeating: 0, count: 3)
        #expect(throws: LinearAlgebraError.self) {
            try f.accumulate(rows: [0][...], parameters: theta, into: &shortGradient, workspace: &workspace)
        }
        #expect(throws: LinearAlgebraError.self) {
            try f.accumulate(rows: [0][...], parameters: [1, 2], into: &gradient, workspace: &workspace)
        }
        // An empty batch is a no-op.
        let before = gradient
        #expect(try f.accumulate(rows: [][...], parameters: theta, into: &gradient, workspace: &workspace) == 0)
        #expect(gradient == before)
    }

    @Test func bufferBLASValidatesShapesBeforeCallingC() throws {
        let a = [Double](repeating: 1, count: 6), b = [Double](repeating: 1, count: 6)
        var c = [Double](repeating: 0, count: 4)
        try a.withUnsafeBufferPointer { pa in
            try b.withUnsafeBufferPointer { pb in
                try c.withUnsafeMutableBufferPointer { pc in
                    try BLAS.gemm(m: 2, n: 2, k: 3, pa, lda: 3, pb, ldb: 2, into: pc, ldc: 2)
                    #expect(Array(pc) == [3, 3, 3, 3])
                    #expect(throws: LinearAlgebraError.self) {
                        try BLAS.gemm(m: 2, n: 2, k: 4, pa, lda: 4, pb, ldb: 2, into: pc, ldc: 2)
                    }
                    #expect(throws: LinearAlgebraError.self) {
                        try BLAS.gemm(m: 2, n: 2, k: 3, pa, lda: 2, pb, ldb: 2, into: pc, ldc: 2)
                    }
                    #expect(throws: LinearAlgebraError.self) {
                        try BLAS.gemv(rows: 3, columns: 3, pa, lda: 3, pb, into: pc)
                    }
                }
            }
        }
    }

    @Test func transformIsTheFormulaBitForBit() throws {
        let data = try TrainingLoopTests.dataset(kind: .linear)
        let s = Standardizer.fit(data.features)
        let d = data.features.columns
        let expected = data.features.values.indices.map { ((data.features.values[$0] - s.mean[$0 % d]) / s.scale[$0 % d]).bitPattern }
        #expect(s.transform(data.features).values.map(\.bitPattern) == expected)
        // Fitted on another width: the matrix comes back unchanged.
        let other = Standardizer(mean: [1], scale: [2])
        #expect(other.transform(data.features).values.map(\.bitPattern) == data.features.values.map(\.bitPattern))
    }

    @Test(arguments: [0.0, 0.25], [true, false])
    func preparedDataSplitsAndStandardizesAsBefore(fraction: Double, standardize: Bool) throws {
        let dataset = try TrainingLoopTests.dataset(kind: .linear)
        var config = TrainingLoopTests.config(kind: .linear)
        config.data.validationFraction = fraction
        config.data.standardize = standardize
        let prepared = try PreparedData(dataset: dataset, model: config.model, data: config.data, seed: 5)
        // The reference: gather, then transform into a new matrix (the old implementation).
        let trainX = dataset.features.gatheringRows(prepared.trainRows)
        let expected = standardize ? Standardizer.fit(trainX).transform(trainX) : trainX
        #expect(prepared.train.features == expected)
        #expect(prepared.train.targets == prepared.trainRows.map { dataset.targets[$0] })
        if let validation = prepared.validation {
            let valX = dataset.features.gatheringRows(prepared.validationRows)
            #expect(validation.features == (standardize ? prepared.standardizer.transform(valX) : valX))
        } else {
            #expect(fraction == 0)
        }
    }
    /// Large data takes the parallel fit and the one-pass gather: bit for bit what one core
    /// computes by gathering, fitting column by column and transforming (written out here).
    @Test(arguments: [0.0, 0.25], [true, false])
    func largePreparedDataMatchesTheSequentialComputationBitForBit(fraction: Double, standardize: Bool) throws {
        var dataset = try TrainingLoopTests.dataset(kind: .linear, rows: 20_000, features: 61)
        dataset.features.values[7] = -0.0
        var config = TrainingLoopTests.config(kind: .linear)
        config.data.validationFraction = fraction
        config.data.standardize = standardize
        let prepared = try PreparedData(dataset: dataset, model: config.model, data: config.data, seed: 5)
        let x = dataset.features, d = x.columns
        #expect(x.rows * d >= Standardizer.parallelValues)

        func gathered(_ rows: [Int]) -> [Double] { rows.flatMap { x.values[($0 * d)..<($0 * d + d)] } }
        let train = gathered(prepared.trainRows), m = prepared.trainRows.count
        var mean = [Double](repeating: 0, count: d), squares = mean, scale = [Double](repeating: 1, count: d)
        for i in 0..<m { for j in 0..<d { mean[j] += train[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(m) }
        for i in 0..<m { for j in 0..<d { squares[j] += (train[i * d + j] - mean[j]) * (train[i * d + j] - mean[j]) } }
        for j in 0..<d { scale[j] = (squares[j] / Double(m)).squareRoot() }
        func transformed(_ values: [Double]) -> [UInt64] {
            values.indices.map { standardize ? ((values[$0] - mean[$0 % d]) / scale[$0 % d]).bitPattern : values[$0].bitPattern }
        }
        if standardize {
            #expect(prepared.standardizer.mean.map(\.bitPattern) == mean.map(\.bitPattern))
            #expect(prepared.standardizer.scale.map(\.bitPattern) == scale.map(\.bitPattern))
        }
        let trainBits = prepared.train.features.values.map(\.bitPattern) == transformed(train)
        #expect(trainBits)
        #expect(prepared.train.features.rows == m)
        if let validation = prepared.validation {
            let validationBits = validation.features.values.map(\.bitPattern) == transformed(gathered(prepared.validationRows))
            #expect(validationBits)
        } else {
            #expect(fraction == 0 && m == x.rows)
        }
    }

    static func storage(_ x: Matrix) -> UnsafeRawPointer? {
        x.values.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    /// The in-place form gives `transformedRows`' bits, in the storage it was handed: small
    /// (one core) and large (row blocks on every core), row 0 kept or not, runs of
    /// consecutive rows and single rows.
    @Test(arguments: [nil, [1, 2, 5, 6, 7, 9], [0, 3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [9]] as [[Int]?], [true, false])
    func inPlaceTransformMatchesTheCopyAndKeepsItsStorage(rows: [Int]?, applying: Bool) throws {
        for scaled in [1, 2_000] {
            let dataset = try TrainingLoopTests.dataset(kind: .linear, rows: 10 * scaled, features: 61)
            let x = dataset.features
            let picked = rows.map { rows in (0..<scaled).flatMap { block in rows.map { block * 10 + $0 } } }
            #expect(scaled == 1 || x.rows * x.columns >= Standardizer.parallelValues)
            let standardizer = Standardizer.fit(x, rows: picked)
            let expected = standardizer.transformedRows(of: x, picked, applying: applying)
            var reordered = x
            reordered.values[0] += 0  // its own storage, as a loaded matrix has
            let before = Self.storage(reordered)
            standardizer.transformRows(inPlace: &reordered, keeping: picked, applying: applying)
            #expect(reordered.rows == (picked?.count ?? x.rows) && reordered.columns == x.columns)
            let same = reordered.values.map(\.bitPattern) == expected.values.map(\.bitPattern)
            #expect(same)
            #expect(Self.storage(reordered) == before, "no copy of a matrix nothing else holds")
        }
    }

    /// A dataset handed over to `PreparedData` becomes its training matrix without a copy:
    /// what keeps a run's peak memory near the matrix's size (1.2× with a validation split,
    /// 2.0× when the loaded matrix stayed beside a prepared copy).
    @Test(arguments: [0.0, 0.25], [true, false])
    func preparedDataTrainsInTheHandedOverStorage(fraction: Double, standardize: Bool) throws {
        let dataset = try TrainingLoopTests.dataset(kind: .linear, rows: 20_000, features: 61)
        var config = TrainingLoopTests.config(kind: .linear)
        config.data.validationFraction = fraction
        config.data.standardize = standardize
        let expected = try PreparedData(dataset: dataset, model: config.model, data: config.data, seed: 5)
        var owned = dataset
        owned.features.values[0] += 0
        let before = Self.storage(owned.features)
        let prepared = try PreparedData(dataset: consume owned, model: config.model, data: config.data, seed: 5)
        #expect(Self.storage(prepared.train.features) == before)
        #expect(prepared.train.features == expected.train.features && prepared.validation?.features == expected.validation?.features)
        #expect(prepared.rowCount == 20_000 && prepared.featureCount == 61 && prepared.featureNames == dataset.featureNames)
    }
}
