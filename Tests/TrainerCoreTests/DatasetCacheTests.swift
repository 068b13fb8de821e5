import Foundation
import Testing
@testable import TrainerCore

/// The binary dataset cache: hits return exactly what parsing returns, and any change to the
/// source file (or to what is selected from it) is a miss.
struct DatasetCacheTests {
    /// A fresh folder with a CSV file and a cache directory inside it.
    static func scratch() throws -> (folder: String, csv: String, cache: DatasetCache) {
        let folder = NSTemporaryDirectory() + "trainer-cache-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (folder, folder + "/data.csv", DatasetCache(directory: folder + "/cache", minimumFileSize: 0))
    }

    /// Loads through `cache`, counting how often the CSV had to be parsed.
    static func load(_ cache: DatasetCache, _ path: String, target: String = "y", kind: ModelKind = .linear, parses: inout Int) throws -> Dataset {
        var count = 0
        let dataset = try cache.load(path: path, selection: "target=\(target) kind=\(kind)") { () throws(DataError) in
            count += 1
            return try DatasetLoader.load(contents: FileBytes.contents(ofFile: path), sourcePath: path, target: target, features: nil, kind: kind)
        }
        parses += count
        return dataset
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    @Test func secondLoadIsAHitWithIdenticalContents() throws {
        let (folder, csv, cache) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("a,b,y\n0.1,2.5e-300,3\n-4.000000000000001,5,6\n", to: csv)
        var parses = 0
        let first = try Self.load(cache, csv, parses: &parses)
        let second = try Self.load(cache, csv, parses: &parses)
        #expect(parses == 1)
        #expect(second.features.values.map(\.bitPattern) == first.features.values.map(\.bitPattern))
        #expect(second.targets == first.targets)
        #expect(second.featureNames == first.featureNames && second.targetName == first.targetName)
        #expect(second.classes == nil && second.sourcePath == csv)
    }

    @Test func classifierLabelsSurviveTheCache() throws {
        let (folder, csv, cache) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("x,label\n1,cat\n2,dog\n3,émeu\n", to: csv)
        var parses = 0
        let first = try Self.load(cache, csv, target: "label", kind: .softmax, parses: &parses)
        let second = try Self.load(cache, csv, target: "label", kind: .softmax, parses: &parses)
        #expect(parses == 1)
        #expect(second.classes == first.classes && second.targets == first.targets)
    }

    /// A clean file gives the same dataset under every missing-value policy, so `drop_row` and
    /// `impute_mean` runs share the default policy's cache entry (and fast path); a file with an
    /// empty field has an entry of its own under each policy, with the counts it reports.
    @Test func missingValuePoliciesUseTheCacheForFilesWithoutEmptyFields() throws {
        let (folder, csv, cache) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func entries() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: folder + "/cache"))?.count ?? 0 }
        func load(_ policy: MissingValuePolicy) throws -> LoadedDataset {
            try DatasetLoader.load(path: csv, target: "y", features: nil, kind: .linear, missing: policy, cache: cache)
        }
        try Self.write("a,b,y\n1,2.5,3\n4,5,6\n", to: csv)
        let dropped = try load(.dropRow)
        #expect(entries() == 1, "the drop_row load went through the cache")
        #expect(dropped.missing == MissingValueReport(policy: .dropRow))
        let plain = try load(.error)
        #expect(entries() == 1)
        #expect(plain.dataset.features.values == dropped.dataset.features.values && plain.dataset.targets == dropped.dataset.targets)
        let imputed = try load(.imputeMean)
        #expect(imputed.missing == MissingValueReport(policy: .imputeMean))
        #expect(imputed.dataset.features.values == [1, 2.5, 4, 5])

        try FileManager.default.removeItem(atPath: folder + "/cache")
        try Self.write("a,b,y\n1,,3\n4,5,6\n7,,9\n", to: csv)
        func entryInode() throws -> Int? {
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/cache").first)
            return try FileManager.default.attributesOfItem(atPath: folder + "/cache/" + name)[.systemFileNumber] as? Int
        }
        // drop_row with empty fields: an entry of its own, which stores the report's counts.
        let withEmpty = try load(.dropRow)
        #expect(entries() == 1)
        let dropEntry = try entryInode()
        let again = try load(.dropRow)
        #expect(try entryInode() == dropEntry, "the second load read the entry (a parse would have rewritten it)")
        for loaded in [withEmpty, again] {
            #expect(loaded.missing == MissingValueReport(policy: .dropRow, missingValues: 2, droppedRows: 2))
            #expect(loaded.dataset.features.values == [4, 5] && loaded.dataset.targets == [6])
        }
        let error = try #require(throws: DataError.self) { try load(.error) }
        #expect(error.line == 2)
        // impute_mean with empty fields: an entry of its own, whose NaNs give the count back.
        try FileManager.default.removeItem(atPath: folder + "/cache")
        let first = try load(.imputeMean)
        #expect(entries() == 1)
        let written = try entryInode()
        let second = try load(.imputeMean)
        #expect(entries() == 1)
        #expect(try entryInode() == written, "the second load read the entry (a parse would have rewritten it)")
        for loaded in [first, second] {
            #expect(loaded.missing == MissingValueReport(policy: .imputeMean, missingValues: 2))
            #expect(loaded.dataset.features.values.map(\.isNaN) == [false, true, false, false, false, true])
        }
        #expect(throws: DataError.self) { try load(.error) }
    }

    @Test func anyChangeToTheFileInvalidates() throws {
        let (folder, csv, cache) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("a,y\n1,2\n3,4\n", to: csv)
        var parses = 0
        _ = try Self.load(cache, csv, parses: &parses)
        // Same size, new content, and the old modification time put back: the content probe
        // still notices.
        let attributes = try FileManager.default.attributesOfItem(atPath: csv)
        try Self.write("a,y\n1,2\n3,5\n", to: csv)
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: csv)
        let changed = try Self.load(cache, csv, parses: &parses)
        #expect(parses == 2)
        #expect(changed.targets == [2, 5])
        // Appending changes the size.
        try Self.write("a,y\n1,2\n3,5\n7,8\n", to: csv)
        let grown = try Self.load(cache, csv, parses: &parses)
        #expect(parses == 3 && grown.targets == [2, 5, 8])
        // Unchanged again: a hit.
        _ = try Self.load(cache, csv, parses: &parses)
        #expect(parses == 3)
    }

    @Test func aDifferentSelectionIsADifferentEntry() throws {
        let (folder, csv, cache) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("a,b,y\n1,0,0\n3,1,1\n", to: csv)
        var parses = 0
        let linear = try Self.load(cache, csv, target: "y", parses: &parses)
        let other = try Self.load(cache, csv, target: "a", parses: &parses)
        let logistic = try Self.load(cache, csv, target: "y", kind: .logistic, parses: &parses)
        #expect(parses == 3)
        #expect(linear.targets == [0, 1] && other.targets == [1, 3] && logistic.classes == ["0", "1"])
    }

    @Test func corruptOrTruncatedEntriesAreMissesNotCrashes() throws {
        let (folder, csv, cache) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("a,y\n1,2\n3,4\n", to: csv)
        var parses = 0
        _ = try Self.load(cache, csv, parses: &parses)
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder + "/cache")
        #expect(entries.count == 1)
        let entry = folder + "/cache/" + entries[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: entry))
        for cut in [0, 5, 20, bytes.count - 8, bytes.count - 1] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: entry))
            let reloaded = try Self.load(cache, csv, parses: &parses)
            #expect(reloaded.targets == [2, 4])
        }
        var garbage = bytes
        garbage[9] ^= 0xFF  // inside the key length
        try garbage.write(to: URL(fileURLWithPath: entry))
        #expect(try Self.load(cache, csv, parses: &parses).targets == [2, 4])
        #expect(parses == 7)
    }

    @Test func smallFilesAndDisabledCachesParseDirectly() throws {
        let (folder, csv, _) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.write("a,y\n1,2\n", to: csv)
        var parses = 0
        let small = DatasetCache(directory: folder + "/cache", minimumFileSize: 1 << 20)
        _ = try Self.load(small, csv, parses: &parses)
        _ = try Self.load(small, csv, parses: &parses)
        let off = DatasetCache(directory: nil, minimumFileSize: 0)
        _ = try Self.load(off, csv, parses: &parses)
        #expect(parses == 3)
        #expect(!FileManager.default.fileExists(atPath: folder + "/cache"))
        // An unwritable cache folder only costs the write.
        let blocked = DatasetCache(directory: csv + "/not-a-folder", minimumFileSize: 0)
        #expect(try Self.load(blocked, csv, parses: &parses).targets == [2])
        // A missing file is still the loader's error.
        #expect(throws: DataError.self) { try Self.load(off, folder + "/missing.csv", parses: &parses) }
        #expect(throws: DataError.self) { try Self.load(small, folder + "/missing.csv", parses: &parses) }
    }
    /// Matrices of 16 MB and more are read back in pieces on every core: every piece lands in
    /// its place (each value is distinct, so a piece read at the wrong offset shows), and an
    /// entry cut short is still a miss.
    @Test func largeEntriesAreReadBackInPiecesBitForBit() throws {
        let (folder, csv, cache) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = 66_000, columns = 32  // 2,112,000 values: 16.9 MB, eight or more pieces
        var text = (0..<columns).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        text.reserveCapacity(rows * columns * 9)
        for r in 0..<rows {
            for c in 0..<columns { text += String(r * columns + c) + (c % 3 == 0 ? ".5," : ",") }
            text += String(r) + "\n"
        }
        try Self.write(text, to: csv)
        var parses = 0
        let first = try Self.load(cache, csv, parses: &parses)
        let second = try Self.load(cache, csv, parses: &parses)
        #expect(parses == 1)
        #expect(second.features.values.count == rows * columns)
        // Compared outside #expect, which would print both 2-million-value arrays on failure.
        let sameBits = second.features.values.map(\.bitPattern) == first.features.values.map(\.bitPattern)
        #expect(sameBits)
        #expect(second.features.values[rows * columns - 1] == Double(rows * columns - 1))
        let sameTargets = second.targets == first.targets
        #expect(sameTargets)
        // Read back without the huge-page advice (data that is only copied or solved): same bits.
        var plain = cache
        plain.hugePages = false
        let third = try Self.load(plain, csv, parses: &parses)
        let samePlainBits = third.features.values.map(\.bitPattern) == first.features.values.map(\.bitPattern)
        #expect(samePlainBits && parses == 1)

        let entries = try FileManager.default.contentsOfDirectory(atPath: folder + "/cache")
        let entry = URL(fileURLWithPath: folder + "/cache/" + entries[0])
        let bytes = try Data(contentsOf: entry)
        try bytes.prefix(bytes.count - 8).write(to: entry)
        let reparsed = try Self.load(cache, csv, parses: &parses)
        #expect(reparsed.features.values.count == rows * columns)
        #expect(parses == 2)
    }

    @Test func parallelReadsMatchOneReadAndFailPastTheEnd() throws {
        let (folder, path, _) = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let words = (0..<(5 << 20)).map { UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) }  // 20 MiB
        try words.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let count = 4 * words.count - 12
        var buffer = [UInt8](repeating: 0, count: count)
        let read = buffer.withUnsafeMutableBytes { DatasetCache.readInParallel(fd, $0.baseAddress!, count, offset: 12) }
        #expect(read)
        let expected = words.withUnsafeBytes { Array($0[12...]) }
        let same = buffer == expected
        #expect(same)
        let pastTheEnd = buffer.withUnsafeMutableBytes { DatasetCache.readInParallel(fd, $0.baseAddress!, count, offset: 16) }
        #expect(!pastTheEnd)
    }
}
