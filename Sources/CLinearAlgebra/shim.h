#include <cblas.h>
#include <lapacke.h>

/* Prefetch hint for the training loop's row gather (see LinearAlgebra/Prefetch.swift): asks the
   CPU to start loading every cache line of [p, p + bytes) without waiting for it. Swift has no
   prefetch intrinsic; a prefetch never faults, so a bad address costs nothing but the hint. */
static inline void trainer_prefetch_range(const void *p, long bytes) {
    const char *first = (const char *)((unsigned long)p & ~63UL);
    const char *end = (const char *)p + bytes;
    for (const char *c = first; c < end; c += 64) __builtin_prefetch(c, 0, 2);
}

/* Spin-wait hint for BatchSplitter's hand-off (see LinearAlgebra/Prefetch.swift): x86 `pause`
   lets a sibling hardware thread (a vCPU may be one) run while this one waits, and stops the
   wait loop from flooding the memory pipeline. Swift has no such intrinsic. */
static inline void trainer_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
