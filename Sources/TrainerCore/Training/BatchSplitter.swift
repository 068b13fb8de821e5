import Foundation
import Synchronization

/// Computes each large micro-batch as two fixed parts on two cores: the loop thread gathers and
/// computes the first rows straight into the gradient sum, a helper thread the rest (9/16 of the
/// batch, `loopThreadRows`) into a zeroed part-gradient, and the parts are added in that order.
///
/// Why: a shuffled epoch of 1e6 × 100 with 256-row batches reads 256 random 800-byte rows out
/// of 800 MB per batch; one core gathers at ~8 GB/s (DRAM latency, ~100 ms per epoch before any
/// arithmetic), two cores each reading part of every batch at about twice that, and each core
/// then multiplies rows that sit in its own cache. The loop thread prefetches its part of the
/// next batch while it gathers; the helper, once its part is done, gathers its part of the next
/// batch at once (`HalfBatchJob.gatherAhead`) — gathering does not depend on θ — so that work
/// overlaps the loop thread's normalising, stepping and logging, and the helper's part costs
/// only its arithmetic once θ arrives; hence its larger share. The gathered copy and
/// `dgemv`/`dgemm` per part beat reading the rows in place with hand-written Swift dot products:
/// one epoch's gradients alone (fixed θ, 1e6 × 100, batch 256) took 60 ms split in halves
/// against 84 ms in place, 111 ms unsplit on one core (BENCHMARKS.md, round 5); gathering ahead
/// took the whole loop from 87 to 76 ms (linear) and 218 to 162 ms (softmax; round 6). The loop
/// thread takes over the helper's part whenever the helper has not started it
/// (`finishSecondHalf`), so on a busy machine a descheduled helper costs the overlap, not a wait.
///
/// Determinism: whether a batch is split depends only on the shapes (`splits`), never on the
/// number of cores, the load or timing. Without a second core the loop thread computes the second
/// half itself, in the same buffers and the same order, so the bits are the same on every run and
/// every machine with the same BLAS kernels; the same holds for halves the loop thread takes over
/// from a helper that has not started them. A split batch agrees with an unsplit one to rounding
/// only: its sums run over two halves of rows, then one addition per parameter joins them.
///
/// Not thread-safe itself: one `Trainer.run` owns it and calls it from one thread.
final class BatchSplitter {
    let objective: LinearModelObjective
    /// Whether micro-batches are split (by shape: see `splits`).
    let isActive: Bool
    /// The helper's part: buffers and result; owned by the helper while a job runs.
    private let half: HalfBatchJob?
    private let helper: Thread?
    private var finished = false

    /// Matrices smaller than this (bytes of features) mostly sit in the caches: one core reads
    /// them fast enough that the hand-off would only add cost.
    static let minimumMatrixBytes = 64 << 20
    /// Batches of fewer values (rows × d × K) than this are not split: each hand-off costs
    /// ~0.5–1 µs. The threshold is the one measured for round 4's gather pipeline (16-row
    /// batches gained, see BENCHMARKS.md); it was not measured again for the split.
    static let minimumBatchWork = 1536
    /// The helper's share of a split batch, in sixteenths (`loopThreadRows`): 144 of 256 rows.
    /// Measured on 1e6 × 100, batch 256, alternated runs, loop medians: linear 76 / 75 ms and
    /// logistic 87 / 82 ms with 8 / 9 sixteenths, softmax 170 / 162 / 190 ms with 8 / 9 / 10.
    static let helperSixteenths = 9

    /// Whether an objective of this shape splits micro-batches of `batchCapacity` rows — shapes
    /// only, so a config gives the same bits on every machine (`force`: tests; the environment
    /// variable `TRAINER_FORCE_BATCH_SPLIT=1` makes every training test take the split path).
    static func splits(_ objective: LinearModelObjective, batchCapacity: Int, force: Bool = false) -> Bool {
        guard batchCapacity >= 2, objective.featureCount > 0 else { return false }
        // `getenv`, not `ProcessInfo…environment`: that builds a dictionary of the whole
        // environment (~35 µs, inside exercise 5's 1 ms loop budget).
        if force || getenv("TRAINER_FORCE_BATCH_SPLIT").map({ String(cString: $0) }) == "1" { return true }
        let d = Double(objective.featureCount)
        return Double(objective.exampleCount) * d * 8 >= Double(minimumMatrixBytes)
            && Double(batchCapacity) * d * Double(objective.outputs) >= Double(minimumBatchWork)
    }

