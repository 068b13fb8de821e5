// Shared helpers for the Config*Tests suites (no tests of its own).
import Testing
@testable import TrainerCore

/// The smallest valid config: only the required keys.
let minimalConfigJSON = #"{"data": {"path": "data.csv", "target": "y"}, "model": {"type": "linear"}}"#

/// Parses config text as if it came from `Configs/x.json`.
func parseConfig(_ text: String, overrides: [String] = []) throws -> TrainerConfig {
    try TrainerConfig.parse(JSONValue.parse(text), defaultName: "x", file: "Configs/x.json", overrides: overrides)
}

/// The user-facing message for config text that must be rejected; records a test failure
/// (and returns nil) if it is accepted.
func configErrorMessage(_ text: String, overrides: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    do {
        let json = try JSONValue.parse(text)
        let config = try TrainerConfig.parse(json, defaultName: "x", file: "Configs/x.json", overrides: overrides)
        Issue.record("expected a config error, got \(config)", sourceLocation: sourceLocation)
        return nil
    } catch let error as ConfigError {
        return error.description
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The minimal config with `section.key` set to the JSON text `value`, e.g.
/// `withKey("optimizer", "lr", "-0.1")`.
func withKey(_ section: String, _ key: String, _ value: String) -> String {
    switch section {
    case "data": return #"{"data": {"path": "data.csv", "target": "y", "\#(key)": \#(value)}, "model": {"type": "linear"}}"#
    case "model": return #"{"data": {"path": "data.csv", "target": "y"}, "model": {"type": "linear", "\#(key)": \#(value)}}"#
    case "": return #"{"data": {"path": "data.csv", "target": "y"}, "model": {"type": "linear"}, "\#(key)": \#(value)}"#
    default: return #"{"data": {"path": "data.csv", "target": "y"}, "model": {"type": "linear"}, "\#(section)": {"\#(key)": \#(value)}}"#
    }
}
