import Foundation
import Synchronization

/// Formats and appends the rows of `metrics.csv` and `epochs.csv` (and their TensorBoard
/// events) on a thread of its own, so the training loop only copies each row's numbers into a
/// ring buffer.
///
/// Why: with `log_every = 1` and one-step epochs (exercise 5: 1000 full-batch steps on 100 × 3)
/// formatting a row's 11 shortest-round-trip doubles (~0.45 µs) and the two `write` calls per
/// epoch (~2.5 µs) were ~80 % of the loop; see `MetricsLog` for the measured effect.
///
/// The hand-off, one producer (the training thread, through `MetricsLog`) and one consumer (the
/// writer thread):
/// - `enqueue` copies a record into the next slot of a ring; the writer does not look at it yet.
///   `publish` makes every enqueued record visible: it stores the step count (releasing), then
///   the epoch count (sequentially consistent, so it also orders the step count before it). The
///   writer loads the epoch count first (acquiring: the slots and the step count stored before
///   it are visible), then the step count, so it never sees an epoch row without the step rows
///   enqueued before it.
/// - The writer formats the published records, appends the step rows to `metrics.csv`, then the
///   epoch rows to `epochs.csv` (whole lines per `write`, an epoch row never before its steps),
///   and only then stores how many rows of each file are written. A slot is reused only after
///   the writer has counted it as written, so the producer never overwrites a row being read.
/// - Idle, each side spins for up to `spinBeforeSleep` and then blocks on a semaphore. Tiny
///   epochs (exercise 5: one every ~2.5 µs) keep the writer awake, so the loop almost never pays
///   a wake-up (a futex call, several µs in a VM); long epochs pay one wake-up each, small next
///   to the epoch. Every turn of a spin calls `sched_yield`, so a spinning side that shares a
///   core with the other one lets it run: with both threads pinned to one core, exercise 5's
///   loop took 2.1–3.7 ms with a plain spin and 1.5–1.7 ms with the yield.
/// - Blocking without a lost wake-up: `WakeSignal`, one per side; the counts it re-checks are
///   stored sequentially consistent (the last store of each hand-off) before the other side is
///   woken.
///
/// `StepRecord` and `EpochRecord` hold only `Int`, `Double` and `Bool`, so ring slots are plain
/// memory: overwritten in place and never deinitialized.
final class MetricsWriter: @unchecked Sendable {
    /// Step rows the ring holds (230 KB); `MetricsLog` publishes at least every half of it.
    static let stepCapacity = 2048
    /// Epoch rows the ring holds (49 KB).
    static let epochCapacity = 1024
    /// How long an idle side spins before it blocks.
    static let spinBeforeSleep = Duration.microseconds(50)
    /// Formatted text is written out in pieces of about this size, so the buffer stays in the
    /// caches and never grows, however far behind the writer is.
    static let writeChunk = 32 << 10

    private let metrics: FileHandle
    private let epochs: FileHandle
    private let metricsPath: String
    private let epochsPath: String
    /// The TensorBoard event file, when the run has one (`MetricsLog` gives it one).
    private let events: (file: FileHandle, path: String)?
    private let steps: UnsafeMutablePointer<StepRecord>
    private let epochRows: UnsafeMutablePointer<EpochRecord>

    // Written by the producer only.
    private var stepsEnqueued = 0
    private var epochsEnqueued = 0
    private var stepsPublishedHere = 0
    private var stopped = false

    // Producer → writer.
    private let stepsPublished = Atomic<Int>(0)
    private let epochsPublished = Atomic<Int>(0)
    private let stop = Atomic<Bool>(false)
    private let wakeWriter = WakeSignal()

    // Writer → producer.
    private let stepsWritten = Atomic<Int>(0)
    private let epochsWritten = Atomic<Int>(0)
    private let wakeProducer = WakeSignal()
    /// The first failed `write`; set by the writer before it stores the written counts.
    private var writerFailure: RunFolderError?
    /// Set (releasing) right after `writerFailure`, so the loop can poll for a failure every
    /// step without waiting for the writer.
    private let failedFlag = Atomic<Bool>(false)

    /// Starts the writer thread, which appends to `metrics` and `epochs` (opened for writing at
    /// their ends, `metricsPath` and `epochsPath` name them in errors) and each row's
    /// TensorBoard event to `events` if given, and closes them once `finish` was called.
    init(
        metrics: FileHandle, metricsPath: String, epochs: FileHandle, epochsPath: String,
        events: (file: FileHandle, path: String)? = nil
    ) {
        assert(_isPOD(StepRecord.self) && _isPOD(EpochRecord.self), "ring slots are reused without deinitialization")
        self.metrics = metrics
        self.epochs = epochs
        self.metricsPath = metricsPath
        self.epochsPath = epochsPath
        self.events = events
        steps = .allocate(capacity: Self.stepCapacity)
        epochRows = .allocate(capacity: Self.epochCapacity)
        // Touching every page now keeps first-touch page faults (~0.25 µs per 4 KB page, about
        // a tenth of exercise 5's loop when they fell there) out of the training loop.
        steps.initialize(repeating: .zero, count: Self.stepCapacity)
        epochRows.initialize(repeating: .zero, count: Self.epochCapacity)
        let thread = Thread { [self] in writerLoop() }
        thread.name = "trainer metrics writer"
        thread.start()
    }

