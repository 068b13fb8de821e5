import Foundation

/// Streams `metrics.csv`, `epochs.csv` and the TensorBoard event file while training runs.
///
/// The training thread only copies each logged row into a ring; `MetricsWriter`'s thread
/// formats the rows and appends them to the files. Every epoch's rows are handed over at the end
/// of the epoch (and at least every `publishEvery` step rows) and reach the files right after
/// it — within microseconds when the writer has a core, and in any case before a checkpoint is
/// written and before training ends — so a run that is killed leaves complete rows up to
/// (about) its last finished epoch, and never a partial line: each `write` holds whole lines, and
/// an epoch row is never written before the step rows it summarises. A checkpoint waits until
/// every row handed over is in the files, so `trainer resume` finds every row the checkpoint
/// counts; `finish` waits too, so the files are complete (and byte for byte what the rows
/// format to) when training ends.
///
/// Why a thread: formatting a step row (11 shortest-round-trip doubles) and the two `write`
/// calls per epoch cost ~0.5 µs per row and ~2.5 µs per epoch on the loop thread; for exercise 5
/// (1000 one-step epochs) that was ~80 % of the loop. Measured (release, 2-core VM,
/// `trainer run configs/exercise5.json --quiet`, `timing.loop_seconds`, runs alternated with the
/// previous build): 5.0 ms before (4.9–5.5); 0.72 ms after when the writer thread finds the
/// second core free. When another process keeps that core busy the writer's formatting
/// (~0.6–0.8 ms of CPU for the 2000 rows) lands in the loop's time too: ~1.5 ms, against 5–6 ms
/// for the previous build under the same load. The loop itself (no logging at all) is ~0.7 ms,
/// more than half of it the objective's two small `gemv`s.
public final class MetricsLog: TrainingObserver {
    /// Step rows handed to the writer at once when an epoch is long (half its ring).
    static let publishEvery = MetricsWriter.stepCapacity / 2

    private let writer: MetricsWriter
    private let logEvery: Int
    private var lastWritten: Int = 0
    private var pending: StepRecord?
    /// Every epoch row, kept for the summary and charts.
    public private(set) var epochRecords: [EpochRecord] = []
    /// The step rows that were written (every `log_every`-th plus the last of each epoch).
    public private(set) var stepRecords: [StepRecord] = []

    /// The first failure to append to `metrics.csv` or `epochs.csv`, known after
    /// `flushForCheckpoint` or `finish`; later rows were not written.
    public var writeFailure: RunFolderError? { writer.failure }

    /// Whether appending to a file has failed (cheap enough to poll every step; the training
    /// loop stops then, see `RunSupervisor`).
    public var hasWriteFailure: Bool { writer.hasFailed }

    /// Creates both files with their headers, and the TensorBoard event file with its version
    /// record (`TensorBoardEvents`).
    public init(directory: RunDirectory, kind: ModelKind, logEvery: Int, now: Date = Date()) throws(RunFolderError) {
        self.logEvery = max(logEvery, 1)
        let metricsPath = directory.file("metrics.csv"), epochsPath = directory.file("epochs.csv")
        let metrics = try Self.open(metricsPath, header: StepRecord.csvHeader)
        let epochs = try Self.open(epochsPath, header: EpochRecord.csvHeader(for: kind))
        let eventsPath = try TensorBoardEvents.write(steps: [], epochs: [], into: directory, now: now)
        writer = MetricsWriter(
            metrics: metrics, metricsPath: metricsPath, epochs: epochs, epochsPath: epochsPath,
            events: (try Self.append(eventsPath), eventsPath))
    }

    deinit { writer.finish() }

    /// Call right before training starts: makes room for the rows a run of `plannedSteps` steps
    /// in `epochs` epochs logs (up to `maximumReservedRows` each), so appending them in the loop
    /// neither reallocates nor page-faults, and wakes the writer thread so it is ready for the
    /// first epoch.
    ///
    /// Why: growing the two arrays inside the loop copied them at every doubling and touched
    /// fresh pages (~0.25 µs per 4 KB page); for exercise 5's 1000 rows that was ~0.1 ms of its
    /// loop. The placeholders appended and removed here touch the pages now.
    public func prepare(plannedSteps: Int, epochs: Int) {
        let stepRows = min(plannedSteps, plannedSteps / logEvery + epochs + 1, Self.maximumReservedRows)
        Self.reserve(&stepRecords, total: stepRows, filler: .zero)
        Self.reserve(&epochRecords, total: min(epochs, Self.maximumReservedRows), filler: .zero)
        writer.wakeIfSleeping()
    }

    /// Rows `prepare` makes room for at most, per file (7 MB of step rows).
    static let maximumReservedRows = 1 << 16

    /// Grows the capacity of `rows` to `total` and touches it, keeping the contents.
    private static func reserve<Row>(_ rows: inout [Row], total: Int, filler: Row) {
        let kept = rows.count
        guard total > kept else { return }
        rows.reserveCapacity(total)
        rows.append(contentsOf: repeatElement(filler, count: total - kept))
        rows.removeLast(total - kept)
    }

