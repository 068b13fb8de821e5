import Foundation

/// Path arithmetic the run folder needs (Foundation has no relative-path function on Linux).
public enum PathUtilities {
    /// `path` made absolute against the current directory and normalised (no `.`/`..`).
    public static func absolute(_ path: String) -> String {
        let base = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return normalise(base)
    }

    /// Removes `.` and resolves `..` lexically.
    public static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A relative path from folder `from` to `to` (both made absolute first).
    public static func relative(from: String, to: String) -> String {
        let a = absolute(from).split(separator: "/"), b = absolute(to).split(separator: "/")
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        let rest = b[common...].map(String.init)
        let joined = (ups + rest).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// The folder part of a path ("." for a bare file name).
    public static func directory(of path: String) -> String {
        let d = (path as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }
}
