extension TrainerConfig {
    /// Reads, validates and resolves the config file at `path`, after applying `overrides`
    /// (`key.path=value` strings from `--set`). The run name defaults to the file's base name
    /// without extension.
    public static func load(path: String, overrides: [String] = []) throws(ConfigError) -> TrainerConfig {
        // Malformed overrides are reported before touching the file: they are independent of it.
        for override in overrides { _ = try ConfigOverride(parsing: override) }
        let bytes: [UInt8]
        switch ConfigFileReader.read(path) {
        case .success(let contents): bytes = contents
        case .failure(let error): throw error
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(utf8: bytes)
        } catch {
            throw ConfigError(file: path, line: error.line, column: error.column, reason: error.reason)
        }
        return try parse(json, defaultName: baseName(of: path), file: path, overrides: overrides)
    }

    /// Validates and resolves an already parsed config. `defaultName` is used when the JSON has
    /// no `name`; `file` only labels error messages.
    public static func parse(_ json: JSONValue, defaultName: String, file: String?, overrides: [String] = []) throws(ConfigError) -> TrainerConfig {
        var parsedOverrides: [ConfigOverride] = []
        for text in overrides { parsedOverrides.append(try ConfigOverride(parsing: text)) }
        guard case .object = json else {
            throw ConfigError(file: file, reason: "the top level must be an object, got \(json.errorDescription)")
        }
        var root = json
        for override in parsedOverrides {
            do {
                root = try override.applied(to: root)
            } catch {
                var error = error
                error.file = file
                throw error
            }
        }
        var validator = ConfigValidator(defaultName: defaultName)
        do {
            try validator.validate(root)
            return try TrainerConfig(resolved: ResolvedConfigValues(values: validator.resolved))
        } catch {
            var error = error
            error.file = file
            // Blame the last override that touched the offending key: its value is the one
            // that was validated.
            if let path = error.path, let culprit = parsedOverrides.last(where: { $0.concerns(path) }) {
                error.override = culprit.text
            }
            throw error
        }
    }

    /// The config as JSON with every key present, defaults filled in, in schema order: what a
    /// run folder records so a run can be reproduced without knowing the defaults of the day.
    /// `parse(resolvedJSON(), …)` gives back `self`.
    public func resolvedJSON() -> JSONValue {
        TrainerConfig.assemble(parent: "", from: resolvedValues())
    }

    private static func assemble(parent: String, from values: [String: JSONValue]) -> JSONValue {
        var members: [(String, JSONValue)] = []
        for key in ConfigSchema.children(of: parent) {
            if key.type == .section {
                if key.nullable, values[key.path] ?? .null == .null {
                    members.append((key.name, .null))
                } else {
                    members.append((key.name, assemble(parent: key.path, from: values)))
                }
            } else {
                members.append((key.name, values[key.path] ?? .null))
            }
        }
        return .object(members)
    }

    /// `Configs/linear.json` → `linear`: the last path component without its extension. A
    /// leading dot is not an extension separator (`.json` stays `.json`).
    static func baseName(of path: String) -> String {
        let last = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        if let dot = last.lastIndex(of: "."), dot != last.startIndex {
            return String(last[..<dot])
        }
        return last
    }
}
