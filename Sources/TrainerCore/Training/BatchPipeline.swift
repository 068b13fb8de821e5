import Foundation
import Synchronization

/// Double-buffered gathering of shuffled micro-batches for `Trainer.run`: while micro-batch i is
/// computed on the calling thread, a helper thread copies the rows (and targets) of micro-batch
/// i+1 into a second buffer; when the loop asks for batch i+1, the calling thread helps copy
/// whatever is left, then computes from that buffer while the helper starts on batch i+2.
///
/// Why: a shuffled epoch of 1e6 × 100 with 256-row batches is bound by gathering 256 random
/// 800-byte rows out of 800 MB per batch (~100 ms per epoch on one core, DRAM latency), which
/// one core cannot go below. Two cores copying, and the copy overlapping the arithmetic, bring
/// the loop close to (gather + compute) / 2. Measured (release, one epoch, 1e6 × 100, batch 256,
/// `timing.loop_seconds` medians of 3, same machine, same session): linear SGD 183 → 116 ms,
/// logistic Adam 218 → 160 ms, softmax K=10 Adam 389 → 341 ms; identical final metrics.
/// What is left is the loop thread itself: the gathered rows live in the helper's cache and must
/// cross to the computing core, and softmax is bound by its two small `dgemm`s (the gather waits
/// there were < 10 ms per epoch).
///
/// Results are bit-identical to `LinearModelObjective.accumulate(rows:…)`: the gather is a pure
/// copy (who copies a row does not change its bits) and the arithmetic is the same
/// `accumulateBlock` call on the same values in the same order. The helper never looks ahead
/// past the `upcoming` rows the loop names (the current epoch's next micro-batch), so a run
/// resumed at any position, or one that stops early, sees the same batches.
///
/// Only used when it pays (`init`): shuffled order, a matrix well beyond the caches, batches of
/// a few KB and two cores. Otherwise every call goes straight to the objective, as before.
///
/// Not thread-safe itself: one `Trainer.run` owns it and calls it from one thread.
final class BatchPipeline {
    let objective: LinearModelObjective
    private let shared: PipelineShared?
    private let helper: Thread?
    /// The job published for the next micro-batch, not yet taken.
    private var pending: PipelineJob?
    private var nextGeneration: UInt32 = 1
    private var finished = false

    /// Matrices smaller than this (bytes of features) mostly sit in the caches: gathering them is
    /// cheap and a second thread only adds hand-off cost.
    static let minimumMatrixBytes = 64 << 20
    /// Batches of fewer values than this (rows × d) are too short for the hand-off to pay.
    /// Measured on 1e6 × 100 (linear SGD, one epoch, loop medians): 16-row batches 322 → 237 ms,
    /// 32-row batches 235 → 196 ms with the pipeline.
    static let minimumBatchValues = 1536
    /// Largest batch the pipeline double-buffers (rows × d), so its two buffers stay ≤ 64 MB.
    static let maximumBatchValues = 1 << 22

    /// - Parameter force: use the pipeline whenever the shape allows it, ignoring the size
    ///   thresholds (tests, so the two-thread path runs on small data).
    init(objective: LinearModelObjective, batchCapacity: Int, shuffled: Bool, force: Bool = false) {
        self.objective = objective
        let d = objective.featureCount
        let capacity = max(batchCapacity, 0)
        let values = capacity.multipliedReportingOverflow(by: max(d, 1))
        let chunks = (capacity + PipelineShared.chunkRows - 1) / PipelineShared.chunkRows
        var worthwhile = shuffled && capacity < objective.exampleCount
            && ProcessInfo.processInfo.activeProcessorCount >= 2
            && Double(objective.exampleCount) * Double(d) * 8 >= Double(Self.minimumMatrixBytes)
            && !values.overflow && values.partialValue >= Self.minimumBatchValues
        // `TRAINER_FORCE_BATCH_PIPELINE=1 swift test` runs every training test through the
        // two-thread path (their data is far below the thresholds).
        if force || ProcessInfo.processInfo.environment["TRAINER_FORCE_BATCH_PIPELINE"] == "1" { worthwhile = true }
        guard worthwhile, d > 0, capacity > 0,
              !values.overflow, values.partialValue <= Self.maximumBatchValues,
              chunks <= PipelineShared.maximumChunks else {
            shared = nil
            helper = nil
            return
        }
        let state = PipelineShared(capacity: capacity, featureCount: d)
        shared = state
        let features = objective.features, targets = objective.targets
        let thread = Thread {
            features.values.withUnsafeBufferPointer { x in
                targets.withUnsafeBufferPointer { y in
                    state.helperLoop(features: x, targets: y)
                }
            }
        }
        thread.name = "trainer batch gather"
        helper = thread
        thread.start()
    }

