#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// e^x two values at a time, for the K exponentials per example of the softmax loss:
//
//     x = (128·n + j)·(ln 2)/128 + r,   k = 128·n + j = round(128·x / ln 2),  0 ≤ j < 128
//     e^x = 2ⁿ · 2^(j/128) · e^r,       |r| ≤ (ln 2)/256 ≈ 0.0027
//     e^r = 1 + q,   q = r + r²/2 + r³/6 + r⁴/24 + r⁵/120   (truncation < 1e−18 relative)
//
// 2^(j/128) comes from a 128-entry table (the C library's `exp2`, once), 2ⁿ is added to the
// entry's exponent bits, and the result is formed as s + s·q (s = 2ⁿ·2^(j/128)), so the last
// rounding happens at a sum dominated by the exact s. r is reduced in two parts (fdlibm's
// ln 2 = ln2Hi + ln2Lo divided by 128, both exactly): n·ln2Hi/128 is exact for every k here.
// Results are within 1 ulp of the C library's (tests compare over the whole range), and
// exp(0) = 1 exactly, so a softmax row's largest term stays exactly 1.
//
// Why by hand: on this machine glibc's `exp` takes ~5.2 ns per call, and a softmax epoch on
// 1e6 × 100 with K = 10 calls it 1e7 times in training and 1e7 times in the epoch's evaluation.
// This kernel, in plain SSE2 two-lane code (the baseline x86-64 target Swift builds for), takes
// ~1.6 ns per value; a table-free degree-13 polynomial took ~2.6 ns. No Swift package offers a
// vector `exp`. Outside [−700, 709], and for NaN, the C library's `exp` is used lane by lane,
// so overflow, underflow towards subnormals, ±∞ and NaN behave exactly as `exp` does.

/// `exp` for two lanes at once (see the formulas above), within 1 ulp of the C library's.
enum PairExponential {
    /// Lanes in this range take the table path: 2ⁿ·2^(j/128) is then a normal number at least
    /// 2⁻¹⁰¹⁰ (so s·q is normal too) and the result cannot overflow.
    static let lowest = -700.0
    static let highest = 709.0

    /// The bit patterns of 2^(j/128), j = 0 ..< 128, allocated once and never freed (the losses
    /// read it on every call). `nonisolated(unsafe)`: written only by the one-time, thread-safe
    /// initialisation of this global, read-only afterwards.
    nonisolated(unsafe) static let table: UnsafePointer<UInt64> = {
        let entries = UnsafeMutablePointer<UInt64>.allocate(capacity: 128)
        for j in 0..<128 { entries[j] = exp2(Double(j) / 128).bitPattern }
        return UnsafePointer(entries)
    }()

    /// Each lane's result depends on that lane's value only (whatever the other lane holds), so
    /// values give the same bits however they are paired. `table` is `PairExponential.table`,
    /// passed in so a loop reads the lazily made global once.
    @inline(__always)
    static func exp(_ x: SIMD2<Double>, table: UnsafePointer<UInt64>) -> SIMD2<Double> {
        // Out-of-range lanes make no trap in the kernel (wrapping integer operations, IEEE
        // arithmetic, an index masked into the table); their results are replaced. NaN fails
        // both comparisons. Scalar comparisons: the mask form (`.>=`, `.&`, `all`) cost ~1.4 ns
        // more per pair here.
        var result = kernel(x, table: table)
        let firstInRange = x.x >= lowest && x.x <= highest
        let secondInRange = x.y >= lowest && x.y <= highest
        if !(firstInRange && secondInRange) {
            if !firstInRange { result.x = libraryExp(x.x) }
            if !secondInRange { result.y = libraryExp(x.y) }
        }
        return result
    }

    /// `exp(_:table:)` with the table looked up here (tests, single values).
    static func exp(_ x: SIMD2<Double>) -> SIMD2<Double> {
        exp(x, table: table)
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
    static func kernel(_ x: SIMD2<Double>, table: UnsafePointer<UInt64>) -> SIMD2<Double> {
        typealias V = SIMD2<Double>
        // Adding 1.5·2⁵² rounds 128·x/ln 2 to the integer k (round-to-nearest-even) and leaves
        // k in the low bits of the sum's significand, two's complement.
        let shifter = V(repeating: 0x1.8p52)
        let shifted = x * V(repeating: 128 / M_LN2) + shifter
        let k = shifted - shifter
        let r = (x - k * V(repeating: ln2Hi / 128)) - k * V(repeating: ln2Lo / 128)
        let r2 = r * r
        let high: V = V(repeating: 1.0 / 24) + r * V(repeating: 1.0 / 120)
        let low: V = V(repeating: 1.0 / 2) + r * V(repeating: 1.0 / 6)
        let q: V = r + r2 * (low + r2 * high)
        let scale = V(Double(bitPattern: scaleBits(shifted.x, table)), Double(bitPattern: scaleBits(shifted.y, table)))
        return scale + scale * q
    }

    /// The bits of 2ⁿ·2^(j/128) for k = 128·n + j held in the low bits of `shifted`.
    @inline(__always)
    static func scaleBits(_ shifted: Double, _ table: UnsafePointer<UInt64>) -> UInt64 {
        let k = Int64(Int32(truncatingIfNeeded: shifted.bitPattern))
        // n = ⌊k / 128⌋ (arithmetic shift), added to the entry's exponent field.
        return table[Int(k & 127)] &+ (UInt64(bitPattern: k >> 7) &<< 52)
    }

    /// ln 2 split so that k·ln2Hi/128 is exact (fdlibm's constants; dividing by 128 is exact).
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10
}
