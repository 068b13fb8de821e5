import Testing
@testable import TrainerCore

private func randomDouble(_ rng: inout SeededGenerator) -> Double {
    switch Int.random(in: 0..<4, using: &rng) {
    case 0:
        // Arbitrary bit patterns: subnormals, huge and tiny exponents, 17-digit mantissas.
        while true {
            let value = Double(bitPattern: rng.next())
            if value.isFinite { return value }
        }
    case 1:
        return Double(Int.random(in: -1_000_000...1_000_000, using: &rng))
    case 2:
        return Double.random(in: -1...1, using: &rng)
    default:
        return [0.1, -0.0, 1e-5, 0.30000000000000004, 9_007_199_254_740_992, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude][Int.random(in: 0..<7, using: &rng)]
    }
}

private func randomString(_ rng: inout SeededGenerator) -> String {
    let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "中", "😀", "\u{FFFF}", "\u{10FFFF}"]
    var string = ""
    for _ in 0..<Int.random(in: 0..<8, using: &rng) {
        string.unicodeScalars.append(pool[Int.random(in: 0..<pool.count, using: &rng)])
    }
    return string
}

private func randomValue(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
    let kinds = depth > 3 ? 4 : 6
    switch Int.random(in: 0..<kinds, using: &rng) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2: return .number(randomDouble(&rng))
    case 3: return .string(randomString(&rng))
    case 4: return .array((0..<Int.random(in: 0..<5, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
        var members: [(String, JSONValue)] = []
        var used = Set<String>()
        for _ in 0..<Int.random(in: 0..<5, using: &rng) {
            let key = randomString(&rng)
            // Duplicate keys are a parse error by design, so never generate them.
            guard used.insert(key).inserted else { continue }
            members.append((key, randomValue(&rng, depth: depth + 1)))
        }
        return .object(members)
    }
}

/// Bitwise comparison, stricter than `==`: it distinguishes 0 from -0.
private func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case let (.number(x), .number(y)): return x.bitPattern == y.bitPattern
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
    case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && identical($0.1, $1.1) }
    default: return a == b
    }
}

@Suite struct JSONRoundTripTests {
    @Test func randomValuesRoundTrip() throws {
        var rng = SeededGenerator(seed: 20_240_601)
        for _ in 0..<2_000 {
            let value = randomValue(&rng, depth: 0)
            for pretty in [true, false] {
                let text = value.serialized(pretty: pretty)
                let back = try JSONValue.parse(text)
                #expect(identical(back, value), "\(text)")
                #expect(back.serialized(pretty: pretty) == text)
            }
        }
    }

    @Test func seventeenDigitDoublesRoundTrip() throws {
        var rng = SeededGenerator(seed: 7)
        var needingSeventeen = 0
        for _ in 0..<20_000 {
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            let text = JSONValue.number(value).serialized()
            let digits = text.prefix { $0 != "e" }.filter(\.isNumber).drop { $0 == "0" }.count
            if digits == 17 { needingSeventeen += 1 }
            #expect(try JSONValue.parse(text) == .number(value), "\(text)")
        }
        // Guard against a vacuous pass: a good share of random doubles need all 17 digits.
        #expect(needingSeventeen > 1_000)
    }

    /// A small mutation fuzzer: corrupt valid documents byte by byte. The parser must either
    /// return a value that round-trips or throw a positioned error; it must never crash.
    @Test func mutatedInputNeverCrashes() throws {
        var rng = SeededGenerator(seed: 99)
        let alphabet = Array(#"{}[]:,"\u0123456789abcdefEe+-.tnrul \#n"#.utf8) + [0x00, 0xC3, 0xA9, 0xFF]
        var parsedCount = 0, rejectedCount = 0
        for _ in 0..<3_000 {
            var bytes = Array(randomValue(&rng, depth: 0).serialized(pretty: Bool.random(using: &rng)).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let position = Int.random(in: 0...bytes.count, using: &rng)
                let byte = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes.insert(byte, at: position)
                case 1 where position < bytes.count: bytes[position] = byte
                default: if position < bytes.count { bytes.remove(at: position) }
                }
            }
            do {
                let value = try JSONValue.parse(utf8: bytes)
                parsedCount += 1
                #expect(try JSONValue.parse(value.serialized()) == value)
            } catch {
                rejectedCount += 1
                #expect(error.line >= 1 && error.column >= 1)
                #expect(!error.reason.isEmpty)
            }
        }
        // Both outcomes must actually occur, or the fuzzer is not exercising anything.
        #expect(parsedCount > 100)
        #expect(rejectedCount > 100)
    }

    @Test func nonFiniteNumbersBecomeNull() throws {
        let value = JSONValue.array([.number(.infinity), .number(.nan)])
        #expect(try JSONValue.parse(value.serialized()) == .array([.null, .null]))
    }
}