    /// - Parameters:
    ///   - force: split whatever the shape (tests).
    ///   - helperThread: false computes both halves on the calling thread (tests: the bits must
    ///     not depend on it); true starts the helper when there are two cores.
    init(objective: LinearModelObjective, batchCapacity: Int, force: Bool = false, helperThread: Bool = true) {
        self.objective = objective
        isActive = Self.splits(objective, batchCapacity: batchCapacity, force: force)
        guard isActive else {
            half = nil
            helper = nil
            return
        }
        let job = HalfBatchJob(objective: objective, capacity: batchCapacity)
        half = job
        if helperThread && ProcessInfo.processInfo.activeProcessorCount >= 2 {
            let thread = Thread { job.helperLoop() }
            thread.name = "trainer batch half"
            thread.stackSize = 1 << 20
            helper = thread
            thread.start()
        } else {
            helper = nil
        }
    }

    deinit { finish() }

    /// Rows of a split batch of `count` rows that the loop thread computes (the first ones; the
    /// helper takes the rest). Shape only, so the bits never depend on timing.
    ///
    /// The helper gets more than half: it gathers its next rows while the loop thread normalises,
    /// steps and logs between batches, so only its arithmetic is left once θ arrives, while the
    /// loop thread still gathers its own rows after that.
    static func loopThreadRows(of count: Int) -> Int {
        guard count >= 2 else { return count }
        let helperRows = min(max((count * helperSixteenths + 8) / 16, 1), count - 1)
        return count - helperRows
    }

    /// Same contract as `LinearModelObjective.accumulate(rows:parameters:into:workspace:prefetching:)`
    /// (Σᵢ ℓᵢ returned, Σᵢ ∇θ ℓᵢ added into `gradientSum`); split batches add their two parts'
    /// gradients in order. `upcoming` (the next micro-batch) is split the same way: the loop
    /// thread prefetches its part of it, the helper gathers its part once this batch is done.
    func accumulate(
        rows: ArraySlice<Int>, parameters: [Double], into gradientSum: inout [Double],
        workspace: inout BatchWorkspace, upcoming: ArraySlice<Int>
    ) throws(LinearAlgebraError) -> Double {
        guard let half, !finished, rows.count >= 2, rows.count <= workspace.capacity, rows.count <= half.capacity,
              parameters.count == objective.parameterCount, gradientSum.count == objective.parameterCount else {
            // The objective reports anything malformed; unsplit shapes go there too.
            return try objective.accumulate(
                rows: rows, parameters: parameters, into: &gradientSum, workspace: &workspace, prefetching: upcoming)
        }
        let mid = rows.startIndex + Self.loopThreadRows(of: rows.count)
        let upcomingMid = upcoming.startIndex + Self.loopThreadRows(of: upcoming.count)
        half.load(rows: rows[mid...], upcoming: upcoming[upcomingMid...], parameters: parameters)
        // One OpenBLAS thread for both parts' products while they run side by side (the
        // setting is process-wide; `BLAS.threadLimit` serialises every region that changes it).
        let first: Result<Double, LinearAlgebraError> = BLAS.withSingleThread {
            if helper != nil { half.publish() }
            let result = Result { () throws(LinearAlgebraError) -> Double in
                try objective.accumulate(
                    rows: rows[..<mid], parameters: parameters, into: &gradientSum, workspace: &workspace,
                    prefetching: upcoming[..<upcomingMid])
            }
            if helper != nil {
                half.finishSecondHalf(sleepAfterwards: upcoming.isEmpty)
            } else {
                half.compute(onHelper: false)
            }
            return result
        }
        let firstLoss = try first.get()
        let secondLoss = try half.result.get()
        half.gradient.withUnsafeBufferPointer { second in
            for i in gradientSum.indices { gradientSum[i] += second[i] }
        }
        return firstLoss + secondLoss
    }

    /// Stops the helper thread and waits for it to exit. Idempotent; later calls compute both
    /// halves on the calling thread (same bits).
    func finish() {
        guard !finished else { return }
        finished = true
        guard let half, helper != nil else { return }
        half.stopHelper()
    }
}

