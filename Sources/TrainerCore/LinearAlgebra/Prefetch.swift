import CLinearAlgebra

/// Software prefetch: tells the CPU which memory will be read soon, so that the wait for it
/// overlaps with other work instead of stalling the read.
///
/// Why: a shuffled epoch gathers 256 random 800-byte rows out of an 800 MB matrix per
/// micro-batch. Each row is a cache miss to DRAM that the hardware prefetcher cannot predict,
/// and the copy loop waits for them one or two at a time. Requesting the next micro-batch's
/// rows while the current one is gathered puts ~3,300 line fills in flight per batch instead.
/// See `LinearModelObjective.accumulate(rows:parameters:into:workspace:prefetching:)` for the
/// measured effect.
enum Prefetch {
    /// Hints that the `bytes` bytes at `pointer` will be read soon. Never faults, never blocks
    /// on the data; any pointer is safe.
    @inline(__always)
    static func read(_ pointer: UnsafeRawPointer, bytes: Int) {
        trainer_prefetch_range(pointer, bytes)
    }
}

/// The CPU's spin-wait hint (`pause` on x86), for loops that wait on another thread.
enum SpinWait {
    @inline(__always)
    static func pause() {
        trainer_spin_pause()
    }
}