    deinit {
        steps.deallocate()
        epochRows.deallocate()
    }

    // MARK: Producer side (the training thread)

    /// Step rows enqueued but not yet published.
    var unpublishedSteps: Int { stepsEnqueued - stepsPublishedHere }

    /// The first failure to append to a file, once `drain` or `finish` returned; rows after it
    /// were dropped.
    var failure: RunFolderError? {
        // The writer sets it before it stores the counts `drain` waited for (with acquire
        // ordering), so reading it afterwards is not a race.
        writerFailure
    }

    /// Whether a write has failed; `failure` says which once `drain` or `finish` returned.
    var hasFailed: Bool { failedFlag.load(ordering: .acquiring) }

    /// Copies `record` into the ring; the writer sees it after the next `publish`. Ignored
    /// after `finish`.
    func enqueue(_ record: StepRecord) {
        guard !stopped else { return }
        if stepsEnqueued - stepsWritten.load(ordering: .acquiring) >= Self.stepCapacity {
            // Full: everything enqueued must become visible, or the writer has nothing to free.
            publish()
            waitUntilWritten(steps: stepsEnqueued - Self.stepCapacity + 1, epochs: 0)
        }
        (steps + stepsEnqueued % Self.stepCapacity).initialize(to: record)
        stepsEnqueued += 1
    }

    /// Copies `record` into the ring; the writer sees it after the next `publish`. Ignored
    /// after `finish`.
    func enqueue(_ record: EpochRecord) {
        guard !stopped else { return }
        if epochsEnqueued - epochsWritten.load(ordering: .acquiring) >= Self.epochCapacity {
            publish()
            waitUntilWritten(steps: 0, epochs: epochsEnqueued - Self.epochCapacity + 1)
        }
        (epochRows + epochsEnqueued % Self.epochCapacity).initialize(to: record)
        epochsEnqueued += 1
    }

    /// Hands every enqueued row to the writer, which appends them to the files soon (within
    /// microseconds when it has a core), without waiting for it.
    func publish() {
        guard !stopped else { return }
        stepsPublishedHere = stepsEnqueued
        stepsPublished.store(stepsEnqueued, ordering: .releasing)
        epochsPublished.store(epochsEnqueued, ordering: .sequentiallyConsistent)
        wakeIfSleeping()
    }

    /// Wakes the writer if it is blocked, so it is spinning (and reacts at once) when the first
    /// rows of a run arrive.
    func wakeIfSleeping() {
        wakeWriter.wake()
    }

    /// Publishes and waits until every enqueued row is in the files (checkpoints rely on it).
    func drain() {
        guard !stopped else { return }
        publish()
        waitUntilWritten(steps: stepsEnqueued, epochs: epochsEnqueued)
    }

    /// Drains, then lets the writer thread close both files and end. Idempotent.
    ///
    /// Does not wait for the thread to end: every row is in the files once `drain` returns, and
    /// waiting for the exit (a futex wake-up of this thread) cost 30–70 µs, 5 % of exercise 5's
    /// loop.
    func finish() {
        guard !stopped else { return }
        drain()
        stopped = true
        stop.store(true, ordering: .sequentiallyConsistent)
        wakeIfSleeping()
    }

    private func waitUntilWritten(steps stepTarget: Int, epochs epochTarget: Int) {
        func done() -> Bool {
            epochsWritten.load(ordering: .sequentiallyConsistent) >= epochTarget
                && stepsWritten.load(ordering: .sequentiallyConsistent) >= stepTarget
        }
        let deadline = ContinuousClock.now + Self.spinBeforeSleep
        while !done() {
            if ContinuousClock.now < deadline {
                sched_yield()
                continue
            }
            wakeProducer.wait(unless: done)
        }
    }

    // MARK: Writer side

