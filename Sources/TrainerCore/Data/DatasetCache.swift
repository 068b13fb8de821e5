#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// A binary cache of parsed datasets, so that the second run on a large CSV file reads its
/// doubles straight into the feature matrix instead of parsing text again.
///
/// Why: parsing is the dominant start-up cost for large files (seconds for a 1 GB CSV) while
/// reading 8 bytes per value back is bounded by memory bandwidth (BENCHMARKS.md has the numbers).
///
/// Where: `$TRAINER_CACHE_DIR` if set, else `$XDG_CACHE_HOME/trainer/datasets`, else
/// `$HOME/.cache/trainer/datasets` — never next to the data, which may be read-only or shared.
/// `TRAINER_CACHE_DIR=off` (or `0`) disables the cache. Files smaller than `minimumFileSize`
/// are never cached: they parse faster than a cache lookup pays for itself.
///
/// Keying and invalidation: one entry per (absolute path, target, feature list, model kind,
/// loader version), named by a 64-bit FNV-1a hash of that key; the entry repeats the full key
/// so a hash collision is a miss, never wrong data. The entry also records the source file's
/// size, inode, modification and change times (nanoseconds) and an FNV-1a hash of its first and
/// last 64 KiB; any difference is a miss, after which the file is parsed and the entry
/// rewritten. The hash catches rewrites that keep size and timestamps (e.g. `touch -r`, or two
/// writes within one timestamp tick) when they touch either end of the file; a same-size edit
/// confined to the middle of a file within one timestamp tick is the one change it can miss.
///
/// Robustness: an unreadable, truncated, foreign or stale entry is a miss; failing to write an
/// entry (read-only cache folder, full disk) is silently ignored — the cache can only ever save
/// time, never fail a load. Entries are written to a temporary file and renamed into place, so
/// a concurrent reader never sees half an entry.
public struct DatasetCache: Sendable {
    /// Folder holding the entries, or nil when caching is off.
    public let directory: String?
    /// Source files smaller than this are loaded without the cache.
    public let minimumFileSize: Int
    /// Whether a matrix read back from an entry is advised to use transparent huge pages. Yes
    /// for data that shuffled epochs will gather rows from at random (one TLB miss per row
    /// otherwise: a 1e6 × 100 epoch measured 40–45 ms against 61–82 ms in 4 KiB pages; the
    /// training matrix is the loaded one, see `PreparedData`). No when the matrix is only
    /// read in order (`trainer solve`, gradient checks, predictions): on this project's VMs,
    /// fresh huge pages cost more to touch first than 4 KiB pages (Benchmarks/NOTES.md,
    /// round 10), and only random access pays that back.
    public var hugePages = true

    /// Bumped whenever the entry layout or the loader's semantics change.
    static let formatVersion = "trainer-dataset-cache-v2"
    static let magic: [UInt8] = Array("TRNRDSC2".utf8)
    static let probeBytes = 64 * 1024

    public init(directory: String?, minimumFileSize: Int = 8 * 1024 * 1024) {
        self.directory = directory
        self.minimumFileSize = minimumFileSize
    }

    /// The cache configured by the environment (see the type's documentation).
    public static var standard: DatasetCache {
        func env(_ name: String) -> String? {
            guard let value = getenv(name) else { return nil }
            let s = String(cString: value)
            return s.isEmpty ? nil : s
        }
        if let explicit = env("TRAINER_CACHE_DIR") {
            return DatasetCache(directory: explicit == "off" || explicit == "0" ? nil : explicit)
        }
        if let xdg = env("XDG_CACHE_HOME") { return DatasetCache(directory: xdg + "/trainer/datasets") }
        if let home = env("HOME") { return DatasetCache(directory: home + "/.cache/trainer/datasets") }
        return DatasetCache(directory: nil)
    }

