import Foundation
import Synchronization

/// Lets one thread block until another tells it that there is something to look at, with no
/// lost wake-up — the blocking half of the spin-then-block waits in `BatchSplitter`'s helper and
/// `MetricsWriter`'s two threads.
///
/// Why no wake-up is lost: the waiter stores `sleeping = true` and then re-checks its condition;
/// the waker makes the condition true and then reads and clears `sleeping` — every one of those
/// accesses sequentially consistent (the waker's store of the condition included) — so either
/// the waiter sees the condition or the waker sees `sleeping` and signals. A surplus signal only
/// makes a later `wait` return early, and callers re-check after every return.
final class WakeSignal: Sendable {
    private let sleeping = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    /// Blocks until `wake`, unless `ready()` (which must load what the waker stores, sequentially
    /// consistent) is already true once the intent to sleep is announced.
    func wait(unless ready: () -> Bool) {
        sleeping.store(true, ordering: .sequentiallyConsistent)
        if !ready() { semaphore.wait() }
        sleeping.store(false, ordering: .relaxed)
    }

    /// Wakes the waiter if it is blocked or about to block; call after making its condition true.
    /// Costs one load when nobody sleeps.
    func wake() {
        if sleeping.load(ordering: .sequentiallyConsistent),
           sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            semaphore.signal()
        }
    }
}
