import Foundation
import Testing
@testable import TrainerCore

/// A bounded, seeded mutation fuzzer inside `swift test`, so CI exercises the parsers on
/// malformed input every run (the libFuzzer targets in Fuzz/ go much further, by hand).
/// Seeds are the committed corpora; the generator is seeded, so a failure reproduces.
struct FuzzMutationTests {
    static let fuzzRoot = ResumeTests.packageRoot.appendingPathComponent("Fuzz/corpus")
    static let iterations = 4_000

    static func seeds(_ folder: String) -> [[UInt8]] {
        let dir = fuzzRoot.appendingPathComponent(folder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        return names.compactMap { try? Array(Data(contentsOf: dir.appendingPathComponent($0))) }
    }

    static let tokens: [[UInt8]] = ["\"", "\"\"", ",", "\n", "\r\n", "\r", "\u{FEFF}", "1e400", "-0", "nan", "NaN", "inf", " ", "\t",
                                    "{", "}", "[", "]", ":", "null", "true", "\\u0000", "\\uD800", "1e-400", "0.1", "-", ""].map { Array($0.utf8) }

    /// One random edit: flip, insert, delete, duplicate a span, or insert a token.
    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0...Int(rng.nextBounded(4)) {
            let at = bytes.isEmpty ? 0 : Int(rng.nextBounded(UInt64(bytes.count)))
            switch rng.nextBounded(6) {
            case 0 where !bytes.isEmpty: bytes[at] ^= UInt8(1 << rng.nextBounded(8))
            case 1: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(rng.nextBounded(8))))
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, at + 1 + Int(rng.nextBounded(32)))
                bytes.insert(contentsOf: bytes[at..<end], at: Int(rng.nextBounded(UInt64(bytes.count + 1))))
            default: bytes.insert(contentsOf: tokens[Int(rng.nextBounded(UInt64(tokens.count)))], at: at)
            }
        }
        return bytes
    }

    @Test func csvLoaderNeverCrashesAndReportsLinesInsideTheFile() throws {
        let seeds = Self.seeds("csv")
        try #require(seeds.count >= 5)
        var rng = SeededGenerator(seed: 20_251_127)
        var loadedCount = 0, errorCount = 0
        for _ in 0..<Self.iterations {
            let seed = seeds[Int(rng.nextBounded(UInt64(seeds.count)))]
            let input = Self.mutate(seed, &rng)
            guard let selector = input.first else { continue }
            let bytes = Array(input.dropFirst())
            let kind = [ModelKind.linear, .logistic, .softmax][Int(selector % 3)]
            let policy = MissingValuePolicy.allCases[Int(selector / 3 % 3)]
            let lines = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
            do {
                let header = try CSVReader(bytes: bytes, file: "f.csv").header
                let loaded = try DatasetLoader.load(
                    contents: bytes, sourcePath: "f.csv", target: header[header.count - 1], features: nil, kind: kind, missing: policy)
                let d = loaded.dataset
                #expect(d.features.rows == d.targets.count && d.features.columns == header.count - 1)
                #expect(d.features.values.allSatisfy { $0.isFinite || (policy == .imputeMean && $0.isNaN) })
                #expect(d.targets.allSatisfy { $0.isFinite })
                loadedCount += 1
            } catch {
                // Typed throws: the compiler guarantees `error` is a DataError here.
                #expect((1...lines).contains(error.line ?? 1), "\(error) in \(lines) lines")
                #expect(!error.reason.isEmpty)
                errorCount += 1
            }
        }
        // Both outcomes must be exercised, or the mutator is not doing its job.
        #expect(loadedCount > 100 && errorCount > 100, "loaded \(loadedCount), errors \(errorCount)")
    }

    @Test func configParserNeverCrashesAndRoundTrips() throws {
        let seeds = Self.seeds("config")
        try #require(seeds.count >= 4)
        var rng = SeededGenerator(seed: 42)
        var validCount = 0, configErrors = 0, syntaxErrors = 0
        for _ in 0..<Self.iterations {
            let input = Self.mutate(seeds[Int(rng.nextBounded(UInt64(seeds.count)))], &rng)
            let json: JSONValue
            do {
                json = try JSONValue.parse(utf8: input)
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
                syntaxErrors += 1
                continue
            }
            #expect(try JSONValue.parse(json.serialized()) == json)
            _ = try? TrainingCheckpoint(json: json)
            do {
                let config = try TrainerConfig.parse(json, defaultName: "fuzz", file: nil)
                #expect(try TrainerConfig.parse(config.resolvedJSON(), defaultName: "x", file: nil) == config)
                validCount += 1
            } catch {
                #expect(!error.reason.isEmpty)
                configErrors += 1
            }
        }
        #expect(validCount > 50 && configErrors > 50 && syntaxErrors > 50, "valid \(validCount), config errors \(configErrors), syntax errors \(syntaxErrors)")
    }
}
