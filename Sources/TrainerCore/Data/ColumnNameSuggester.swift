/// Finds the column a user probably meant when a name is not in the header.
enum ColumnNameSuggester {
    /// The best candidate: an exact match ignoring case wins; otherwise the closest name within
    /// edit distance 2 (first in file order on ties). A candidate that would need every character
    /// replaced is not "close", whatever the distance, so one-letter names do not match everything.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        if let match = candidates.first(where: { $0.lowercased() == lowered }) { return match }
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = Suggestions.editDistance(name, candidate)
            guard distance <= 2, distance < max(name.count, 1) else { continue }
            if let current = best, distance >= current.distance { continue }
            best = (candidate, distance)
        }
        return best?.name
    }
}
