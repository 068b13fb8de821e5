import Foundation
import Testing
@testable import TrainerCore

/// The CSV fast path against the general loader on mutated files: whenever `FastNumericCSV`
/// accepts a file, the general loader must load it too, with the same bits, classes and
/// missing-value counts. Seeded, bounded (CI runs it every time); the seeds are small files in
/// the shapes the fast path takes (LF/CRLF, a byte order mark, quoted fields, empty fields,
/// text labels) and the edits insert the bytes those shapes turn on. For a longer run outside
/// CI: `TRAINER_FUZZ_ITERATIONS=1000000 TRAINER_FUZZ_SEED=7 swift test --filter
/// FastCSVDifferentialFuzzTests`.
struct FastCSVDifferentialFuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["TRAINER_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 6_000

    static let seeds: [String] = [
        "a,b,y\n1.5,-2,0\n3e-3,4,1\n5,0.25,1\n-7,8,0\n",
        "\u{FEFF}a,b,y\r\n1.5,-2,0\r\n3e-3,4,1\r\n5,0.25,1\r\n-7,8,0\r\n",
        "\"a\",\"b\",\"y\"\n\"1.5\",\"-2\",\"0\"\n\"3e-3\",4,1\n5,\" 0.25 \",1\n-7,8,\"0\"\n",
        "a,name,b,y\n1,\"x, y\",2,cat\n3,z,4,dog\n5,\"\",6,cat\n7,w,8,bird\n",
        "a,b,y\n1,,0\n,4,1\n5,6,\n7,8,0\n9, ,1\n",
        "a,b,y\n1,2,0\n3,4,1\n\n\n",
    ]

    static let tokens: [[UInt8]] = ["\"", ",", "\n", "\r\n", "\r", " ", "\t", "", "\u{FEFF}", "1", "-", ".", "e5", "cat", ",,"]
        .map { Array($0.utf8) }

    /// A seed, mutated three times in four (the rest exercise each seed shape unmutated).
    static func input(_ rng: inout SeededGenerator) -> [UInt8] {
        let original = Array(Self.seeds[Int(rng.nextBounded(UInt64(Self.seeds.count)))].utf8)
        return rng.nextBounded(4) == 0 ? original : Self.mutate(original, &rng)
    }

    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0...Int(rng.nextBounded(3)) {
            let at = bytes.isEmpty ? 0 : Int(rng.nextBounded(UInt64(bytes.count)))
            switch rng.nextBounded(4) {
            case 0 where !bytes.isEmpty: bytes.remove(at: at)
            case 1 where !bytes.isEmpty: bytes[at] = Self.tokens[Int(rng.nextBounded(UInt64(Self.tokens.count)))].first ?? 0x2C
            default: bytes.insert(contentsOf: Self.tokens[Int(rng.nextBounded(UInt64(Self.tokens.count)))], at: at)
            }
        }
        return bytes
    }

    @Test func whateverTheFastPathAcceptsTheGeneralLoaderReadsTheSame() throws {
        let seed = ProcessInfo.processInfo.environment["TRAINER_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_128
        var rng = SeededGenerator(seed: seed)
        var accepted = 0, compared = 0
        for iteration in 0..<Self.iterations {
            let bytes = Self.input(&rng)
            let kind = [ModelKind.linear, .logistic, .softmax][Int(rng.nextBounded(3))]
            let policy = MissingValuePolicy.allCases[Int(rng.nextBounded(UInt64(MissingValuePolicy.allCases.count)))]
            let features: [String]? = rng.nextBounded(3) == 0 ? ["a"] : nil
            let fast = bytes.withUnsafeBufferPointer {
                FastNumericCSV.table(bytes: $0, target: "y", features: features, kind: kind, missing: policy)?
                    .loaded(target: "y", sourcePath: "f.csv", policy: policy)
            }
            compared += 1
            guard let fast else { continue }
            accepted += 1
            let context = "iteration \(iteration), \(kind), \(policy): \(String(decoding: bytes, as: UTF8.self).debugDescription)"
            let general: LoadedDataset
            do {
                general = try DatasetLoader.load(
                    contents: bytes, sourcePath: "f.csv", target: "y", features: features, kind: kind, missing: policy)
            } catch {
                Issue.record("the fast path accepted what the general loader rejects (\(error)); \(context)")
                continue
            }
            #expect(fast.dataset.features.values.map(\.bitPattern) == general.dataset.features.values.map(\.bitPattern), "\(context)")
            #expect(fast.dataset.features.columns == general.dataset.features.columns, "\(context)")
            #expect(fast.dataset.targets.map(\.bitPattern) == general.dataset.targets.map(\.bitPattern), "\(context)")
            #expect(fast.dataset.classes == general.dataset.classes, "\(context)")
            #expect(fast.dataset.featureNames == general.dataset.featureNames, "\(context)")
            #expect(fast.missing == general.missing, "\(context)")
        }
        #expect(accepted > compared / 5, "the fast path accepted \(accepted) of \(compared) inputs")
        if ProcessInfo.processInfo.environment["TRAINER_FUZZ_ITERATIONS"] != nil {
            print("fast path accepted \(accepted) of \(compared) inputs")
        }
    }

    /// The same for files read to predict or evaluate (`ModelInput`): rows, targets and line
    /// numbers, with and without a model's imputation means.
    @Test func whateverTheFastPathAcceptsModelInputReadsTheSame() throws {
        var rng = SeededGenerator(seed: 20_261_129)
        var accepted = 0, compared = 0
        for iteration in 0..<(Self.iterations / 2) {
            let bytes = Self.input(&rng)
            let kind = [ModelKind.linear, .logistic, .softmax][Int(rng.nextBounded(3))]
            let features = rng.nextBounded(3) == 0 ? ["b"] : ["a", "b"]
            let means: [Double]? = rng.nextBounded(2) == 0 ? features.map { _ in 0.5 } : nil
            // Softmax: text classes, or integer classes (labels then match as integers).
            let softmaxClasses = rng.nextBounded(2) == 0 ? ["bird", "cat", "dog"] : ["0", "1", "2"]
            let classes: [String]? = kind == .logistic ? ["0", "1"] : (kind == .softmax ? softmaxClasses : nil)
            let model = SavedModel(
                kind: kind, features: features, target: "y", classes: classes,
                parameters: [Double](repeating: 0.1, count: (features.count + 1) * (classes.map { $0.count > 2 ? $0.count : 1 } ?? 1)), fitsBias: true,
                standardizer: .identity(featureCount: features.count), imputationMeans: means)
            let requireTarget = rng.nextBounded(2) == 0
            let fast = bytes.withUnsafeBufferPointer { ModelInput.fastRead(bytes: $0, model: model, requireTarget: requireTarget) }
            compared += 1
            guard let fast else { continue }
            accepted += 1
            let context = "iteration \(iteration), \(kind), target \(requireTarget), means \(means != nil): \(String(decoding: bytes, as: UTF8.self).debugDescription)"
            let general: ModelInput
            do {
                general = try ModelInput.read(contents: bytes, file: "f.csv", model: model, requireTarget: requireTarget)
            } catch {
                Issue.record("the fast path accepted what the general reader rejects (\(error)); \(context)")
                continue
            }
            #expect(fast.features.values.map(\.bitPattern) == general.features.values.map(\.bitPattern), "\(context)")
            #expect(fast.targets?.map(\.bitPattern) == general.targets?.map(\.bitPattern), "\(context)")
            #expect(fast.lines == general.lines, "\(context)")
        }
        #expect(accepted > compared / 5, "the fast path accepted \(accepted) of \(compared) inputs")
    }
}