    /// The dataset for `path` and `selection` (everything besides the file that shapes the
    /// result: target, features, kind…), from the cache when a valid entry exists, else from
    /// `parse`, which reads and parses the file — after which the entry is written.
    public func load(
        path: String, selection: String, parse: () throws(DataError) -> Dataset
    ) throws(DataError) -> Dataset {
        try load(path: path, selection: selection) { () throws(DataError) in (try parse(), []) }.dataset
    }

    /// `load(path:selection:parse:)` for a parse that also gives a few counts the dataset alone
    /// cannot tell (how many rows `drop_row` left out, say): they are stored in the entry and
    /// come back with it.
    public func load(
        path: String, selection: String, parse: () throws(DataError) -> (Dataset, counts: [Int])
    ) throws(DataError) -> (dataset: Dataset, counts: [Int]) {
        // A plain stat first: small files (most runs) skip the identity probe entirely.
        var st = stat()
        guard let directory, stat(path, &st) == 0, Int(st.st_size) >= minimumFileSize,
              let identity = SourceIdentity(path: path) else {
            return try parse()
        }
        let key = Self.formatVersion + "\n" + identity.absolutePath + "\n" + selection
        let entry = directory + "/" + Self.hexHash(Array(key.utf8)) + ".dataset"
        if let cached = Self.read(entry: entry, key: key, identity: identity, sourcePath: path, hugePages: hugePages) {
            return cached
        }
        let (dataset, counts) = try parse()
        // Only cache what still describes the file: if it changed while being parsed, skip.
        if let after = SourceIdentity(path: path), after == identity {
            Self.write(dataset, counts: counts, entry: entry, directory: directory, key: key, identity: identity)
        }
        return (dataset, counts)
    }

    // MARK: - Source identity

    /// What must be unchanged for an entry to describe the file.
    struct SourceIdentity: Equatable {
        var absolutePath: String
        var size: Int
        var inode: UInt64
        var modified: (Int, Int)
        var changed: (Int, Int)
        var probeHash: UInt64

        static func == (a: Self, b: Self) -> Bool {
            a.absolutePath == b.absolutePath && a.size == b.size && a.inode == b.inode
                && a.modified == b.modified && a.changed == b.changed && a.probeHash == b.probeHash
        }

        init?(path: String) {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            size = Int(st.st_size)
            inode = UInt64(st.st_ino)
            #if canImport(Darwin)
            modified = (Int(st.st_mtimespec.tv_sec), Int(st.st_mtimespec.tv_nsec))
            changed = (Int(st.st_ctimespec.tv_sec), Int(st.st_ctimespec.tv_nsec))
            #else
            modified = (Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec))
            changed = (Int(st.st_ctim.tv_sec), Int(st.st_ctim.tv_nsec))
            #endif
            var probe = [UInt8](repeating: 0, count: min(size, 2 * DatasetCache.probeBytes))
            let head = min(size, DatasetCache.probeBytes)
            let tailStart = max(head, size - DatasetCache.probeBytes)
            let fileSize = size
            let ok = probe.withUnsafeMutableBytes { p -> Bool in
                guard let base = p.baseAddress else { return true }
                return DatasetCache.readFully(fd, base, head, offset: 0)
                    && DatasetCache.readFully(fd, base + head, fileSize - tailStart, offset: tailStart)
            }
            guard ok else { return nil }
            probeHash = DatasetCache.fnv1a(probe)
            if path.hasPrefix("/") {
                absolutePath = path
            } else {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                guard getcwd(&buffer, buffer.count) != nil else { return nil }
                absolutePath = String(cString: buffer) + "/" + path
            }
        }