    /// Reopens the files of an interrupted run for `trainer resume`: each is cut back to its
    /// header plus the rows the checkpoint counted (rows written after it, e.g. before a
    /// `kill -9`, are dropped), the kept rows are read back, and new rows are appended.
    public init(
        resuming directory: RunDirectory, kind: ModelKind, logEvery: Int, checkpoint: TrainingCheckpoint, now: Date = Date()
    ) throws(RunFolderError) {
        self.logEvery = max(logEvery, 1)
        let metricsLines = try Self.cut(directory.file("metrics.csv"), header: StepRecord.csvHeader, rows: checkpoint.metricsRows)
        let epochLines = try Self.cut(directory.file("epochs.csv"), header: EpochRecord.csvHeader(for: kind), rows: checkpoint.epochRows)
        for line in metricsLines {
            guard let record = StepRecord(csvRow: line) else {
                throw .unreadable(path: directory.file("metrics.csv"), reason: "malformed row \"\(line.prefix(80))\"")
            }
            stepRecords.append(record)
        }
        for line in epochLines {
            guard let record = EpochRecord(csvRow: line) else {
                throw .unreadable(path: directory.file("epochs.csv"), reason: "malformed row \"\(line.prefix(80))\"")
            }
            epochRecords.append(record)
        }
        lastWritten = stepRecords.last?.step ?? 0
        guard lastWritten == checkpoint.lastLoggedStep else {
            throw .unreadable(
                path: directory.file("metrics.csv"),
                reason: "its last kept row is step \(lastWritten), the checkpoint expects step \(checkpoint.lastLoggedStep)")
        }
        let metricsPath = directory.file("metrics.csv"), epochsPath = directory.file("epochs.csv")
        let metrics = try Self.append(metricsPath)
        let epochs = try Self.append(epochsPath)
        // The event file may hold events past the checkpoint: it is replaced by one holding the
        // kept rows' events (stamped now; their original times are not in the CSV files), which
        // the resumed run then appends to.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasPrefix(TensorBoardEvents.fileNamePrefix) {
            unlink(directory.file(name))
        }
        let eventsPath = try TensorBoardEvents.write(steps: stepRecords, epochs: epochRecords, into: directory, now: now)
        writer = MetricsWriter(
            metrics: metrics, metricsPath: metricsPath, epochs: epochs, epochsPath: epochsPath,
            events: (try Self.append(eventsPath), eventsPath))
    }

    /// Rewrites `path` (atomically) as its header plus its first `rows` data rows and returns
    /// those rows. Fewer rows than `rows`, or a different header, means the file is not the one
    /// the checkpoint was taken with.
    static func cut(_ path: String, header: String, rows: Int) throws(RunFolderError) -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        // A kill can leave a partial last line only if a write was cut short; only complete
        // lines (ending in a newline) count.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true || !text.hasSuffix("\n") { lines.removeLast() }
        guard lines.first == Substring(header) else {
            throw .unreadable(path: path, reason: "unexpected header, not a file this version of trainer wrote")
        }
        let kept = lines.dropFirst().prefix(rows)
        guard kept.count == rows else {
            throw .unreadable(path: path, reason: "has \(lines.count - 1) rows, the checkpoint expects at least \(rows)")
        }
        try AtomicFile.write(([Substring(header)] + kept).joined(separator: "\n") + "\n", to: path)
        return Array(kept)
    }

    static func append(_ path: String) throws(RunFolderError) -> FileHandle {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw .cannotWrite(path: path, reason: "could not open the file for appending")
        }
        handle.seekToEndOfFile()
        return handle
    }

    /// Waits until every row handed over is in the files (not a pending, not-yet-due step: an
    /// uninterrupted run would not write it either) and returns how many data rows each file
    /// holds and the last step logged, for the checkpoint.
    public func flushForCheckpoint() -> (metricsRows: Int, lastLoggedStep: Int, epochRows: Int) {
        writer.drain()
        return (stepRecords.count, lastWritten, epochRecords.count)
    }

    static func open(_ path: String, header: String) throws(RunFolderError) -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: Data((header + "\n").utf8)),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw .cannotWrite(path: path, reason: "could not create the file")
        }
        handle.seekToEndOfFile()
        return handle
    }

    public func trainerDidStep(_ record: StepRecord) {
        if record.step % logEvery == 0 || record.step == 1 || record.skipped {
            append(record)
        } else {
            pending = record
        }
    }

    public func trainerDidFinishEpoch(_ record: EpochRecord) {
        flushPendingStep()
        epochRecords.append(record)
        writer.enqueue(record)
        writer.publish()
    }

    /// Writes every remaining row, waits until they are in the files and closes them; call when
    /// training ends for any reason. Rows logged afterwards are kept in memory only.
    public func finish() {
        flushPendingStep()
        writer.finish()
    }

    private func append(_ record: StepRecord) {
        pending = nil
        guard record.step > lastWritten else { return }
        lastWritten = record.step
        stepRecords.append(record)
        writer.enqueue(record)
        if writer.unpublishedSteps >= Self.publishEvery { writer.publish() }
    }

    /// The last step of an epoch (or of the run) is always logged, even between `log_every` rows.
    private func flushPendingStep() {
        if let record = pending { append(record) }
    }
}
