#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file into memory with plain POSIX calls.
///
/// POSIX rather than Foundation so the error carries the OS's own words (`strerror`), e.g.
/// "No such file or directory" or "Is a directory", instead of a localized paraphrase.
enum FileBytes {
    /// The file's contents.
    ///
    /// - Throws: `DataError` without a line, whose reason is the OS error.
    static func contents(ofFile path: String) throws(DataError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw failure(path, errno) }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(path, errno) }
        // Reading a directory fails with EISDIR on Linux but not on every system; check first.
        if (status.st_mode & S_IFMT) == S_IFDIR { throw failure(path, EISDIR) }

        // st_size is only a hint (pipes report 0, files can grow), so read until EOF. One spare
        // byte lets a regular file hit EOF without growing the buffer.
        // Uninitialized rather than zero-filled (the read overwrites it; zeroing a 2 GB buffer
        // first cost a full extra pass), and backed by huge pages where the kernel allows.
        let hint = max(Int(status.st_size), 0) + 1
        var result = [UInt8](unsafeUninitializedCapacity: hint) { buffer, count in
            if let base = buffer.baseAddress { adviseHugePages(UnsafeMutableRawPointer(base), hint) }
            count = hint
        }
        var filled = 0
        while true {
            if filled == result.count {
                result.append(contentsOf: repeatElement(0, count: max(result.count, 64 * 1024)))
            }
            let n = result.withUnsafeMutableBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(descriptor, base + filled, buffer.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, errno)
            }
            if n == 0 {
                result.removeSubrange(filled...)
                return result
            }
            filled += n
        }
    }

    /// Asks Linux to back a large buffer with transparent huge pages (2 MiB) before it is
    /// filled. Why: with THP in its common `madvise` mode, filling an 800 MB buffer otherwise
    /// costs 200,000 page faults, and randomly gathered rows of a feature matrix miss the TLB
    /// nearly every time; with the advice it is 400 faults and far fewer misses. Only the
    /// 2 MiB-aligned interior is advised; failure (other kernels, THP off) is harmless.
    static func adviseHugePages(_ base: UnsafeMutableRawPointer, _ count: Int) {
        #if os(Linux)
        let huge = 2 << 20
        guard count >= 2 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + count) & ~(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// Gives the whole pages among the `count` bytes at `base` back to the kernel: for storage
    /// past an array's count that it will not use again (the pages read as zeros if touched).
    static func releasePages(_ base: UnsafeMutableRawPointer, _ count: Int) {
        #if os(Linux)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: base) + count) & ~(page - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, MADV_DONTNEED)
        #endif
    }

    private static func failure(_ path: String, _ code: Int32) -> DataError {
        DataError(file: path, reason: "cannot read file: " + String(cString: strerror(code)))
    }
}
