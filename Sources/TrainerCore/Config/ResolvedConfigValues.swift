/// Validated config values by dotted path, the hand-off between schema-driven validation and
/// the typed config structs.
///
/// The getters can only fail if the schema and the structs disagree (a programming error),
/// never because of user input, which validation has already checked. They throw rather than
/// trap so that even such a bug surfaces as a readable error.
struct ResolvedConfigValues {
    var values: [String: JSONValue]

    private func missing(_ path: String, _ expected: String) -> ConfigError {
        ConfigError(path: path, reason: "internal error: no resolved \(expected) (schema and config types disagree)")
    }

    func string(_ path: String) throws(ConfigError) -> String {
        guard case .string(let value)? = values[path] else { throw missing(path, "string") }
        return value
    }

    func bool(_ path: String) throws(ConfigError) -> Bool {
        guard case .bool(let value)? = values[path] else { throw missing(path, "boolean") }
        return value
    }

    func double(_ path: String) throws(ConfigError) -> Double {
        guard case .number(let value)? = values[path] else { throw missing(path, "number") }
        return value
    }

    func optionalDouble(_ path: String) throws(ConfigError) -> Double? {
        if values[path] == .null { return nil }
        return try double(path)
    }

    func int(_ path: String) throws(ConfigError) -> Int {
        guard let value = Int(exactly: try double(path)) else { throw missing(path, "integer") }
        return value
    }

    func optionalInt(_ path: String) throws(ConfigError) -> Int? {
        if values[path] == .null { return nil }
        return try int(path)
    }

    func uint64(_ path: String) throws(ConfigError) -> UInt64 {
        guard let value = UInt64(exactly: try double(path)) else { throw missing(path, "unsigned integer") }
        return value
    }

    func optionalString(_ path: String) throws(ConfigError) -> String? {
        if values[path] == .null { return nil }
        return try string(path)
    }

    func optionalUInt64(_ path: String) throws(ConfigError) -> UInt64? {
        if values[path] == .null { return nil }
        return try uint64(path)
    }

    /// A number, or an array of numbers, as an array.
    func numbers(_ path: String) throws(ConfigError) -> [Double] {
        switch values[path] {
        case .number(let value)?:
            return [value]
        case .array(let elements)?:
            var numbers: [Double] = []
            for case .number(let value) in elements { numbers.append(value) }
            guard numbers.count == elements.count else { throw missing(path, "array of numbers") }
            return numbers
        default:
            throw missing(path, "number or array of numbers")
        }
    }

    /// A vector (one row) or a matrix of numbers, as rows; nil for null.
    func optionalRows(_ path: String) throws(ConfigError) -> [[Double]]? {
        guard case .array(let elements)? = values[path] else {
            if values[path] == .null { return nil }
            throw missing(path, "array of numbers")
        }
        if case .array = elements.first {
            var rows: [[Double]] = []
            for element in elements {
                guard case .array(let row) = element else { throw missing(path, "array of arrays of numbers") }
                var numbers: [Double] = []
                for case .number(let value) in row { numbers.append(value) }
                guard numbers.count == row.count else { throw missing(path, "array of arrays of numbers") }
                rows.append(numbers)
            }
            return rows
        }
        var numbers: [Double] = []
        for case .number(let value) in elements { numbers.append(value) }
        guard numbers.count == elements.count else { throw missing(path, "array of numbers") }
        return [numbers]
    }

    func optionalStrings(_ path: String) throws(ConfigError) -> [String]? {
        switch values[path] {
        case .null?:
            return nil
        case .array(let elements)?:
            var strings: [String] = []
            for element in elements {
                guard case .string(let string) = element else { throw missing(path, "array of strings") }
                strings.append(string)
            }
            return strings
        default:
            throw missing(path, "array of strings")
        }
    }

    func enumeration<T: RawRepresentable>(_ path: String, as _: T.Type = T.self) throws(ConfigError) -> T where T.RawValue == String {
        guard let value = T(rawValue: try string(path)) else { throw missing(path, "\(T.self)") }
        return value
    }

    func batchSize(_ path: String) throws(ConfigError) -> BatchSize {
        if values[path] == .string("full") { return .full }
        return .size(try int(path))
    }

    /// Whether a nullable section is switched on (present and not `null`).
    func isPresent(_ path: String) -> Bool {
        if let value = values[path] { return value != .null }
        return false
    }
}
