/// A command-line override, `--set key.path=value`, applied to the config JSON before
/// validation so it is checked exactly like a value written in the file.
struct ConfigOverride: Equatable {
    /// The override as typed, for error messages.
    var text: String
    /// The key path split at dots.
    var components: [String]
    /// The value: parsed as JSON when it parses, else the raw text as a string, so that
    /// `model.type=logistic` works without shell-quoting `"logistic"`. For keys whose schema
    /// type is a string, non-string JSON is taken as text too.
    var value: JSONValue

    init(parsing text: String) throws(ConfigError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw ConfigError(override: text, reason: "expected key.path=value")
        }
        let key = String(text[..<equals])
        let rawValue = String(text[text.index(after: equals)...])
        let components = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty else {
            throw ConfigError(override: text, reason: "empty key; expected key.path=value")
        }
        guard !components.contains(where: \.isEmpty) else {
            throw ConfigError(override: text, reason: "invalid key path \"\(key)\"")
        }
        self.text = text
        self.components = components
        let parsed = (try? JSONValue.parse(rawValue)) ?? .string(rawValue)
        // A string-valued key takes the text as typed even when it happens to be valid JSON,
        // so `name=2024` names the run "2024" instead of failing on the number 2024.
        switch ConfigSchema.key(key)?.type {
        case .string?, .enumeration?:
            if case .string = parsed {
                self.value = parsed
            } else {
                self.value = .string(rawValue)
            }
        default:
            self.value = parsed
        }
    }

    /// `root` with the value set, creating intermediate objects that are absent or `null`.
    func applied(to root: JSONValue) throws(ConfigError) -> JSONValue {
        try setting(components[...], in: root, parent: "")
    }

    private func setting(_ path: ArraySlice<String>, in node: JSONValue, parent: String) throws(ConfigError) -> JSONValue {
        var members: [(String, JSONValue)]
        switch node {
        case .object(let existing): members = existing
        case .null: members = []
        default:
            throw ConfigError(override: text, path: parent.isEmpty ? nil : parent, reason: "expected an object, got \(node.errorDescription)")
        }
        guard let first = path.first else { return value }
        let childPath = ConfigValidator.join(parent, first)
        let rest = path.dropFirst()
        if rest.isEmpty {
            members.setMember(first, value)
        } else {
            members.setMember(first, try setting(rest, in: node[first] ?? .null, parent: childPath))
        }
        return .object(members)
    }

    /// Whether an error at `path` concerns this override: one path is a prefix of the other
    /// (setting `optimizer.lr` can break `optimizer.lr`; setting `optimizer` can break any
    /// `optimizer.*`; setting `foo.bar` makes `foo` an unknown key).
    func concerns(_ path: String) -> Bool {
        let errorComponents = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let common = min(errorComponents.count, components.count)
        return Array(errorComponents.prefix(common)) == Array(components.prefix(common))
    }
}
