import Foundation

/// Finds the config file a user means.
///
/// `trainer run configs/logreg.json` must work although the folder is `Configs/` and Linux paths
/// are case-sensitive, and `trainer run logreg` names a shipped config. Resolution, first match
/// wins: the path as typed; the path with each component matched case-insensitively when
/// exactly one directory entry matches; for a bare name, `Configs/<name>.json` (folder and file
/// matched the same way). Nothing is copied: the shipped configs exist once.
public enum ConfigLocator {
    /// The folder that holds shipped configs, relative to the current directory.
    public static let configsFolder = "Configs"

    public static func locate(_ argument: String) throws(ConfigError) -> String {
        let fm = FileManager.default
        if fm.fileExists(atPath: argument) { return argument }
        if let found = caseInsensitive(argument) { return found }
        if !argument.contains("/") {
            let name = argument.hasSuffix(".json") ? argument : argument + ".json"
            if let found = caseInsensitive("\(configsFolder)/\(name)") { return found }
        }
        var reason = "no such config file"
        let available = shippedConfigNames()
        if !available.isEmpty {
            let stem = ((argument as NSString).lastPathComponent as NSString).deletingPathExtension
            if let suggestion = Suggestions.closest(to: stem, among: available) {
                reason += "; did you mean \"\(suggestion)\"?"
            }
            reason += " (shipped configs: \(available.joined(separator: ", ")))"
        }
        throw ConfigError(file: argument, path: nil, reason: reason)
    }

    /// Names (without `.json`) of the configs in `Configs/`.
    public static func shippedConfigNames() -> [String] {
        guard let folder = caseInsensitive(configsFolder),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return entries.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Matches each component of a relative or absolute path case-insensitively.
    static func caseInsensitive(_ path: String) -> String? {
        let fm = FileManager.default
        var current = path.hasPrefix("/") ? "/" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            let next = (current as NSString).appendingPathComponent(String(component))
            if fm.fileExists(atPath: next) {
                current = next
                continue
            }
            guard let entries = try? fm.contentsOfDirectory(atPath: current) else { return nil }
            let matches = entries.filter { $0.lowercased() == component.lowercased() }
            guard matches.count == 1 else { return nil }
            current = (current as NSString).appendingPathComponent(matches[0])
        }
        guard fm.fileExists(atPath: current) else { return nil }
        return current.hasPrefix("./") ? String(current.dropFirst(2)) : current
    }
}