    deinit { finish() }

    /// Whether a helper thread gathers ahead (false: every call goes to the objective directly).
    var isActive: Bool { shared != nil }

    /// Same contract and same result bits as
    /// `LinearModelObjective.accumulate(rows:parameters:into:workspace:prefetching:)`;
    /// `upcoming` (the next micro-batch of this epoch) is gathered on the helper thread meanwhile.
    func accumulate(
        rows: ArraySlice<Int>, parameters: [Double], into gradientSum: inout [Double],
        workspace: inout BatchWorkspace, upcoming: ArraySlice<Int>
    ) throws(LinearAlgebraError) -> Double {
        guard let shared, !finished, isValid(rows) else {
            // Invalid rows (the objective reports them) or no pipeline: the direct path.
            if let shared, let job = pending { gather(job, shared) }
            pending = nil
            return try objective.accumulate(
                rows: rows, parameters: parameters, into: &gradientSum, workspace: &workspace, prefetching: upcoming)
        }
        let job: PipelineJob
        if let waiting = pending, shared.holds(rows, in: waiting) {
            job = waiting
        } else {
            if let stale = pending { gather(stale, shared) }  // finish it before reusing its buffer
            job = publish(rows, shared)
        }
        gather(job, shared)
        pending = nil
        if !upcoming.isEmpty, isValid(upcoming) {
            pending = publish(upcoming, shared)
        } else {
            // End of the epoch (or of the run): nothing to gather until the next call, which
            // may be after a full evaluation pass that wants both cores. Let the helper sleep.
            shared.expectingWork.store(false, ordering: .relaxed)
        }
        return try objective.accumulate(
            gatheredFeatures: UnsafeBufferPointer(start: shared.features[job.slot], count: job.count * objective.featureCount),
            targets: UnsafeBufferPointer(start: shared.targets[job.slot], count: job.count),
            rows: job.count, parameters: parameters, into: &gradientSum, workspace: &workspace)
    }

    /// Stops the helper thread (after it finishes the job in hand) and waits for it to exit.
    /// Idempotent; later `accumulate` calls take the direct path.
    func finish() {
        guard !finished else { return }
        finished = true
        guard let shared else { return }
        if let job = pending { gather(job, shared) }
        pending = nil
        shared.stop.store(true, ordering: .sequentiallyConsistent)
        shared.wake.signal()
        shared.exited.wait()
    }

    /// Non-empty, within the buffer and every index inside the matrix.
    private func isValid(_ rows: ArraySlice<Int>) -> Bool {
        guard let shared, !rows.isEmpty, rows.count <= shared.capacity else { return false }
        let m = objective.exampleCount
        for r in rows where r < 0 || r >= m { return false }
        return true
    }

