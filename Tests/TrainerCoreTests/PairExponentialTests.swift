#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import TrainerCore

/// `PairExponential` against the C library's `exp`, and the softmax loss built on it.
struct PairExponentialTests {
    /// |a − b| in units of b's last place.
    static func ulps(_ a: Double, _ b: Double) -> Double {
        abs(a - b) / b.ulp
    }

    @Test func withinOneUlpOfTheCLibraryOverTheWholeRange() {
        var rng = SeededGenerator(seed: 21)
        var xs: [Double] = [0, -0.0, 1e-300, -1e-300, 1e-17, -1e-17, 0.5, -0.5, 1, -1, PairExponential.lowest, PairExponential.highest]
        // Around the reduction's rounding boundaries (odd multiples of ln 2 / 2) and at k·ln 2.
        for k in -1021...1022 {
            let half = (Double(k) + 0.5) * M_LN2
            xs += [Double(k) * M_LN2, half, half.nextUp, half.nextDown]
        }
        for _ in 0..<100_000 { xs.append(rng.nextUnitDouble() * (PairExponential.highest - PairExponential.lowest) + PairExponential.lowest) }
        for _ in 0..<100_000 { xs.append(-rng.nextUnitDouble() * 40) }  // the softmax range
        xs = xs.filter { $0 >= PairExponential.lowest && $0 <= PairExponential.highest }
        var worst = 0.0, differing = 0
        var i = 0
        while i + 1 < xs.count {
            let e = PairExponential.exp(SIMD2(xs[i], xs[i + 1]))
            for lane in 0..<2 {
                let x = xs[i + lane], expected = exp(x)
                let error = Self.ulps(e[lane], expected)
                worst = max(worst, error)
                if e[lane] != expected { differing += 1 }
                #expect(error <= 1, "x = \(x): \(e[lane]) against \(expected)")
            }
            i += 2
        }
        // The kernel really runs (it is not the C library in disguise): on this sample about a
        // quarter of its results differ from the C library's, each by 1 ulp.
        #expect(differing > xs.count / 10)
        #expect(worst <= 1)
    }

    @Test func zeroGivesExactlyOne() {
        #expect(PairExponential.exp(SIMD2(0, -0.0)) == SIMD2(1, 1))
    }

    @Test func outsideTheRangeIsTheCLibrarysExp() {
        let xs: [Double] = [
            -700.0000001, -700.5, -708.5, -720, -745.13, -745.2, -1000, -.infinity, 709.0000001, 709.7, 709.79, 710, 1e300, .infinity,
        ]
        for x in xs {
            for partner in [0.0, -3, .nan, x] {
                let e = PairExponential.exp(SIMD2(x, partner))
                #expect(e.x.bitPattern == exp(x).bitPattern, "x = \(x)")
                let f = PairExponential.exp(SIMD2(partner, x))
                #expect(f.y.bitPattern == exp(x).bitPattern, "x = \(x)")
            }
        }
        #expect(PairExponential.exp(SIMD2(.nan, 1)).x.isNaN)
        #expect(PairExponential.exp(SIMD2(-800, 0)).x == 0)
        #expect(PairExponential.exp(SIMD2(-740, 0)).x.isSubnormal)
        #expect(PairExponential.exp(SIMD2(PairExponential.highest, 0)).x.isFinite)
    }

    /// A lane's result does not depend on the other lane (so pairing rows never changes bits).
    @Test func lanesAreIndependent() {
        var rng = SeededGenerator(seed: 22)
        for _ in 0..<10_000 {
            let x = -rng.nextUnitDouble() * 50
            let alone = PairExponential.exp(SIMD2(x, x)).x
            for partner in [0.0, -1000, .nan, .infinity, rng.nextGaussian()] {
                #expect(PairExponential.exp(SIMD2(x, partner)).x.bitPattern == alone.bitPattern)
                #expect(PairExponential.exp(SIMD2(partner, x)).y.bitPattern == alone.bitPattern)
            }
        }
    }

    /// Rows are paired two at a time; each row's loss and gradient must be what the row gives
    /// alone, `loss` must equal `lossAndScoreGradient`'s value to the bit, and both must agree
    /// with the formula evaluated with the C library's `exp` to rounding.
    @Test func softmaxRowsGiveTheSameBitsHoweverTheyArePaired() {
        var rng = SeededGenerator(seed: 23)
        for k in [2, 3, 5, 10] {
            let loss = SoftmaxCrossEntropyLoss(classCount: k)
            for rows in [1, 2, 3, 7, 8] {
                var z = (0..<(rows * k)).map { _ in rng.nextGaussian() * 4 }
                if rows > 2 { z[k] = 800; z[k + 1] = -800 }  // one row with lanes outside the kernel's range
                let y = (0..<rows).map { _ in Double(rng.next() % UInt64(k)) }
                var g = [Double](repeating: .nan, count: rows * k)
                let (total, lossOnly) = z.withUnsafeBufferPointer { zp in
                    y.withUnsafeBufferPointer { yp in
                        g.withUnsafeMutableBufferPointer { gp in
                            (loss.lossAndScoreGradient(scores: zp, targets: yp, rows: rows, scoreGradient: gp),
                             loss.loss(scores: zp, targets: yp, rows: rows))
                        }
                    }
                }
                #expect(total.bitPattern == lossOnly.bitPattern, "k = \(k), rows = \(rows)")
                var sumOfRows = 0.0
                for i in 0..<rows {
                    let row = Array(z[(i * k)..<((i + 1) * k)])
                    var single = [Double](repeating: 0, count: k)
                    let term = row.withUnsafeBufferPointer { zp in
                        [y[i]].withUnsafeBufferPointer { yp in
                            single.withUnsafeMutableBufferPointer { gp in
                                loss.lossAndScoreGradient(scores: zp, targets: yp, rows: 1, scoreGradient: gp)
                            }
                        }
                    }
                    sumOfRows += term
                    #expect(Array(g[(i * k)..<((i + 1) * k)]).map(\.bitPattern) == single.map(\.bitPattern), "k = \(k), row \(i) of \(rows)")
                    // The formula with the C library's exp.
                    let c = row.max() ?? 0
                    let sum = row.reduce(0) { $0 + exp($1 - c) }
                    let expected = c + log(sum) - row[Int(y[i])]
                    #expect(abs(term - expected) <= 1e-14 * max(1, abs(expected)), "k = \(k): \(term) vs \(expected)")
                    for j in 0..<k {
                        let p = exp(row[j] - c) / sum - (j == Int(y[i]) ? 1 : 0)
                        #expect(abs(single[j] - p) <= 1e-15, "k = \(k), j = \(j): \(single[j]) vs \(p)")
                    }
                }
                #expect(total.bitPattern == sumOfRows.bitPattern, "k = \(k), rows = \(rows)")
            }
        }
    }
}
