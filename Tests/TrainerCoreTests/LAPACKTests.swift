import Testing
@testable import TrainerCore

/// The LAPACK wrappers on small matrices with known answers, and their error mapping.
@Suite struct LAPACKTests {
    // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]] is symmetric positive definite; A·[1, 2, 3] = [8, 15, 11].
    func makeSPD() throws -> Matrix { try Matrix(rowArrays: [[4, 2, 0], [2, 5, 1], [0, 1, 3]]) }

    @Test func choleskySolvesAndEstimatesCondition() throws {
        let factor = try LAPACK.potrf(makeSPD())
        let x = try LAPACK.potrs(factor, [8, 15, 11])
        for (got, want) in zip(x, [1.0, 2, 3]) { #expect(abs(got - want) < 1e-14) }
        #expect(factor.norm1 == 8)  // largest column sum: 2 + 5 + 1
        let rcond = try LAPACK.pocon(factor)
        // True 1-norm rcond is 1/(‖A‖₁‖A⁻¹‖₁) = 1/(8·0.5) = 0.25; dpocon's estimate of ‖A⁻¹‖₁ is a lower
        // bound (exact on small matrices), so the estimate is ≥ the truth and within a few times it.
        #expect(rcond >= 0.25 * (1 - 1e-12) && rcond < 0.5)
    }

    @Test func choleskyReadsOnlyTheUpperTriangle() throws {
        var upperOnly = try makeSPD()
        upperOnly[1, 0] = 0
        upperOnly[2, 0] = 0
        upperOnly[2, 1] = 0
        let x = try LAPACK.potrs(LAPACK.potrf(upperOnly), [8, 15, 11])
        for (got, want) in zip(x, [1.0, 2, 3]) { #expect(abs(got - want) < 1e-14) }
    }

    @Test func indefiniteMatrixReportsTheFailingMinor() throws {
        let indefinite = try Matrix(rowArrays: [[1, 0, 0], [0, 1, 2], [0, 2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 3)) { try LAPACK.potrf(indefinite) }
    }

    @Test func shapeAndFinitenessAreCheckedBeforeLAPACK() throws {
        let rectangular = Matrix(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try LAPACK.potrf(rectangular) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.potrs(LAPACK.potrf(makeSPD()), [1, 2]) }
        var bad = try makeSPD()
        bad[0, 0] = .nan
        #expect(throws: LinearAlgebraError.invalidArgument(routine: "dsyevd", argument: 5)) { try LAPACK.syevd(bad) }
        #expect(throws: LinearAlgebraError.self) { try LAPACK.gels(Matrix(rows: 3, columns: 2), [1, 2]) }
    }

    @Test func qrLeastSquaresMatchesTheNormalEquations() throws {
        // Fit y = 1 + 2t through t = 0…3 with noise-free data, then perturb one point.
        let a = try Matrix(rowArrays: [[1, 0], [1, 1], [1, 2], [1, 3]])
        let (x, rcond) = try LAPACK.gels(a, [1, 3, 5, 8])
        // Normal equations: [[4, 6], [6, 14]] x = [17, 37] → x = [0.8, 2.3].
        #expect(abs(x[0] - 0.8) < 1e-14 && abs(x[1] - 2.3) < 1e-14)
        #expect(rcond > 0 && rcond <= 1)
    }

    @Test func qrReportsExactRankDeficiency() throws {
        let a = try Matrix(rowArrays: [[1, 0], [1, 0], [1, 0]])
        #expect(throws: LinearAlgebraError.singular(routine: "dgels", index: 2)) { try LAPACK.gels(a, [1, 2, 3]) }
    }

    @Test func svdReturnsRankAndMinimumNormSolution() throws {
        // Two identical columns: rank 1; the minimum-norm solution splits the weight equally.
        let a = try Matrix(rowArrays: [[1, 1], [2, 2], [3, 3]])
        let result = try LAPACK.gelsd(a, [2, 4, 6], rcond: 1e-12)
        #expect(result.rank == 1)
        #expect(abs(result.solution[0] - 1) < 1e-13 && abs(result.solution[1] - 1) < 1e-13)
        #expect(abs(result.singularValues[0] - (28.0).squareRoot()) < 1e-13)
    }

    @Test func symmetricEigenvaluesAndVectors() throws {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, −1)/√2 and (1, 1)/√2.
        let a = try Matrix(rowArrays: [[2, 1], [1, 2]])
        let (values, vectors) = try LAPACK.syevd(a, vectors: true)
        #expect(abs(values[0] - 1) < 1e-14 && abs(values[1] - 3) < 1e-14)
        let v = try #require(vectors)
        let r = 0.5.squareRoot()
        #expect(abs(abs(v[0, 1]) - r) < 1e-14 && abs(v[0, 1] - v[1, 1]) < 1e-14)  // column 1: (1, 1)/√2
        #expect(abs(v[0, 0] + v[1, 0]) < 1e-14)                                   // column 0: (1, −1)/√2
    }
}
