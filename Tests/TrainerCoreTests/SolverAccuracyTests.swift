import Foundation
import Testing
@testable import TrainerCore

/// Minimal loader for the shipped CSVs (header row, no quoting), standardized over all rows with
/// the population std — the conventions of `Tools/reference_solutions.py`. The real loader lives
/// elsewhere; this one exists so the accuracy tests depend only on the solver.
enum SolverTestData {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Fixture: Decodable {
        let kind: String
        let l2: Double
        let separable: Bool
        let objective: Double?
        let gradientNorm: Double?
        let parameters: [Double]?
    }

    /// Features (standardized), targets (values or sorted-class indices) and the class count.
    static func load(_ file: String, target: String) throws -> (x: Matrix, y: [Double], classes: Int) {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("Datasets/\(file)"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        let t = try #require(header.firstIndex(of: target))
        var rows: [[Double]] = []
        var labels: [String] = []
        for line in lines where line.count == header.count {
            var row: [Double] = []
            for (j, field) in line.enumerated() where j != t { row.append(try #require(Double(field))) }
            rows.append(row)
            labels.append(line[t])
        }
        let m = Double(rows.count), d = rows[0].count
        for j in 0..<d {
            let mean = rows.reduce(0) { $0 + $1[j] } / m
            var std = (rows.reduce(0) { $0 + ($1[j] - mean) * ($1[j] - mean) } / m).squareRoot()
            if std == 0 { std = 1 }
            for i in rows.indices { rows[i][j] = (rows[i][j] - mean) / std }
        }
        let numeric = labels.compactMap(Double.init)
        if numeric.count == labels.count {  // numeric target: regression values or 0/1 labels
            return (try Matrix(rowArrays: rows), numeric, 2)
        }
        let classes = Array(Set(labels)).sorted()
        let y = try labels.map { label in Double(try #require(classes.firstIndex(of: label))) }
        return (try Matrix(rowArrays: rows), y, classes.count)
    }

    static func fixture(_ name: String) throws -> Fixture {
        let url = packageRoot.appendingPathComponent("Tests/TrainerCoreTests/Fixtures/reference/\(name)")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func objective(_ file: String, target: String, kind: ModelKind, l2: Double) throws -> LinearModelObjective {
        let (x, y, classes) = try load(file, target: target)
        return try LinearModelObjective(kind: kind, features: x, targets: y, classCount: classes, fitsBias: true, l2: l2)
    }

    /// ‖a − b‖ / ‖b‖.
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        var diff = 0.0, norm = 0.0
        for (u, v) in zip(a, b) {
            diff += (u - v) * (u - v)
            norm += v * v
        }
        return (diff / max(norm, .leastNormalMagnitude)).squareRoot()
    }
}

/// ReferenceSolver against independent numpy/scipy optima (Tools/reference_solutions.py).
@Suite struct SolverAccuracyTests {
    static let cases: [(file: String, target: String, kind: ModelKind, fixture: String)] = [
        ("diabetes.csv", "progression", .linear, "diabetes_l2_0.0.json"),
        ("diabetes.csv", "progression", .linear, "diabetes_l2_0.01.json"),
        ("breast_cancer.csv", "diagnosis", .logistic, "breast_cancer_l2_0.01.json"),
        ("iris.csv", "species", .softmax, "iris_l2_0.01.json"),
    ]

    @Test(arguments: 0..<cases.count)
    func matchesScipyFixture(_ index: Int) throws {
        let c = Self.cases[index]
        let fixture = try SolverTestData.fixture(c.fixture)
        let expectedTheta = try #require(fixture.parameters)
        let expectedValue = try #require(fixture.objective)
        let objective = try SolverTestData.objective(c.file, target: c.target, kind: c.kind, l2: fixture.l2)
        let solution = try ReferenceSolver.solve(objective)
        let objectiveError = abs(solution.objective - expectedValue) / abs(expectedValue)
        let thetaError = SolverTestData.relativeError(solution.parameters, expectedTheta)
        print("[accuracy] \(c.fixture): method \(solution.method), iterations \(solution.iterations), objective rel. error \(objectiveError), θ rel. error \(thetaError), ‖∇f‖ \(solution.gradientNorm), rcond \(solution.reciprocalCondition.map { "\($0)" } ?? "-")")
        #expect(objectiveError < 1e-9)
        #expect(thetaError < 1e-6)
        if c.kind != .linear { #expect(solution.gradientNorm < 1e-10) }
    }

    @Test(arguments: [SolverMethod.cholesky, .qr, .svd])
    func everyForcedMethodMatchesOnDiabetes(_ method: SolverMethod) throws {
        for name in ["diabetes_l2_0.0.json", "diabetes_l2_0.01.json"] {
            let fixture = try SolverTestData.fixture(name)
            let objective = try SolverTestData.objective("diabetes.csv", target: "progression", kind: .linear, l2: fixture.l2)
            let solution = try ReferenceSolver.solve(objective, method: method)
            #expect(solution.method == method.rawValue)
            let thetaError = SolverTestData.relativeError(solution.parameters, try #require(fixture.parameters))
            print("[accuracy] \(name) forced \(method.rawValue): θ rel. error \(thetaError)")
            #expect(thetaError < 1e-9)
            #expect(abs(solution.objective - (fixture.objective ?? .nan)) / (fixture.objective ?? 1) < 1e-12)
        }
    }

    @Test func separableBreastCancerWithoutL2HasNoOptimum() throws {
        let fixture = try SolverTestData.fixture("breast_cancer_l2_0.0.json")
        #expect(fixture.separable)  // scipy's LP found a separating hyperplane
        let objective = try SolverTestData.objective("breast_cancer.csv", target: "diagnosis", kind: .logistic, l2: 0)
        #expect {
            try ReferenceSolver.solve(objective)
        } throws: { error in
            guard case SolverError.noOptimum(let reason) = error else { return false }
            print("[separation] breast cancer: \(reason)")
            return reason.contains("set model.l2 > 0")
        }
    }

    /// The separation tests look at strided rows before every row, and settle only what every
    /// row would decide alike: on separable data the same verdict, on data with an optimum
    /// (logistic, whose Hessian the sample does not touch) the same θ* bits.
    @Test func theSeparationTestsSampleChangesNoVerdictAndNoBits() throws {
        func verdict(_ objective: LinearModelObjective, sampleRows: Int) -> String {
            do {
                let solution = try ReferenceSolver.solveNewton(objective, method: .auto, maxIterations: 100, tolerance: 1e-10, sampleRows: sampleRows)
                return "solved: " + solution.parameters.map { String($0.bitPattern) }.joined(separator: ",")
            } catch {
                return "\(error)"
            }
        }
        let separable = try SolverTestData.objective("breast_cancer.csv", target: "diagnosis", kind: .logistic, l2: 0)
        let iris = try SolverTestData.objective("iris.csv", target: "species", kind: .softmax, l2: 0)
        for objective in [separable, iris] {
            let full = verdict(objective, sampleRows: .max / 4), sampled = verdict(objective, sampleRows: 20)
            #expect(full.contains("set model.l2 > 0") && sampled == full, "\(sampled) vs \(full)")
        }
        // Breast cancer on two features overlaps: an optimum, which every sampled margin test
        // and recession test settles without the pass over every row.
        let cancer = try SolverTestData.objective("breast_cancer.csv", target: "diagnosis", kind: .logistic, l2: 0)
        let x = try Matrix(rowArrays: (0..<cancer.exampleCount).map { i in [cancer.features[i, 0], cancer.features[i, 1]] })
        let overlapping = try LinearModelObjective(kind: .logistic, features: x, targets: cancer.targets, fitsBias: true)
        let full = verdict(overlapping, sampleRows: .max / 4), sampled = verdict(overlapping, sampleRows: 20)
        #expect(full.hasPrefix("solved: ") && sampled == full, "\(sampled) vs \(full)")
        // Separable in the sampled rows (every 20th), not in the rest: only every row decides.
        let m = 400
        let t = (0..<m).map { i -> Double in
            let positive = i % 2 == 0
            return (i % 20 == 10 ? !positive : positive) ? 1 : 0
        }
        let values = (0..<m).map { i -> Double in
            let size = Double(1 + i % 7)
            return i % 2 == 0 ? size : -size
        }
        let z = try Matrix(rows: m, columns: 1, values: values)
        let sampleSeparable = try LinearModelObjective(kind: .logistic, features: z, targets: t, fitsBias: true)
        let fullZ = verdict(sampleSeparable, sampleRows: .max / 4), sampledZ = verdict(sampleSeparable, sampleRows: 20)
        #expect(fullZ.hasPrefix("solved: ") && sampledZ == fullZ, "\(sampledZ) vs \(fullZ)")
    }

    @Test func irisWithoutL2HasNoOptimum() throws {
        let fixture = try SolverTestData.fixture("iris_l2_0.0.json")
        #expect(fixture.separable)  // setosa splits off; the other two overlap
        let objective = try SolverTestData.objective("iris.csv", target: "species", kind: .softmax, l2: 0)
        #expect {
            try ReferenceSolver.solve(objective)
        } throws: { error in
            guard case SolverError.noOptimum(let reason) = error else { return false }
            print("[separation] iris: \(reason)")
            return reason.contains("set model.l2 > 0")
        }
    }
}
