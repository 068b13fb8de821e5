import Foundation
import Testing
@testable import TrainerCore

/// `metrics.csv` and `epochs.csv` are written by `MetricsWriter`'s thread: the files must hold
/// exactly the rows `csvRow` formats, in order, every finished epoch must reach them without
/// further calls, a checkpoint must find its rows on disk, and a failed write must be reported.
struct MetricsWriterTests {
    static func scratch() throws -> RunDirectory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return RunDirectory(path: url.path)
    }

    /// A step row whose values vary from row to row in several ways (changing learning rates,
    /// clipped steps, NaN).
    static func step(_ n: Int, epoch: Int) -> StepRecord {
        let x = Double(n)
        let clipped = n % 3 == 0
        return StepRecord(
            step: n, epoch: epoch, lr: 0.01 * Double(1 + n / 5), loss: 1 / x, examples: 100, gradNorm: x.squareRoot(),
            clippedGradNorm: clipped ? 1 : x.squareRoot(), clipCoefficient: clipped ? 1 / x.squareRoot() : 1,
            gradNormWeights: n % 4 == 0 ? x.squareRoot() : x / 3, gradNormBias: n % 7 == 0 ? .nan : 0,
            updateNorm: 0.01 / x, weightNorm: x * 0.1, skipped: n % 97 == 0)
    }

    static func epoch(_ n: Int, step: Int) -> EpochRecord {
        EpochRecord(epoch: n, step: step, trainLoss: 1 / Double(n), valLoss: .nan, trainMetric: Double(n) / 7, valMetric: .nan)
    }

    static func text(_ directory: RunDirectory, _ name: String) throws -> String {
        try String(contentsOfFile: directory.file(name), encoding: .utf8)
    }

    static func expected(header: String, rows: [String]) -> String {
        ([header] + rows).joined(separator: "\n") + "\n"
    }

    /// Epochs of 1 to 7 steps, one of 5000 (more than the ring holds, so the loop waits for the
    /// writer), and pauses long enough for the writer to fall asleep between some of them.
    @Test func theFilesHoldEveryRowInOrderByteForByte() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let log = try MetricsLog(directory: directory, kind: .linear, logEvery: 1)
        log.prepare(plannedSteps: 6000, epochs: 300)
        var stepRows: [String] = [], epochRows: [String] = []
        var n = 0
        for e in 1...300 {
            let length = e == 150 ? 5000 : 1 + e % 7
            for _ in 0..<length {
                n += 1
                let record = Self.step(n, epoch: e)
                log.trainerDidStep(record)
                stepRows.append(record.csvRow)
            }
            let record = Self.epoch(e, step: n)
            log.trainerDidFinishEpoch(record)
            epochRows.append(record.csvRow)
            if e % 50 == 0 { Thread.sleep(forTimeInterval: 0.002) }
        }
        log.finish()
        #expect(log.writeFailure == nil)
        #expect(try Self.text(directory, "metrics.csv") == Self.expected(header: StepRecord.csvHeader, rows: stepRows))
        #expect(try Self.text(directory, "epochs.csv") == Self.expected(header: EpochRecord.csvHeader(for: .linear), rows: epochRows))
        #expect(log.stepRecords.count == n)
        #expect(log.epochRecords.count == 300)

        // The TensorBoard events, streamed alongside: what the whole-file encoder gives for the
        // same rows, except that each batch is stamped when it was written.
        let events = try #require(try Self.eventFile(directory))
        let written = try #require(Self.eventsWithoutWallTimes(events.bytes))
        let expected = try #require(Self.eventsWithoutWallTimes(
            TensorBoardEvents.contents(steps: log.stepRecords, epochs: log.epochRecords, wallTime: 0)))
        #expect(written.events == expected.events)
        #expect(written.times == written.times.sorted())
        #expect(written.times.allSatisfy { abs($0 - Date().timeIntervalSince1970) < 600 })
    }

    /// The run folder's one event file, as bytes.
    static func eventFile(_ directory: RunDirectory) throws -> (name: String, bytes: [UInt8])? {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(TensorBoardEvents.fileNamePrefix) }
        guard names.count == 1 else { return nil }
        return (names[0], try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file(names[0])))))
    }

    /// The file's records (CRCs checked) with each event's leading `wall_time` field (tag 1,
    /// 64-bit, the first 9 bytes as `ProtobufWriter` writes it) taken off, and those times.
    static func eventsWithoutWallTimes(_ bytes: [UInt8]) -> (events: [[UInt8]], times: [Double])? {
        guard let records = TensorBoardEventTests.records(bytes) else { return nil }
        var events: [[UInt8]] = [], times: [Double] = []
        for record in records {
            guard record.count >= 9, record[0] == 0x09 else { return nil }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(record[1 + i]) << (8 * UInt64(i)) }
            times.append(Double(bitPattern: bits))
            events.append(Array(record[9...]))
        }
        return (events, times)
    }

    /// The run-folder contract: a finished epoch is in the files right after it, without
    /// waiting for the next epoch, a checkpoint or the end of training.
    @Test func aFinishedEpochReachesTheFilesWithoutAnotherCall() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let log = try MetricsLog(directory: directory, kind: .logistic, logEvery: 1)
        defer { log.finish() }
        for e in 1...2 {
            // Let the writer fall asleep first: the epoch's hand-off must wake it.
            Thread.sleep(forTimeInterval: 0.01)
            for s in 1...3 { log.trainerDidStep(Self.step((e - 1) * 3 + s, epoch: e)) }
            log.trainerDidFinishEpoch(Self.epoch(e, step: e * 3))
            let deadline = Date().addingTimeInterval(10)
            var lines = (metrics: 0, epochs: 0)
            while Date() < deadline {
                lines = try (Self.text(directory, "metrics.csv").split(separator: "\n").count,
                             Self.text(directory, "epochs.csv").split(separator: "\n").count)
                if lines == (1 + 3 * e, 1 + e) { break }
                Thread.sleep(forTimeInterval: 0.001)
            }
            #expect(lines.metrics == 1 + 3 * e)
            #expect(lines.epochs == 1 + e)
        }
    }

    /// What `trainer resume` relies on: once `flushForCheckpoint` returns, the rows it counts
    /// are in the files (and a not-yet-due step between `log_every` rows is not).
    @Test func aCheckpointFindsTheRowsItCountsOnDisk() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let log = try MetricsLog(directory: directory, kind: .softmax, logEvery: 4)
        defer { log.finish() }
        for s in 1...10 { log.trainerDidStep(Self.step(s, epoch: 1)) }
        let position = log.flushForCheckpoint()
        #expect(position.metricsRows == 3)  // steps 1, 4 and 8
        #expect(position.lastLoggedStep == 8)
        #expect(position.epochRows == 0)
        let lines = try Self.text(directory, "metrics.csv").split(separator: "\n")
        #expect(lines.count == 1 + position.metricsRows)
        #expect(lines.last.map(String.init) == Self.step(8, epoch: 1).csvRow)
    }

    /// A full disk ends in a reported error, not a crash or a hang; the rows stay in memory.
    @Test func aFailedWriteIsReported() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let other = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let writer = MetricsWriter(metrics: full, metricsPath: "metrics.csv", epochs: other, epochsPath: "epochs.csv")
        for s in 1...5000 { writer.enqueue(Self.step(s, epoch: 1)) }
        writer.enqueue(Self.epoch(1, step: 5000))
        writer.finish()
        guard case .cannotWrite(let path, let reason)? = writer.failure else {
            Issue.record("expected a write failure, got \(String(describing: writer.failure))")
            return
        }
        #expect(path == "metrics.csv")
        #expect(reason.contains("No space left on device"), "\(reason)")
    }

    /// `prepare` only makes room: rows already read back (a resumed run) stay as they were.
    @Test func prepareKeepsTheRowsItFinds() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let log = try MetricsLog(directory: directory, kind: .linear, logEvery: 1)
        defer { log.finish() }
        for s in 1...3 { log.trainerDidStep(Self.step(s, epoch: 1)) }
        log.trainerDidFinishEpoch(Self.epoch(1, step: 3))
        log.prepare(plannedSteps: 1000, epochs: 1000)
        #expect(log.stepRecords == (1...3).map { Self.step($0, epoch: 1) })
        #expect(log.epochRecords.map(\.csvRow) == [Self.epoch(1, step: 3).csvRow])  // NaN ≠ NaN
        #expect(log.stepRecords.capacity >= 1000)
        #expect(log.epochRecords.capacity >= 1000)
    }
}
