/// Checks a config JSON tree against `ConfigSchema` and resolves every key to a value,
/// filling in defaults.
///
/// Two passes: first shapes (unknown keys, types, missing required keys) walking the tree
/// section by section, then constraints in schema order. Constraints run last because some
/// relate several keys (`optimizer.nesterov` reads `optimizer.momentum`), which must all be
/// resolved first.
struct ConfigValidator {
    private(set) var resolved: [String: JSONValue] = [:]
    private let defaultName: String

    init(defaultName: String) {
        self.defaultName = defaultName
    }

    /// Validates `root`; afterwards `resolved` holds every key by path.
    mutating func validate(_ root: JSONValue) throws(ConfigError) {
        guard case .object(let members) = root else {
            throw ConfigError(reason: "the top level must be an object, got \(root.errorDescription)")
        }
        try walk(members, parent: "")
        for key in ConfigSchema.keys {
            guard let value = resolved[key.path] else { continue }
            try key.constraint.check(value, path: key.path, resolved: resolved)
        }
    }

    private mutating func walk(_ members: [(String, JSONValue)], parent: String) throws(ConfigError) {
        let children = ConfigSchema.children(of: parent)
        // Unknown keys first, in document order, so a typo is reported as a typo rather than
        // as the "required key is missing" it causes.
        for (name, _) in members where !children.contains(where: { $0.name == name }) {
            let path = ConfigValidator.join(parent, name)
            throw ConfigError(path: path, reason: ConfigValidator.unknownKeyReason(name: name, parent: parent))
        }
        for key in children {
            let value = members.first(where: { $0.0 == key.name })?.1
            if key.type == .section {
                try resolveSection(key, value)
            } else {
                try resolveLeaf(key, value, siblings: members)
            }
        }
    }

    private mutating func resolveSection(_ key: ConfigKey, _ value: JSONValue?) throws(ConfigError) {
        switch value {
        case .object(let members)?:
            if key.nullable { resolved[key.path] = .object([]) }
            try walk(members, parent: key.path)
        case nil where key.defaultValue == .children:
            // An absent section is an empty one: each child takes its default, and a missing
            // required child is reported by its own path.
            try walk([], parent: key.path)
        case nil:
            resolved[key.path] = .null
        case .null? where key.nullable:
            resolved[key.path] = .null
        case let other?:
            throw ConfigError(path: key.path, reason: "\(key.type.expectation(nullable: key.nullable)), got \(other.errorDescription)")
        }
    }

    private mutating func resolveLeaf(_ key: ConfigKey, _ value: JSONValue?, siblings: [(String, JSONValue)]) throws(ConfigError) {
        guard let value else {
            switch key.defaultValue {
            case .required:
                throw ConfigError(path: key.path, reason: "required key is missing")
            case .requiredUnless(let present, let otherwise):
                // The condition is a sibling, which may come later in schema order, so it is
                // read from the object being walked rather than from `resolved`.
                let name = present.split(separator: ".").last.map(String.init) ?? present
                let isSet = siblings.contains { $0.0 == name && $0.1 != .null }
                guard isSet else { throw ConfigError(path: key.path, reason: "required key is missing") }
                resolved[key.path] = otherwise
            case .value(let defaultValue):
                resolved[key.path] = defaultValue
            case .fileBaseName:
                resolved[key.path] = .string(defaultName)
            case .children:
                throw ConfigError(path: key.path, reason: "internal error: leaf key declared with section default")
            }
            return
        }
        if value == .null && key.nullable {
            if case .requiredUnless(let present, _) = key.defaultValue,
               !siblings.contains(where: { $0.0 == (present.split(separator: ".").last.map(String.init) ?? present) && $0.1 != .null }) {
                throw ConfigError(path: key.path, reason: "\(key.type.expectation(nullable: false)), got null (null is only allowed with \(present))")
            }
            resolved[key.path] = .null
            return
        }
        switch key.type.check(value, nullable: key.nullable) {
        case .success(let normalized):
            resolved[key.path] = normalized
        case .failure(let mismatch):
            throw ConfigError(path: key.path, reason: mismatch.reason)
        }
    }

    static func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }

    /// `unknown key`, plus a suggestion: a key at the same level within 2 edits, else the same
    /// name at another level (`lr` at the top → `optimizer.lr`), else a near miss elsewhere.
    static func unknownKeyReason(name: String, parent: String) -> String {
        let siblings = ConfigSchema.children(of: parent).map(\.name)
        if let sibling = Suggestions.closest(to: name, among: siblings) {
            return "unknown key; did you mean \"\(join(parent, sibling))\"?"
        }
        let elsewhere = ConfigSchema.keys.filter { $0.parentPath != parent }
        if let exact = elsewhere.first(where: { $0.name == name }) {
            return "unknown key; did you mean \"\(exact.path)\"?"
        }
        if let near = Suggestions.closest(to: name, among: elsewhere.map(\.name)),
           let key = elsewhere.first(where: { $0.name == near }) {
            return "unknown key; did you mean \"\(key.path)\"?"
        }
        return "unknown key"
    }
}
