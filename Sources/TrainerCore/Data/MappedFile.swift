#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file mapped read-only into memory, for the numeric CSV fast path.
///
/// Why: reading a 409 MB CSV file with `read(2)` into a fresh buffer cost ~0.11 s before any
/// parsing, on one core: the kernel zeroes every new page of the buffer, then copies the page
/// cache into it. A mapping reads the page cache in place. Measured in Benchmarks/NOTES.md.
///
/// The one hazard of a mapping: if another process truncates the file while it is mapped,
/// touching the lost pages raises SIGBUS instead of returning an error. `FileTruncationGuard`
/// turns that into a clear message and exit while a mapping is being read.
final class MappedFile {
    /// The file's bytes as they were when it was mapped (valid while `self` lives).
    let bytes: UnsafeBufferPointer<UInt8>
    /// The path it was opened by, for messages.
    let path: String

    /// Maps the file at `path`, or returns nil when it is not a non-empty regular file or
    /// cannot be mapped; the caller then reads it with `FileBytes`, which reports any error.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        // The mapping keeps its own reference to the file.
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 else { return nil }
        let count = Int(status.st_size)
        guard let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        #if os(Linux)
        // The parse reads each worker's part front to back: read ahead aggressively.
        _ = madvise(address, count, MADV_SEQUENTIAL)
        _ = madvise(address, count, MADV_WILLNEED)
        #endif
        self.bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: count)
        self.path = path
    }

    /// Drops the whole pages inside `range` of a mapping's `bytes` from the process (they stay
    /// in the page cache, and reading them again maps them again). Lets parallel workers undo
    /// the mapping as they finish with it, rather than one thread in `deinit`.
    ///
    /// The mapped pages are clean page cache, which the kernel can reclaim under memory pressure
    /// even while mapped: unlike the buffer `read(2)` filled, they count in the resident size
    /// without pinning memory.
    static func releasePages(of bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>) {
        #if os(Linux)
        guard let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_DONTNEED)
        #endif
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
