#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distinct softmax class labels one chunk of `FastNumericCSV` saw, each identified by its
/// bytes in the file, and the final encoding of all chunks' labels by `ClassLabelEncoder`'s
/// rule (`ClassLabelEncoder.classes`).
///
/// Why a table of its own: the general loader's encoder keys a dictionary by an `ArraySlice`
/// per row on one core; here each worker looks a row's label up by an FNV-1a hash of its bytes
/// in an open-addressed table that points back into the file, with no allocation per row. Blanks
/// (spaces, tabs) at a label's ends are not part of it, as the general loader trims them; a
/// label the general loader would treat differently — empty or with a quote in it — makes the
/// chunk decline, and the general loader reads the file. (A quoted label's table entry is its
/// content, trimmed; the caller's scan stops at a carriage return.)
///
/// One instance per chunk, used by one worker at a time.
final class ChunkLabels: @unchecked Sendable {
    /// Where each label (by id) starts in the file, and its length.
    private(set) var starts: [Int] = []
    private(set) var lengths: [Int] = []
    /// Open addressing: label id + 1, or 0 for an empty slot; the count is a power of two kept
    /// at least twice the number of labels.
    private var slots = [Int](repeating: 0, count: 16)
    private var hashes: [UInt64] = []

    /// The id of the label spelled by `bytes[range]` without blanks at its ends (a new one the
    /// first time), or nil when the general loader must handle it.
    func id(ofLabelIn field: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var lower = field.lowerBound, upper = field.upperBound
        while lower < upper, DecimalParser.isBlank(bytes[lower]) { lower += 1 }
        while upper > lower, DecimalParser.isBlank(bytes[upper - 1]) { upper -= 1 }
        let range = lower..<upper
        guard let first = range.first else { return nil }   // empty
        // FNV-1a as `DatasetCache.fnv1a`, in the same pass as the check for quotes (it runs
        // for every row; the caller's scan already stopped at any carriage return).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in range {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { return nil }
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = slots[slot] - 1
            if hashes[id] == hash && lengths[id] == range.count
                && memcmp(bytes.baseAddress! + starts[id], bytes.baseAddress! + first, range.count) == 0 {
                return id
            }
            slot = (slot + 1) & mask
        }
        let id = starts.count
        starts.append(first)
        lengths.append(range.count)
        hashes.append(hash)
        slots[slot] = id + 1
        if 2 * starts.count > slots.count { grow() }
        return id
    }

    private func grow() {
        slots = [Int](repeating: 0, count: 2 * slots.count)
        let mask = slots.count - 1
        for id in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = id + 1
        }
    }

    /// The bytes of label `id` (its text in the file, blanks at its ends left out).
    func label(_ id: Int, in bytes: UnsafeBufferPointer<UInt8>) -> ArraySlice<UInt8> {
        ArraySlice(UnsafeBufferPointer(rebasing: bytes[starts[id]..<(starts[id] + lengths[id])]))
    }

    /// For each chunk, which of its label ids a row that is not `dropped` uses. Dropped rows
    /// (under `drop_row`, and empty lines) never reach the general loader's encoder, so their
    /// labels must not make classes; their targets are not label ids at all when the label was
    /// missing or the line empty.
    static func usedIds(
        _ tables: [ChunkLabels], chunkRows: [Int], targets: [Double], dropped: UnsafeMutableBufferPointer<Bool>
    ) -> [[Bool]] {
        tables.enumerated().map { w, table in
            var used = [Bool](repeating: false, count: table.starts.count)
            for row in chunkRows[w]..<chunkRows[w + 1] where !dropped[row] { used[Int(targets[row])] = true }
            return used
        }
    }

    /// Each chunk's label ids mapped through `map` (called once per distinct label a kept row
    /// uses, `used`: `usedIds`; −1 for the others), or nil as soon as `map` returns nil.
    static func mapUsedLabels(
        _ tables: [ChunkLabels], bytes: UnsafeBufferPointer<UInt8>, used: [[Bool]],
        _ map: (ArraySlice<UInt8>) -> Int?
    ) -> [[Int]]? {
        var maps: [[Int]] = []
        for (w, table) in tables.enumerated() {
            var mapped: [Int] = []
            for id in table.starts.indices {
                guard used[w][id] else {
                    mapped.append(-1)
                    continue
                }
                guard let value = map(table.label(id, in: bytes)) else { return nil }
                mapped.append(value)
            }
            maps.append(mapped)
        }
        return maps
    }

    /// Replaces each kept row's target (its label's id in its chunk, rows
    /// `chunkRows[w]..<chunkRows[w + 1]` for chunk w) by `classOfId[w][id]`.
    static func applyClasses(
        _ classOfId: [[Int]], chunkRows: [Int], targets: inout [Double], dropped: UnsafeMutableBufferPointer<Bool>
    ) {
        for (w, map) in classOfId.enumerated() {
            for row in chunkRows[w]..<chunkRows[w + 1] where !dropped[row] {
                targets[row] = Double(map[Int(targets[row])])
            }
        }
    }

    /// The class names for the labels of all chunks' kept rows, with each kept row's target
    /// replaced by its class index (`used`: `usedIds`); nil when the general loader must decide
    /// (fewer than two classes, invalid UTF-8).
    static func encode(
        _ tables: [ChunkLabels], bytes: UnsafeBufferPointer<UInt8>, chunkRows: [Int], targets: inout [Double],
        used: [[Bool]], dropped: UnsafeMutableBufferPointer<Bool>
    ) -> [String]? {
        // Distinct labels over all chunks, and each chunk's ids mapped onto them.
        var labelIndex: [ArraySlice<UInt8>: Int] = [:]
        var labels: [ArraySlice<UInt8>] = []
        guard let distinctOfChunk = mapUsedLabels(tables, bytes: bytes, used: used, { text in
            if let index = labelIndex[text] { return index }
            labelIndex[text] = labels.count
            labels.append(text)
            return labels.count - 1
        }) else { return nil }
        // Names and classes as the general loader's encoder decides them.
        var names: [String] = []
        for label in labels {
            guard let name = String(validating: label, as: UTF8.self) else { return nil }
            names.append(name)
        }
        let (classes, classOfLabel) = ClassLabelEncoder.classes(of: names, bytes: labels)
        guard classes.count >= 2 else { return nil }
        let classOfId = distinctOfChunk.map { map in map.map { $0 < 0 ? -1 : classOfLabel[$0] } }
        applyClasses(classOfId, chunkRows: chunkRows, targets: &targets, dropped: dropped)
        return classes
    }

    /// Turns each row's label id into a class of a saved model: `index` maps a label's bytes
    /// as the general reader maps each row's (`ClassLookup`), once per distinct label of a
    /// chunk. False when a label is not one of the model's classes (the general reader then
    /// reports the row).
    static func lookUp(
        _ tables: [ChunkLabels], bytes: UnsafeBufferPointer<UInt8>, chunkRows: [Int], targets: inout [Double],
        used: [[Bool]], dropped: UnsafeMutableBufferPointer<Bool>, index: (ArraySlice<UInt8>) -> Int?
    ) -> Bool {
        guard let classOfId = mapUsedLabels(tables, bytes: bytes, used: used, index) else { return false }
        applyClasses(classOfId, chunkRows: chunkRows, targets: &targets, dropped: dropped)
        return true
    }
}