/// The helper's part of a split micro-batch: its rows, its rows of the next batch, a copy of θ,
/// the part-gradient, score buffers, and the result — plus the hand-off with the helper.
///
/// Why the hand-off is free of data races: the loop thread writes the inputs (`load`) while the
/// helper is idle, then publishes a new generation with a sequentially consistent store; the
/// helper reads the inputs only after loading that generation (acquiring), writes `gradient`,
/// the score buffers, `gathered` and `result`, copies the next batch's rows into `aheadRows`,
/// and stores `done = generation` with release ordering; the loop thread reads the outputs only
/// after loading `done == generation` with acquire ordering, and writes the inputs again only
/// after that. What the helper does after `done` — gathering ahead — touches only `aheadRows`,
/// `aheadCount` and `ahead`, which nothing else reads or writes (the loop thread, taking a job
/// over, uses `gathered`). The objective's matrix and targets are immutable.
final class HalfBatchJob: @unchecked Sendable {
    let objective: LinearModelObjective
    let capacity: Int
    private(set) var rows: [Int]
    private(set) var rowCount = 0
    private var upcoming: [Int]
    private var upcomingCount = 0
    private var parameters: [Double]
    private(set) var gradient: [Double]
    private var scores: [Double]
    private var scoreGradient: [Double]
    private(set) var result: Result<Double, LinearAlgebraError> = .success(0)
    /// Gathered rows and targets of the job, when it is not the one gathered ahead.
    private let gathered: GatherBuffer
    /// Helper-only state: the next job's rows (copied while the helper owned the current job)
    /// and their gathered copy, made while the loop thread works between batches. A job whose
    /// rows equal them is computed from it without gathering again; either buffer gives the
    /// same bits (same values, same 64-byte alignment, same kernels).
    private var aheadRows: [Int]
    private var aheadCount = 0
    private let ahead: GatherBuffer

    /// The last job published, the last one claimed (by whichever thread computes it), the
    /// last one the helper finished.
    private let generation = Atomic<UInt64>(0)
    private let claimed = Atomic<UInt64>(0)
    private let done = Atomic<UInt64>(0)
    private let stop = Atomic<Bool>(false)
    /// True while the helper gathers its rows of the next job (`gatherAhead`): that job is
    /// about to be claimed by the helper, so the loop thread waits for the claim instead of
    /// taking the job over and gathering the same rows a second time.
    private let gatheringAhead = Atomic<Bool>(false)
    /// False after the last batch of an epoch: the helper then blocks at once instead of
    /// spinning, so the evaluation passes between epochs have both cores.
    private let expectingWork = Atomic<Bool>(true)
    private let wake = WakeSignal()
    private let exited = DispatchSemaphore(value: 0)
    /// Checks (with the CPU's pause hint, ~0.6 ms in all) an idle helper makes before it blocks
    /// on `wake`: far longer than the loop thread's work between two batches, so it does not
    /// block inside an epoch. Measured on 1e6 × 100, batch 256: with 2,000 checks (~60 µs) the
    /// helper blocked ~1,300 times per epoch and the loop thread computed ~2,600 of 3,907
    /// second halves itself (no overlap); with 20,000, 2 blocks and 0–4 such halves.
    static let spinsBeforeSleep = 20_000
    /// Checks before the loop thread, waiting for a half the helper is computing, starts giving
    /// up its core on each further check (the helper may have lost its own core to other load).
    static let spinsBeforeYield = 4_000
    /// Checks (~30 µs, about two gathers ahead) the loop thread waits for a helper that is
    /// gathering ahead to claim the job, before it takes the job over anyway (a helper that lost
    /// its core mid-gather).
    static let spinsForGatherAhead = 1_000

    init(objective: LinearModelObjective, capacity: Int) {
        self.objective = objective
        self.capacity = capacity
        rows = [Int](repeating: 0, count: capacity)
        upcoming = [Int](repeating: 0, count: capacity)
        aheadRows = upcoming
        parameters = [Double](repeating: 0, count: objective.parameterCount)
        gradient = parameters
        scores = [Double](repeating: 0, count: capacity * objective.outputs)
        scoreGradient = scores
        gathered = GatherBuffer(rows: capacity, featureCount: objective.featureCount)
        ahead = GatherBuffer(rows: capacity, featureCount: objective.featureCount)
    }