    /// Hands `rows` to the helper as the next job (into the buffer the previous job did not use).
    private func publish(_ rows: ArraySlice<Int>, _ shared: PipelineShared) -> PipelineJob {
        let generation = nextGeneration
        nextGeneration &+= 1
        if nextGeneration == 0 { nextGeneration = 1 }  // 0 is "no job yet" for the helper
        let slot = Int(generation & 1)
        let indices = shared.indices[slot]
        var i = 0
        for r in rows { indices[i] = r; i += 1 }
        shared.counts[slot] = rows.count
        shared.done.store(0, ordering: .relaxed)
        shared.expectingWork.store(true, ordering: .relaxed)
        let chunks = (rows.count + PipelineShared.chunkRows - 1) / PipelineShared.chunkRows
        // Sequentially consistent (not just releasing) so it pairs with the helper's
        // `sleeping` store and re-check: see `PipelineShared.helperLoop`.
        shared.claim.store(PipelineShared.pack(generation, chunks: chunks, next: 0), ordering: .sequentiallyConsistent)
        if shared.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            shared.wake.signal()
        }
        return PipelineJob(generation: generation, slot: slot, count: rows.count)
    }

    /// Copies the chunks of `job` nobody has claimed yet, then waits until the helper's claimed
    /// chunks are copied too. Afterwards the job's buffer is complete and visible here.
    private func gather(_ job: PipelineJob, _ shared: PipelineShared) {
        objective.features.values.withUnsafeBufferPointer { x in
            objective.targets.withUnsafeBufferPointer { y in
                shared.copyChunks(of: job.generation, features: x, targets: y)
            }
        }
        while shared.done.load(ordering: .acquiring) != job.count {}
    }
}

/// One published gather: generation (also picks the buffer: `slot` = generation & 1) and rows.
struct PipelineJob {
    let generation: UInt32
    let slot: Int
    let count: Int
}

/// State shared by the loop thread and the helper thread.
///
/// Why the hand-off is free of data races:
/// - The buffers of a slot (indices, count, gathered rows and targets) are written by the loop
///   thread in `publish` *before* the sequentially consistent store of `claim` for that
///   generation. A thread copies rows only after a successful compare-exchange on `claim` that
///   read that generation (acquiring), so it sees the published indices and count.
/// - Each chunk of rows is claimed by exactly one thread (compare-exchange on `claim`), so no two
///   threads write the same bytes. A claim carries the generation, so a helper that lags behind
///   can never claim a chunk of a newer job with an older job in mind (a failed exchange).
/// - Each copier adds its rows to `done` with release ordering after copying; the loop thread
///   reads the buffer only after it loads `done == count` with acquire ordering.
/// - The loop thread republishes a slot only after the job that last used it was complete
///   (`done == count`), and the helper touches a slot only for claimed chunks of its current
///   generation, so nobody still writes a buffer the loop reads or rewrites.
/// - The source matrix and targets are immutable arrays, read concurrently.
final class PipelineShared: @unchecked Sendable {
    /// Rows per claim: big enough that claiming is rare, small enough to balance two threads.
    static let chunkRows = 16
    /// Chunks per job the 16-bit claim field can count.
    static let maximumChunks = 0xFFFF
    /// Spins (atomic loads) before the idle helper blocks on `wake` (~100 µs or more).
    static let spinsBeforeSleep = 200_000

    let capacity: Int
    let featureCount: Int
    /// Per slot (2): gathered rows (capacity × d), their targets, the row indices, the row count.
    let features: [UnsafeMutablePointer<Double>]
    let targets: [UnsafeMutablePointer<Double>]
    let indices: [UnsafeMutablePointer<Int>]
    let counts: UnsafeMutablePointer<Int>

    /// generation (32 bits) | chunk count (16) | next unclaimed chunk (16).
    let claim = Atomic<UInt64>(0)
    /// Rows of the current job copied so far.
    let done = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
    /// False from the last micro-batch of an epoch until the next job: the helper then blocks
    /// at once instead of spinning (a spinning helper held a core the evaluation passes between
    /// epochs use: 40,000 × 100, 10 epochs, forced pipeline: loop ~105 ms instead of ~57 ms).
    let expectingWork = Atomic<Bool>(true)
    /// Set by the helper before it blocks on `wake`.
    let sleeping = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
    let exited = DispatchSemaphore(value: 0)

