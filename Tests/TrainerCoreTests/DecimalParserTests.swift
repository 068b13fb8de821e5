#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import TrainerCore

/// The number-parsing fast paths (Clinger, Eisel–Lemire) against `Double(String)`, which is
/// correctly rounded: every result must have the same bits.
struct DecimalParserTests {
    /// Parses `text` with `DecimalParser` and returns the value's bits, or nil for a non-value.
    static func parsedBits(_ text: String) -> UInt64? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { buffer in
            if case .value(let v) = DecimalParser.parse(UnsafeBufferPointer(buffer)) { return v.bitPattern }
            return nil
        }
    }

    /// `%.17g` through the C library: 17 significant digits, always enough to round-trip.
    static func seventeenDigits(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 40)
        _ = buffer.withUnsafeMutableBufferPointer { p in
            withVaList([value]) { vsnprintf(p.baseAddress, 40, "%.17g", $0) }
        }
        return String(cString: buffer)
    }

    /// Checks one spelling against `Double(String)` and the value it was printed from.
    static func check(_ text: String, expected: Double, failures: inout [String]) {
        let reference = Double(text)
        guard let reference, reference.bitPattern == expected.bitPattern else {
            failures.append("Double(\"\(text)\") itself does not round-trip \(expected)")
            return
        }
        if parsedBits(text) != reference.bitPattern, failures.count < 10 {
            failures.append("\(text): parsed \(parsedBits(text).map { String($0, radix: 16) } ?? "nil"), expected \(String(reference.bitPattern, radix: 16))")
        }
    }

    @Test func randomBitPatternsRoundTripWith17DigitsAndShortest() {
        var rng = SeededGenerator(seed: 2024)
        var failures: [String] = []
        var checked = 0
        while checked < 1_000_000 {
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            Self.check(Self.seventeenDigits(value), expected: value, failures: &failures)
            Self.check(value.description, expected: value, failures: &failures)  // shortest round-trip
            checked += 1
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func typicalMagnitudesRoundTrip() {
        // Values like the ones data files hold: O(1) with varying scales, subnormals, extremes.
        var rng = SeededGenerator(seed: 7)
        var failures: [String] = []
        for i in 0..<300_000 {
            let unit = Double(rng.next() >> 11) * 0x1p-53
            let scale: Double
            switch i % 6 {
            case 0: scale = 1
            case 1: scale = 1e-5
            case 2: scale = 1e22
            case 3: scale = 1e-310  // subnormal
            case 4: scale = 1e300
            default: scale = pow(10, Double(Int(rng.next() % 600)) - 300)
            }
            let value = (rng.next() & 1 == 0 ? 1 : -1) * unit * scale
            Self.check(Self.seventeenDigits(value), expected: value, failures: &failures)
            Self.check(value.description, expected: value, failures: &failures)
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test(arguments: [
        "9007199254740993",                 // 2^53 + 1: a tie, rounds to even (2^53)
        "9007199254740995",                 // tie, rounds up to even
        "9007199254740993.0000000001",      // just above the tie (more than 19 digits)
        "1.00000000000000011102230246251565404236316680908203125",  // exact midpoint 1 + 2^-53
        "4.9406564584124654e-324",          // smallest subnormal
        "2.4703282292062327e-324",          // just under half of it: 0
        "2.4703282292062328e-324",          // just over half: smallest subnormal
        "2.2250738585072011e-308",          // largest subnormal
        "2.2250738585072014e-308",          // smallest normal
        "1.7976931348623157e308",           // largest finite
        "1e-400", "-1e-400", "0.000000000000000000000000000000001",
        "123456789012345678", "1234567890123456789", "12345678901234567890",
        "7.2057594037927933e16", "0.1", "0.3", "1e23", "8.98846567431158e307",
        "5e-324", "-0", "+0.0e10", "3.14159265358979323846264338327950288",
    ])
    func edgeCasesMatchDoubleInit(text: String) {
        let reference = Double(text)!
        #expect(Self.parsedBits(text) == reference.bitPattern, "\(text)")
    }

    @Test func overflowIsOutOfRange() {
        for text in ["1.7976931348623159e308", "1e309", "-2e308", "123456789e301"] {
            var utf8 = Array(text.utf8)
            let result = utf8.withUnsafeMutableBufferPointer { DecimalParser.parse(UnsafeBufferPointer($0)) }
            #expect(result == .outOfRange, "\(text)")
        }
    }

    @Test func eiselLemireDeclinesOrAgreesNearEveryPowerOfTen() {
        // Mantissas next to rounding boundaries across the whole exponent range.
        var failures: [String] = []
        for q in -342...308 {
            for mantissa: UInt64 in [1, 9_007_199_254_740_993, 9_999_999_999_999_999_999, 4_503_599_627_370_497, 12_345_678_901_234_567] {
                let text = "\(mantissa)e\(q)"
                guard let reference = Double(text) else { continue }
                if let fast = DecimalParser.eiselLemire(mantissa: mantissa, exponent: q, negative: false),
                   fast.bitPattern != reference.bitPattern, failures.count < 10 {
                    failures.append("\(text): \(fast) vs \(reference)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
