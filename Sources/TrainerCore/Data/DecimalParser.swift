/// Parses decimal numbers straight from CSV bytes, without building a `String` per field.
///
/// Accepted grammar, after trimming spaces and tabs: `[+-]? digits [. digits]? ([eE] [+-]? digits)?`
/// where the mantissa has at least one digit (`.5` and `5.` are fine). Results are correctly
/// rounded: short inputs take Clinger's exact fast path; everything else goes through
/// `Double(_: String)`, which is correctly rounded too. The grammar deliberately rejects what
/// strtod would accept but a CSV author never means as data: `nan`, `inf`, hex floats.
enum DecimalParser {
    /// The outcome of parsing one field.
    enum Result: Equatable {
        case value(Double)
        /// Nothing but spaces and tabs.
        case empty
        /// `nan`, `inf` or `infinity` in any case, optionally signed.
        case nonFinite
        /// Syntactically a number, but its magnitude overflows to infinity.
        case outOfRange
        /// Not a decimal number.
        case invalid
    }

    /// Powers of ten that are exact in a `Double` (10^22 is the largest).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Parses `bytes` (may contain surrounding spaces/tabs).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        var start = 0
        var end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        if start == end { return .empty }

        var p = start
        var negative = false
        if bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") {
            negative = bytes[p] == UInt8(ascii: "-")
            p += 1
        }

        // Up to 19 significant digits fit in a UInt64; more than that forces the slow path.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var tooManyDigits = false
        var sawDigit = false
        var exponent = 0

        while p < end, let digit = digitValue(bytes[p]) {
            sawDigit = true
            if mantissa != 0 || digit != 0 {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    significantDigits += 1
                } else {
                    tooManyDigits = true
                }
            }
            p += 1
        }
        if p < end, bytes[p] == UInt8(ascii: ".") {
            p += 1
            while p < end, let digit = digitValue(bytes[p]) {
                sawDigit = true
                if mantissa == 0 && digit == 0 {
                    // Leading fractional zeros only shift the scale.
                    exponent -= 1
                } else if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ digit
                    significantDigits += 1
                    exponent -= 1
                } else {
                    tooManyDigits = true
                }
                p += 1
            }
        }
        guard sawDigit else {
            return isNonFiniteWord(bytes, from: p, to: end) ? .nonFinite : .invalid
        }
        if p < end, bytes[p] == UInt8(ascii: "e") || bytes[p] == UInt8(ascii: "E") {
            p += 1
            var exponentNegative = false
            if p < end, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") {
                exponentNegative = bytes[p] == UInt8(ascii: "-")
                p += 1
            }
            var explicitExponent = 0
            var sawExponentDigit = false
            while p < end, let digit = digitValue(bytes[p]) {
                sawExponentDigit = true
                // Clamp: anything this large is over/underflow either way; avoids Int overflow.
                if explicitExponent < 1_000_000 { explicitExponent = explicitExponent * 10 + Int(digit) }
                p += 1
            }
            guard sawExponentDigit else { return .invalid }
            exponent += exponentNegative ? -explicitExponent : explicitExponent
        }
        guard p == end else { return .invalid }

        if mantissa == 0 && !tooManyDigits { return .value(negative ? -0.0 : 0.0) }

        // Clinger's fast path: both operands exact, so one IEEE operation rounds correctly.
        if !tooManyDigits, mantissa <= (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            if exponent >= 0 {
                value *= exactPowersOfTen[exponent]
            } else {
                value /= exactPowersOfTen[-exponent]
            }
            return .value(negative ? -value : value)
        }

        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let value = Double(text) else { return .invalid }
        return value.isFinite ? .value(value) : .outOfRange
    }

    @inline(__always)
    private static func digitValue(_ byte: UInt8) -> UInt64? {
        let digit = byte &- UInt8(ascii: "0")
        return digit < 10 ? UInt64(digit) : nil
    }

    /// Whether `bytes[from..<to]` spells nan, inf or infinity, ignoring ASCII case.
    private static func isNonFiniteWord(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        let count = to - from
        guard count == 3 || count == 8 else { return false }
        var word: [UInt8] = []
        word.reserveCapacity(count)
        for i in from..<to { word.append(bytes[i] | 0x20) }  // ASCII lowercase; non-letters never match
        return word == Array("nan".utf8) || word == Array("inf".utf8) || word == Array("infinity".utf8)
    }

    /// Parses an optionally signed decimal integer (`[+-]?[0-9]+`, already trimmed) that fits `Int`.
    static func parseInteger(_ bytes: some Collection<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        guard var byte = iterator.next() else { return nil }
        var negative = false
        if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
            negative = byte == UInt8(ascii: "-")
            guard let next = iterator.next() else { return nil }
            byte = next
        }
        // Accumulate negatively so Int.min parses without overflow.
        var value = 0
        while true {
            guard let digit = digitValue(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int(digit))
            if overflow1 || overflow2 { return nil }
            value = next
            guard let following = iterator.next() else { break }
            byte = following
        }
        if negative { return value }
        let (positive, overflow) = (0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }
}
