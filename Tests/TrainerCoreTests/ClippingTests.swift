import Testing
@testable import TrainerCore

@Suite struct ClippingTests {
    @Test func l2Norm() {
        #expect(GradientClipping.l2Norm([3, 4]) == 5)
        #expect(GradientClipping.l2Norm([]) == 0)
        #expect(GradientClipping.l2Norm([0, 0, 0]) == 0)
        let block: [Double] = [100, 3, -4, 100]
        #expect(GradientClipping.l2Norm(block[1...2]) == 5)
        // 1001 entries (not a multiple of the 4-way unrolling): √(1001·0.25) = √250.25.
        #expect(GradientClipping.l2Norm([Double](repeating: 0.5, count: 1001)) == 15.819292019556375)
    }

    @Test func l2NormAvoidsOverflowAndUnderflow() {
        // Squares of 1e200 overflow and of 1e-200 underflow; the scaled path handles both.
        #expect(GradientClipping.l2Norm([1e200, 1e200, 1e200, 1e200]) == 2e200)
        let tiny = GradientClipping.l2Norm([3e-200, -4e-200])
        #expect(abs(tiny - 5e-200) <= 1e-15 * 5e-200)
        let ulp = Double.leastNonzeroMagnitude
        #expect(GradientClipping.l2Norm([3 * ulp, 4 * ulp]) == 5 * ulp)
        #expect(GradientClipping.l2Norm([.greatestFiniteMagnitude, .greatestFiniteMagnitude]) == .infinity)
    }

    @Test func clipNormScalesDown() {
        var g: [Double] = [3, 4]
        let result = GradientClipping.clipNorm(&g, maxNorm: 1)
        #expect(result.norm == 5)
        // PyTorch: clip_coef = 1 / (5 + 1e-6) = 0.199999960000008
        #expect(result.coefficient == 1 / (5 + 1e-6))
        #expect(g == [3 * result.coefficient, 4 * result.coefficient])
        #expect(GradientClipping.l2Norm(g) < 1)
    }

    @Test func clipNormIsNoOpBelowLimit() {
        var g: [Double] = [3, 4, -0.125]
        let before = g
        let result = GradientClipping.clipNorm(&g, maxNorm: 10)
        #expect(result.coefficient == 1)
        #expect(g == before)
        var zero: [Double] = [0, 0]
        #expect(GradientClipping.clipNorm(&zero, maxNorm: 1) == (norm: 0, coefficient: 1))
        #expect(zero == [0, 0])
    }

    @Test func clipNormHugeValues() {
        var g: [Double] = [1e200, -1e200, 1e200, 1e200]
        let result = GradientClipping.clipNorm(&g, maxNorm: 1)
        #expect(result.norm == 2e200)
        #expect(result.coefficient == 5e-201)
        for (x, e) in zip(g, [0.5, -0.5, 0.5, 0.5]) { #expect(abs(x - e) <= 1e-15 * 0.5) }
    }

    @Test func clipNormWhenOnlyTheNormOverflows() {
        // Every entry is finite but ‖g‖ > Double.greatestFiniteMagnitude: still clipped.
        var g: [Double] = [1.5e308, -1.5e308, 1.5e308]  // ‖g‖ ≈ 2.6e308
        let result = GradientClipping.clipNorm(&g, maxNorm: 2)
        #expect(result.norm == .infinity)
        #expect(result.coefficient > 0 && result.coefficient < 1)
        #expect(abs(GradientClipping.l2Norm(g) - 2) <= 1e-15 * 2)
    }

    @Test func clipNormPassesNaNThrough() {
        var g: [Double] = [1, .nan, 2]
        let result = GradientClipping.clipNorm(&g, maxNorm: 1)
        #expect(result.norm.isNaN)
        #expect(result.coefficient.isNaN)
        #expect(g[0] == 1 && g[1].isNaN && g[2] == 2)
    }

    @Test func clipNormLeavesInfiniteGradientUntouched() {
        var g: [Double] = [1, -.infinity, 2]
        let result = GradientClipping.clipNorm(&g, maxNorm: 1)
        #expect(result.norm == .infinity)
        #expect(result.coefficient.isNaN)
        #expect(g == [1, -.infinity, 2])
    }

    @Test func clipValue() {
        var g: [Double] = [0.5, -2, 3, -0.1, 1, -1, .nan]
        let clipped = GradientClipping.clipValue(&g, limit: 1)
        #expect(clipped == 2)  // entries exactly at ±limit are not counted
        #expect(Array(g[0..<6]) == [0.5, -1, 1, -0.1, 1, -1])
        #expect(g[6].isNaN)
        var untouched: [Double] = [0.25, -0.25]
        #expect(GradientClipping.clipValue(&untouched, limit: 0.5) == 0)
        #expect(untouched == [0.25, -0.25])
    }
}

/// The vectorised norm loop must give the bits of four scalar accumulators (the form it
/// replaced), at every length and across the special cases.
struct NormBitIdentityTests {
    static func scalarNorm(_ x: [Double]) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var maxAbs = 0.0
        var i = 0
        while i + 4 <= x.count {
            let a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3]
            s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d
            maxAbs = max(maxAbs, a.magnitude, b.magnitude, c.magnitude, d.magnitude)
            i += 4
        }
        while i < x.count {
            s0 += x[i] * x[i]
            maxAbs = max(maxAbs, x[i].magnitude)
            i += 1
        }
        let sum = (s0 + s1) + (s2 + s3)
        if sum.isNaN { return .nan }
        if maxAbs == 0 { return 0 }
        if maxAbs.isInfinite { return .infinity }
        if sum.isFinite && maxAbs >= 0x1p-500 { return sum.squareRoot() }
        var scaled = 0.0
        for v in x { scaled += (v / maxAbs) * (v / maxAbs) }
        return maxAbs * scaled.squareRoot()
    }

    @Test func vectorisedNormIsBitIdenticalToFourScalarSums() {
        var rng = SeededGenerator(seed: 9)
        for n in 0..<40 {
            for scale in [1.0, 1e-160, 0x1p-1063, 1e160, 1e300] {
                var x = (0..<n).map { _ in rng.nextGaussian() * scale }
                #expect(GradientClipping.l2Norm(x).bitPattern == Self.scalarNorm(x).bitPattern, "n = \(n), scale \(scale)")
                if n > 0 {
                    for special in [Double.nan, .infinity, -.infinity, -0.0, .greatestFiniteMagnitude, -.leastNonzeroMagnitude] {
                        let k = Int(rng.next() % UInt64(n))
                        let saved = x[k]
                        x[k] = special
                        let expected = Self.scalarNorm(x), actual = GradientClipping.l2Norm(x)
                        #expect(actual.bitPattern == expected.bitPattern || (actual.isNaN && expected.isNaN), "n = \(n), \(special) at \(k)")
                        x[k] = saved
                    }
                }
            }
        }
        let big = (0..<1010).map { _ in rng.nextGaussian() }
        #expect(GradientClipping.l2Norm(big).bitPattern == Self.scalarNorm(big).bitPattern)
        #expect(GradientClipping.l2Norm(big[3..<1001]).bitPattern == Self.scalarNorm(Array(big[3..<1001])).bitPattern)
    }
}
