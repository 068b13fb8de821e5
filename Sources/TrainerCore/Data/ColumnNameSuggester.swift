/// Finds the column a user probably meant when a name is not in the header.
enum ColumnNameSuggester {
    /// The best candidate: an exact match ignoring case wins; otherwise the closest name within
    /// edit distance 2 (first in file order on ties). A candidate that would need every character
    /// replaced is not "close", whatever the distance, so one-letter names do not match everything.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        if let match = candidates.first(where: { $0.lowercased() == lowered }) { return match }
        let target = Array(name.unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.unicodeScalars))
            guard distance <= 2, distance < max(target.count, 1) else { continue }
            if let current = best, distance >= current.distance { continue }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Levenshtein distance over Unicode scalars (insert, delete, substitute all cost 1).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