    /// Copies the inputs of the next job (loop thread, helper idle).
    ///
    /// Through buffer pointers, one access per array: indexing a class's array property element
    /// by element checks exclusivity and uniqueness on every element, which made this copy of
    /// ~360 values cost ~1.2 µs per batch (~5 ms of a 1e6 × 100 epoch, perf).
    func load(rows half: ArraySlice<Int>, upcoming next: ArraySlice<Int>, parameters theta: [Double]) {
        rowCount = min(half.count, capacity)
        upcomingCount = min(next.count, upcoming.count)
        let (count, nextCount) = (rowCount, upcomingCount)
        rows.withUnsafeMutableBufferPointer { target in
            half.withUnsafeBufferPointer { source in
                for i in 0..<count { target[i] = source[i] }
            }
        }
        upcoming.withUnsafeMutableBufferPointer { target in
            next.withUnsafeBufferPointer { source in
                for i in 0..<nextCount { target[i] = source[i] }
            }
        }
        parameters.withUnsafeMutableBufferPointer { target in
            theta.withUnsafeBufferPointer { source in
                for j in 0..<min(source.count, target.count) { target[j] = source[j] }
            }
        }
    }

    /// The helper part's arithmetic: on the helper, or on the loop thread when there is no
    /// helper or it takes the job over (`onHelper` false: only the helper may use `ahead`).
    func compute(onHelper: Bool) {
        gradient.withUnsafeMutableBufferPointer { g in
            for i in 0..<g.count { g[i] = 0 }
        }
        let n = rowCount
        let useAhead = onHelper && n > 0 && aheadCount == n && rows.withUnsafeBufferPointer { r in
            aheadRows.withUnsafeBufferPointer { a in (0..<n).allSatisfy { r[$0] == a[$0] } }
        }
        if onHelper { aheadCount = 0 }
        result = Result { () throws(LinearAlgebraError) -> Double in
            let slice = rows[0..<n]
            if try objective.checkedRowsAreConsecutive(slice), let first = slice.first {
                return try objective.accumulateConsecutive(
                    first: first, count: n, parameters: parameters, into: &gradient,
                    scores: &scores, scoreGradient: &scoreGradient)
            }
            let buffer = useAhead ? ahead : gathered
            if !useAhead { gathered.fill(objective, rows: slice) }
            return try objective.accumulateGathered(
                x: buffer.features, y: buffer.targets, rows: n, parameters: parameters, into: &gradient,
                scores: &scores, scoreGradient: &scoreGradient)
        }
    }

    /// Helper, after finishing a job: gathers the next job's rows (copied into `aheadRows`
    /// before the job was marked done, so the loop thread may already be loading the next job).
    private func gatherAhead(count n: Int) {
        guard n > 0, let consecutive = try? objective.checkedRowsAreConsecutive(aheadRows[0..<n]), !consecutive else { return }
        ahead.fill(objective, rows: aheadRows[0..<n])
        aheadCount = n
    }

    /// Hands the loaded job to the helper (loop thread).
    func publish() {
        expectingWork.store(true, ordering: .relaxed)
        // Sequentially consistent: the helper's `wake.wait` re-checks it (see `WakeSignal`).
        generation.add(1, ordering: .sequentiallyConsistent)
        wake.wake()
    }

    /// Makes sure the published job is computed (loop thread, after its own half): claims it
    /// and computes it here if the helper has not started it — a helper that lost its core to
    /// other load, or is still waking up, then costs nothing but a missed overlap — or else waits
    /// for the helper to finish it. A helper still gathering this job's rows ahead gets up to
    /// `spinsForGatherAhead` checks to claim it first: taking the job over then meant gathering
    /// the same rows twice (155–1,975 of an epoch's 3,907 jobs were taken over, 99–224 with the
    /// wait; linear loop medians 89.2 → 85.0 ms, 40 alternated runs). `gatheringAhead` is only
    /// a hint; the claim alone decides who computes. Either way the same rows get the same
    /// arithmetic from a 64-byte-aligned copy (`gathered` here, `gathered` or `ahead` on the
    /// helper), so the bits do not depend on who computed it. `sleepAfterwards`: the epoch ends
    /// here, so the helper should block rather than spin until the next job.
    func finishSecondHalf(sleepAfterwards: Bool) {
        if sleepAfterwards { expectingWork.store(false, ordering: .relaxed) }
        let target = generation.load(ordering: .relaxed)
        if gatheringAhead.load(ordering: .relaxed) {
            var spins = 0
            while spins < Self.spinsForGatherAhead, claimed.load(ordering: .relaxed) != target {
                spins += 1
                SpinWait.pause()
            }
        }
        if claimed.compareExchange(
            expected: target &- 1, desired: target, successOrdering: .acquiringAndReleasing,
            failureOrdering: .acquiring
        ).exchanged {
            compute(onHelper: false)
            return
        }
        var spins = 0
        while done.load(ordering: .acquiring) != target {
            spins += 1
            SpinWait.pause()
            if spins >= Self.spinsBeforeYield { sched_yield() }
        }
    }