        /// The fixed-size part of an entry header.
        var words: [UInt64] {
            [UInt64(size), inode, UInt64(bitPattern: Int64(modified.0)), UInt64(modified.1),
             UInt64(bitPattern: Int64(changed.0)), UInt64(changed.1), probeHash]
        }
    }

    // MARK: - Entry format
    //
    // magic (8) | key length (8) | key | identity words (7 × 8) | rows, columns (2 × 8)
    // | string table: feature names, target name, class count + 1 (0 = regression), classes
    // | count of counts (8), counts (8 each) | targets (rows × 8) | features (rows × columns × 8);
    // all integers little-endian UInt64, every string as length (8) + UTF-8 bytes.

    static func write(
        _ dataset: Dataset, counts: [Int] = [], entry: String, directory: String, key: String, identity: SourceIdentity
    ) {
        var header: [UInt8] = magic
        func word(_ w: UInt64) { withUnsafeBytes(of: w.littleEndian) { header.append(contentsOf: $0) } }
        func string(_ s: String) { word(UInt64(s.utf8.count)); header.append(contentsOf: s.utf8) }
        string(key)
        for w in identity.words { word(w) }
        word(UInt64(dataset.features.rows))
        word(UInt64(dataset.features.columns))
        word(UInt64(dataset.featureNames.count))
        for name in dataset.featureNames { string(name) }
        string(dataset.targetName)
        word(UInt64((dataset.classes?.count ?? -1) + 1))
        for label in dataset.classes ?? [] { string(label) }
        guard counts.allSatisfy({ $0 >= 0 }) else { return }
        word(UInt64(counts.count))
        for count in counts { word(UInt64(count)) }

        guard makeDirectories(directory) else { return }
        let temporary = entry + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        var ok = header.withUnsafeBytes { writeFully(fd, $0) }
        ok = ok && dataset.targets.withUnsafeBytes { writeFully(fd, $0) }
        ok = ok && dataset.features.values.withUnsafeBytes { writeFully(fd, $0) }
        ok = close(fd) == 0 && ok
        if !ok || rename(temporary, entry) != 0 { unlink(temporary) }
    }

    static func read(
        entry: String, key: String, identity: SourceIdentity, sourcePath: String, hugePages: Bool = true
    ) -> (dataset: Dataset, counts: [Int])? {
        let fd = open(entry, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let fileSize = Int(st.st_size)
        guard fileSize > magic.count else { return nil }
        // The header is small; read a generous prefix, then the bulk straight into place.
        var prefix = [UInt8](repeating: 0, count: min(fileSize, 1 << 20))
        guard prefix.withUnsafeMutableBytes({ p in p.baseAddress.map { readFully(fd, $0, p.count, offset: 0) } ?? false }) else { return nil }
        var cursor = HeaderCursor(bytes: prefix)
        guard let head = cursor.take(magic.count), Array(head) == magic,
              let storedKey = cursor.string(), storedKey == key else { return nil }
        for w in identity.words { guard cursor.word() == w else { return nil } }
        guard let rows = cursor.int(), let columns = cursor.int(), let nameCount = cursor.int(),
              nameCount == columns, rows > 0 else { return nil }
        var names: [String] = []
        for _ in 0..<nameCount {
            guard let name = cursor.string() else { return nil }
            names.append(name)
        }
        guard let targetName = cursor.string(), let classSlot = cursor.int() else { return nil }
        var classes: [String]?
        if classSlot > 0 {
            var labels: [String] = []
            for _ in 0..<(classSlot - 1) {
                guard let label = cursor.string() else { return nil }
                labels.append(label)
            }
            classes = labels
        }
        guard let countCount = cursor.int(), countCount <= 64 else { return nil }
        var counts: [Int] = []
        for _ in 0..<countCount {
            guard let count = cursor.int() else { return nil }
            counts.append(count)
        }
        let (valueCount, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, cursor.offset + 8 * (rows + valueCount) == fileSize else { return nil }
        let targetsOffset = cursor.offset
        var failed = false
        let targets = [Double](unsafeUninitializedCapacity: rows) { buffer, count in
            // Huge pages here too: a shuffled epoch reads one target per row at random.
            if hugePages, let base = buffer.baseAddress { FileBytes.adviseHugePages(UnsafeMutableRawPointer(base), 8 * rows) }
            failed = buffer.baseAddress.map { !readFully(fd, UnsafeMutableRawPointer($0), 8 * rows, offset: targetsOffset) } ?? true
            count = rows
        }
        guard !failed else { return nil }
        let values = [Double](unsafeUninitializedCapacity: valueCount) { buffer, count in
            if valueCount > 0 {
                if hugePages, let base = buffer.baseAddress { FileBytes.adviseHugePages(UnsafeMutableRawPointer(base), 8 * valueCount) }
                failed = buffer.baseAddress.map { !readInParallel(fd, UnsafeMutableRawPointer($0), 8 * valueCount, offset: targetsOffset + 8 * rows) } ?? true
            }
            count = valueCount
        }
        guard !failed, let matrix = try? Matrix(rows: rows, columns: columns, values: values) else { return nil }
        let dataset = Dataset(
            featureNames: names, features: matrix, targetName: targetName, targets: targets,
            classes: classes, sourcePath: sourcePath)
        return (dataset, counts)
    }

    /// Bounds-checked reads from an entry's header (any malformed length is a miss).
    struct HeaderCursor {
        let bytes: [UInt8]
        var offset = 0
        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, n <= bytes.count - offset else { return nil }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }
        mutating func word() -> UInt64? {
            guard let b = take(8) else { return nil }
            return b.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        mutating func int() -> Int? {
            guard let w = word(), w <= UInt64(Int32.max) * 1024 else { return nil }
            return Int(w)
        }
        mutating func string() -> String? {
            guard let n = int(), let b = take(n) else { return nil }
            return String(validating: b, as: UTF8.self)
        }
    }

    // MARK: - POSIX helpers

    static func readFully(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int, offset: Int) -> Bool {
        var done = 0
        while done < count {
            let n = pread(fd, base + done, min(count - done, 1 << 30), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// How many pieces work split between the cores is cut into: eight per online core (at most
    /// eight cores), so the cores take pieces as they finish and a slower vCPU (one measured
    /// 36% slower here) does not make the others wait for its share.
    static var parallelPieces: Int { 8 * max(1, min(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 8)) }

    /// `readFully` split into pieces read on every core at once, for the feature matrix.
    ///
    /// Why: the read's cost is mostly the kernel backing fresh pages, not copying. On a
    /// virtual machine whose free memory is handed back to the host (virtio-balloon free page
    /// reporting, as on this project's machines), every fresh 2 MiB page first faults on the
    /// host: one thread read an 800 MB entry in 2.0–2.8 s where two took ~0.4–0.6 s
    /// (Benchmarks/NOTES.md, round 10). `parallelPieces` pieces of at least 4 MiB; the same
    /// bytes as one read.
    static func readInParallel(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int, offset: Int) -> Bool {
        let pieceSize = 4 << 20
        let oneCore = parallelPieces <= 8
        guard !oneCore, count >= 4 * pieceSize else { return readFully(fd, base, count, offset: offset) }
        let pieces = min(parallelPieces, count / pieceSize)
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: pieces)
        results.initialize(repeating: false)
        defer { results.deallocate() }
        nonisolated(unsafe) let target = base
        nonisolated(unsafe) let done = results
        DispatchQueue.concurrentPerform(iterations: pieces) { p in
            let lo = count * p / pieces, hi = count * (p + 1) / pieces
            done[p] = readFully(fd, target + lo, hi - lo, offset: offset + lo)
        }
        return results.allSatisfy { $0 }
    }

    static func writeFully(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var done = 0
        while done < buffer.count {
            #if canImport(Glibc)
            let n = Glibc.write(fd, base + done, min(buffer.count - done, 1 << 30))
            #else
            let n = Darwin.write(fd, base + done, min(buffer.count - done, 1 << 30))
            #endif
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    static func makeDirectories(_ path: String) -> Bool {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST { return false }
        }
        return true
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    static func hexHash(_ bytes: [UInt8]) -> String {
        let s = String(fnv1a(bytes), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