    init(capacity: Int, featureCount: Int) {
        self.capacity = capacity
        self.featureCount = featureCount
        features = (0..<2).map { _ in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: capacity * featureCount)
            p.initialize(repeating: 0, count: capacity * featureCount)
            return p
        }
        targets = (0..<2).map { _ in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
            p.initialize(repeating: 0, count: capacity)
            return p
        }
        indices = (0..<2).map { _ in
            let p = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
            p.initialize(repeating: 0, count: capacity)
            return p
        }
        counts = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        counts.initialize(repeating: 0, count: 2)
    }

    deinit {
        for p in features { p.deallocate() }
        for p in targets { p.deallocate() }
        for p in indices { p.deallocate() }
        counts.deallocate()
    }

    static func pack(_ generation: UInt32, chunks: Int, next: Int) -> UInt64 {
        UInt64(generation) << 32 | UInt64(chunks) << 16 | UInt64(next)
    }

    /// Whether `job` (published, maybe not yet complete) gathers exactly `rows`. Called by the
    /// loop thread, the only writer of the indices.
    func holds(_ rows: ArraySlice<Int>, in job: PipelineJob) -> Bool {
        guard rows.count == job.count else { return false }
        let published = indices[job.slot]
        var i = 0
        for r in rows {
            if published[i] != r { return false }
            i += 1
        }
        return true
    }

    /// Claims and copies chunks of job `generation` until none are left (or a newer job replaced it).
    func copyChunks(of generation: UInt32, features source: UnsafeBufferPointer<Double>, targets sourceTargets: UnsafeBufferPointer<Double>) {
        guard let from = source.baseAddress, let fromTargets = sourceTargets.baseAddress else { return }
        let d = featureCount
        let rowBytes = d * MemoryLayout<Double>.stride
        var word = claim.load(ordering: .relaxed)
        while true {
            guard UInt32(truncatingIfNeeded: word >> 32) == generation else { return }
            let chunks = Int((word >> 16) & 0xFFFF), next = Int(word & 0xFFFF)
            guard next < chunks else { return }
            let (exchanged, original) = claim.compareExchange(
                expected: word, desired: word + 1, successOrdering: .acquiring, failureOrdering: .relaxed)
            guard exchanged else {
                word = original
                continue
            }
            word += 1
            let slot = Int(generation & 1)
            let count = counts[slot]
            let first = next * Self.chunkRows, end = min(first + Self.chunkRows, count)
            let rows = indices[slot], to = features[slot], y = targets[slot]
            // Ask for every row of the chunk first, so their DRAM reads overlap.
            for i in first..<end {
                Prefetch.read(from + rows[i] * d, bytes: rowBytes)
                Prefetch.read(fromTargets + rows[i], bytes: MemoryLayout<Double>.stride)
            }
            for i in first..<end {
                let r = rows[i]
                if d >= 16 {
                    (to + i * d).update(from: from + r * d, count: d)
                } else {
                    for j in 0..<d { to[i * d + j] = from[r * d + j] }
                }
                y[i] = fromTargets[r]
            }
            done.add(end - first, ordering: .releasing)
            word = claim.load(ordering: .relaxed)
        }
    }

    /// The helper thread: waits for a new generation (spinning, then blocking), copies its chunks.
    ///
    /// Blocking without a lost wake-up: the helper stores `sleeping = true` and then re-reads
    /// `claim`; the loop thread stores `claim` and then exchanges `sleeping` — all sequentially
    /// consistent, so either the helper sees the new job, or the loop sees `sleeping` and
    /// signals. A surplus signal only makes a later wait return early, which re-checks.
    func helperLoop(features x: UnsafeBufferPointer<Double>, targets y: UnsafeBufferPointer<Double>) {
        var seen: UInt32 = 0
        while true {
            var spins = 0
            var word = claim.load(ordering: .acquiring)
            while UInt32(truncatingIfNeeded: word >> 32) == seen {
                if stop.load(ordering: .relaxed) { break }
                spins += 1
                if spins >= Self.spinsBeforeSleep || !expectingWork.load(ordering: .relaxed) {
                    sleeping.store(true, ordering: .sequentiallyConsistent)
                    word = claim.load(ordering: .sequentiallyConsistent)
                    if UInt32(truncatingIfNeeded: word >> 32) == seen && !stop.load(ordering: .sequentiallyConsistent) {
                        wake.wait()
                    }
                    sleeping.store(false, ordering: .relaxed)
                    spins = 0
                }
                word = claim.load(ordering: .acquiring)
            }
            if stop.load(ordering: .sequentiallyConsistent) { break }
            seen = UInt32(truncatingIfNeeded: word >> 32)
            copyChunks(of: seen, features: x, targets: y)
        }
        exited.signal()
    }
}