    func stopHelper() {
        stop.store(true, ordering: .sequentiallyConsistent)
        wake.wake()
        exited.wait()
    }

    /// The helper thread: waits for a new generation (spinning, then blocking), claims it
    /// unless the loop thread already did, computes it.
    ///
    /// Blocking without a lost wake-up: `WakeSignal`, whose condition here is a new generation
    /// or `stop`.
    func helperLoop() {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                if stop.load(ordering: .relaxed) { break }
                spins += 1
                SpinWait.pause()
                if spins >= Self.spinsBeforeSleep || !expectingWork.load(ordering: .relaxed) {
                    wake.wait {
                        generation.load(ordering: .sequentiallyConsistent) != seen
                            || stop.load(ordering: .sequentiallyConsistent)
                    }
                    spins = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            if stop.load(ordering: .sequentiallyConsistent) { break }
            seen = current
            // The loop thread only publishes a job after the previous one is complete, so a job
            // not yet claimed by it is claimed here exactly when `claimed` is one behind.
            if claimed.compareExchange(
                expected: seen &- 1, desired: seen, successOrdering: .acquiringAndReleasing,
                failureOrdering: .relaxed
            ).exchanged {
                compute(onHelper: true)
                let next = upcomingCount
                aheadRows.withUnsafeMutableBufferPointer { a in
                    upcoming.withUnsafeBufferPointer { u in
                        for i in 0..<next { a[i] = u[i] }
                    }
                }
                gatheringAhead.store(true, ordering: .relaxed)
                done.store(seen, ordering: .releasing)
                gatherAhead(count: next)
                gatheringAhead.store(false, ordering: .relaxed)
            }
        }
        exited.signal()
    }
}

/// Rows gathered out of the feature matrix with their targets, in memory aligned to 64 bytes so
/// that every buffer a split half may be computed from has the same alignment (BLAS kernels then
/// take the same path on either).
final class GatherBuffer: @unchecked Sendable {
    let features: UnsafeMutablePointer<Double>
    let targets: UnsafeMutablePointer<Double>
    private let rowCapacity: Int

    init(rows: Int, featureCount d: Int) {
        rowCapacity = max(rows, 1)
        let values = max(rowCapacity * max(d, 0), 1)
        features = UnsafeMutableRawPointer.allocate(byteCount: 8 * values, alignment: 64)
            .bindMemory(to: Double.self, capacity: values)
        targets = UnsafeMutableRawPointer.allocate(byteCount: 8 * rowCapacity, alignment: 64)
            .bindMemory(to: Double.self, capacity: rowCapacity)
    }

    deinit {
        features.deallocate()
        targets.deallocate()
    }

    /// Copies `rows` (checked, at most the capacity) of `objective`'s features and targets in.
    /// Nothing prefetched these rows for this core, so the copy streams: the first rows are
    /// requested up front and each copied row requests the one `lookahead` rows further on.
    func fill(_ objective: LinearModelObjective, rows: ArraySlice<Int>) {
        let n = min(rows.count, rowCapacity)
        let slice = rows.prefix(n)
        let lead = min(Self.lookahead, n)
        objective.prefetch(rows: slice.prefix(lead))
        objective.gather(rows: slice, into: features, targets: targets, prefetching: slice.dropFirst(lead))
    }

    /// Rows requested ahead of the copy (~2 µs of copying at the gather's rate: a few DRAM
    /// latencies, and few enough that they stay in flight).
    static let lookahead = 16
}
