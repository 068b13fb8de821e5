/// Collects softmax class labels row by row and assigns the final class indices.
///
/// Rows get a provisional id (order of first appearance) keyed by the label's bytes, so a
/// column of repeated labels costs a hash lookup per row and a `String` per distinct label only.
/// Class order is decided at the end, when all labels are known:
/// - every label an integer (`[+-]?[0-9]+`): numeric order, so "2" sorts before "10"; the class
///   name is the canonical integer text, so "01", "+1" and "1" are the same class "1";
/// - otherwise: lexicographic order of Unicode scalars (byte order of UTF-8), independent of locale.
struct ClassLabelEncoder {
    private var idOfLabel: [ArraySlice<UInt8>: Int] = [:]
    private var labels: [String] = []
    private var labelBytes: [ArraySlice<UInt8>] = []
    private var provisionalIDs: [Int] = []

    /// Records the label of `field` (0-based `column`) for the next row.
    mutating func append(_ field: CSVField, column: Int, reader: CSVReader) throws(DataError) {
        let content = reader.trimmedContent(field)
        if let id = idOfLabel[content] {
            provisionalIDs.append(id)
            return
        }
        guard !content.isEmpty else { throw reader.error(field, column: column, reason: "empty value") }
        guard let label = String(validating: content, as: UTF8.self) else {
            throw reader.error(field, column: column, reason: "invalid UTF-8 text in class label")
        }
        let id = labels.count
        idOfLabel[content] = id
        labels.append(label)
        labelBytes.append(content)
        provisionalIDs.append(id)
    }

    /// Class names (index = class index) and each row's class index.
    func finish() -> (classes: [String], targets: [Double]) {
        let (classes, classOfID) = Self.classes(of: labels, bytes: labelBytes)
        return (classes, provisionalIDs.map { Double(classOfID[$0]) })
    }

    /// The class order of the type's documentation for distinct labels (`labels[i]` spelled by
    /// `bytes[i]`): the class names, and each label's class index. Also used by the parallel
    /// CSV path (`ChunkLabels`), so both loaders encode alike.
    static func classes(of labels: [String], bytes: [ArraySlice<UInt8>]) -> (classes: [String], classOfLabel: [Int]) {
        let integers = bytes.map { DecimalParser.parseInteger($0) }
        var classOfLabel = Array(repeating: 0, count: labels.count)
        if integers.allSatisfy({ $0 != nil }) {
            let values = integers.compactMap { $0 }
            let sorted = Array(Set(values)).sorted()
            var indexOfValue: [Int: Int] = [:]
            for (index, value) in sorted.enumerated() { indexOfValue[value] = index }
            for (label, value) in values.enumerated() { classOfLabel[label] = indexOfValue[value] ?? 0 }
            return (sorted.map { String($0) }, classOfLabel)
        }
        let order = labels.indices.sorted { labels[$0].utf8.lexicographicallyPrecedes(labels[$1].utf8) }
        for (index, label) in order.enumerated() { classOfLabel[label] = index }
        return (order.map { labels[$0] }, classOfLabel)
    }
}