    private func writerLoop() {
        var metricsText = CSVRowWriter(capacity: Self.writeChunk + 4096)
        var epochText = CSVRowWriter(capacity: Self.writeChunk + 4096)
        var eventBytes: [UInt8] = []
        var stepsDone = 0, epochsDone = 0
        while true {
            // Epochs first: an epoch count seen here comes with at least its steps' count.
            let epochTarget = epochsPublished.load(ordering: .acquiring)
            let stepTarget = stepsPublished.load(ordering: .acquiring)
            if epochTarget == epochsDone && stepTarget == stepsDone {
                if stop.load(ordering: .sequentiallyConsistent) { break }
                waitForWork(steps: stepsDone, epochs: epochsDone)
                continue
            }
            for i in stepsDone..<stepTarget {
                steps[i % Self.stepCapacity].appendCSVRow(to: &metricsText)
                metricsText.newline()
                if metricsText.count >= Self.writeChunk { append(&metricsText, to: metrics, metricsPath) }
            }
            for i in epochsDone..<epochTarget {
                epochRows[i % Self.epochCapacity].appendCSVRow(to: &epochText)
                epochText.newline()
                if epochText.count >= Self.writeChunk {
                    // Step rows before the epoch rows that summarise them.
                    append(&metricsText, to: metrics, metricsPath)
                    append(&epochText, to: epochs, epochsPath)
                }
            }
            append(&metricsText, to: metrics, metricsPath)
            append(&epochText, to: epochs, epochsPath)
            if let events {
                // Stamped when encoded: the rows carry no clock (reading one per step would cost
                // the loop), and the writer lags the loop by microseconds to an epoch.
                TensorBoardEvents.events(
                    steps: (stepsDone..<stepTarget).lazy.map { self.steps[$0 % Self.stepCapacity] },
                    epochs: (epochsDone..<epochTarget).lazy.map { self.epochRows[$0 % Self.epochCapacity] },
                    wallTime: Date().timeIntervalSince1970, into: &eventBytes)
                // Written when the writer has caught up with the loop (or every `writeChunk`
                // bytes), not after every batch: exercise 5 publishes a batch per ~1 µs epoch,
                // the writer is the slower side there and the loop's end waits for it, so a
                // third `write` per batch would land in the loop's time. A drain always ends
                // caught up (the loop publishes nothing while it waits), and the events are
                // written before the counts below, so a drain finds them in the file.
                let caughtUp = epochsPublished.load(ordering: .acquiring) == epochTarget
                    && stepsPublished.load(ordering: .acquiring) == stepTarget
                if caughtUp || eventBytes.count >= Self.writeChunk {
                    eventBytes.withUnsafeBytes { writeAll($0, to: events.file, events.path) }
                    eventBytes.removeAll(keepingCapacity: true)
                }
            }
            stepsDone = stepTarget
            epochsDone = epochTarget
            stepsWritten.store(stepsDone, ordering: .sequentiallyConsistent)
            epochsWritten.store(epochsDone, ordering: .sequentiallyConsistent)
            wakeProducer.wake()
        }
        try? metrics.close()
        try? epochs.close()
        try? events?.file.close()
    }

    /// Appends `text` to `file` with `write(2)` (whole buffer, retried after a signal or a short
    /// write) and empties it. After a failure nothing more is written to any file, so the files
    /// stay a prefix of what the run logged.
    private func append(_ text: inout CSVRowWriter, to file: FileHandle, _ path: String) {
        defer { text.removeAll() }
        text.bytes.withUnsafeBytes { writeAll($0, to: file, path) }
    }

    /// Writes all of `buffer` to `file` (retried after a signal or a short write); the first
    /// failure is kept in `writerFailure` and stops every later write.
    ///
    /// A failure can follow a short write (a full disk or a file size limit takes what fits):
    /// the file is then cut back to where this buffer began, so it still ends with a whole row
    /// (or a whole event record), and `trainer resume` finds it as the rows it counts.
    private func writeAll(_ buffer: UnsafeRawBufferPointer, to file: FileHandle, _ path: String) {
        guard let base = buffer.baseAddress, !buffer.isEmpty, writerFailure == nil else { return }
        let descriptor = file.fileDescriptor
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                if offset > 0 {
                    let end = lseek(descriptor, 0, SEEK_CUR)
                    if end >= offset { _ = ftruncate(descriptor, end - off_t(offset)) }
                }
                writerFailure = .cannotWrite(path: path, reason: reason)
                failedFlag.store(true, ordering: .releasing)
                return
            }
            offset += written
        }
    }

    /// Returns once the producer published past `steps`/`epochs` or asked to stop (or after a
    /// surplus wake-up; the caller re-checks).
    private func waitForWork(steps stepsDone: Int, epochs epochsDone: Int) {
        func hasWork() -> Bool {
            stop.load(ordering: .sequentiallyConsistent)
                || epochsPublished.load(ordering: .sequentiallyConsistent) != epochsDone
                || stepsPublished.load(ordering: .sequentiallyConsistent) != stepsDone
        }
        let deadline = ContinuousClock.now + Self.spinBeforeSleep
        while ContinuousClock.now < deadline {
            if hasWork() { return }
            sched_yield()
        }
        wakeWriter.wait(unless: hasWork)
    }
}
