import Foundation
import Testing
@testable import TrainerCore

/// Loading a plain numeric file maps it (`MappedFile`) instead of reading it: the result must be
/// the one reading gives, anything a mapping cannot serve must still be read, and a file cut
/// short while mapped must end in a data error rather than a bus error.
struct MappedFileTests {
    static func scratchFile(_ contents: String) throws -> (folder: String, path: String) {
        let folder = NSTemporaryDirectory() + "trainer-mapped-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/data.csv"
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        return (folder, path)
    }

    @Test func mapsExactlyTheFileBytes() throws {
        let text = DatasetCacheFastCSVTests.bigText(rows: 300)
        let (folder, path) = try Self.scratchFile(text)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mapped = try #require(MappedFile(path: path))
        #expect(Array(mapped.bytes) == Array(text.utf8))
        #expect(mapped.path == path)
    }

    @Test func whatCannotBeMappedIsLeftToReading() throws {
        let (folder, path) = try Self.scratchFile("")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(MappedFile(path: path) == nil)            // empty: mmap refuses length 0
        #expect(MappedFile(path: folder) == nil)          // a folder
        #expect(MappedFile(path: folder + "/missing.csv") == nil)
        // Reading then reports what is wrong, as before.
        #expect(throws: DataError.self) { try DatasetLoader.load(path: folder + "/missing.csv", target: "y", features: nil, kind: .linear) }
        #expect(throws: DataError.self) { try DatasetLoader.load(path: path, target: "y", features: nil, kind: .linear) }
    }

    /// Through the public loader (mapping, parallel chunks) and from bytes in memory (general
    /// loader): the same bits, for files smaller and larger than the number of chunks.
    @Test(arguments: [1, 2, 15, 17, 5_003])
    func loadingByPathMatchesLoadingTheBytes(rows: Int) throws {
        let text = DatasetCacheFastCSVTests.bigText(rows: rows)
        let (folder, path) = try Self.scratchFile(text)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mapped = try DatasetLoader.load(path: path, target: "y", features: nil, kind: .linear)
        let read = try DatasetCacheFastCSVTests.generalLoad(text)
        DatasetCacheFastCSVTests.expectSame(mapped, read)
        #expect(mapped.features.rows == rows)
        let file = try #require(MappedFile(path: path))
        let fast = try #require(FastNumericCSV.table(bytes: file.bytes, target: "y", features: nil, kind: .linear)?
            .loaded(target: "y", sourcePath: "t.csv", policy: .error)?.dataset)
        DatasetCacheFastCSVTests.expectSame(fast, read)
    }

    /// The one hazard of a mapping: another process truncates the file while it is read. The
    /// process must end with the data-error code and say which file, not die of SIGBUS.
    @Test func aFileTruncatedWhileMappedEndsInADataError() async {
        await #expect(processExitsWith: .exitCode(FileTruncationGuard.exitCode), observing: [\.standardErrorContent]) {
            let folder = NSTemporaryDirectory() + "trainer-truncated-" + UUID().uuidString
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/data.csv"
            try? String(repeating: "1.5,2.5,3.5\n", count: 10_000).write(toFile: path, atomically: false, encoding: .utf8)
            guard let mapped = MappedFile(path: path) else { return }
            truncate(path, 0)
            let sum = FileTruncationGuard.reading(mapped) {
                mapped.bytes.reduce(0) { $0 &+ Int($1) }   // faults on the first lost page
            }
            print(sum)
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("cannot read file: it was truncated while it was being read"))
            #expect(message.contains("/data.csv"))
        }
    }

    /// A SIGBUS outside the guarded mapping is not a truncated data file: the process must die
    /// of the signal as it would without the guard.
    @Test func otherBusErrorsAreNotReportedAsTruncation() async {
        await #expect(processExitsWith: .signal(SIGBUS)) {
            let folder = NSTemporaryDirectory() + "trainer-truncated-" + UUID().uuidString
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let guarded = folder + "/guarded.csv", other = folder + "/other.csv"
            try? "1,2,3\n".write(toFile: guarded, atomically: false, encoding: .utf8)
            try? String(repeating: "x", count: 10_000).write(toFile: other, atomically: false, encoding: .utf8)
            guard let mapped = MappedFile(path: guarded), let unrelated = MappedFile(path: other) else { return }
            truncate(other, 0)
            let sum = FileTruncationGuard.reading(mapped) {
                unrelated.bytes.reduce(0) { $0 &+ Int($1) }
            }
            print(sum)
        }
    }
}
