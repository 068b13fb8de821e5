/// Typed, located access to a JSON document read from a run folder.
///
/// Every accessor takes a key and reports a wrong or missing value as a `RunReadError` that names
/// the file and the full key path (`final.val_loss`, `weights[1][3]`), because `summary.json`
/// and `model.json` are files people edit, copy between machines and produce with other tools.
/// `null` counts as absent: the writer uses it for non-finite numbers.
public struct JSONFieldReader: Sendable {
    /// The value this reader looks into.
    public let value: JSONValue
    /// The file, for errors.
    public let file: String
    /// Key path of `value` inside the document ("" for the root).
    public let path: String

    /// A reader for a whole document.
    public init(_ value: JSONValue, file: String, path: String = "") {
        self.value = value
        self.file = file
        self.path = path
    }

    /// Reads and parses a JSON file.
    public static func load(path file: String) throws(RunReadError) -> JSONFieldReader {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(ofFile: file)
        } catch {
            throw RunReadError(file: file, reason: error.reason)
        }
        do {
            return JSONFieldReader(try JSONValue.parse(utf8: bytes), file: file)
        } catch {
            throw RunReadError(file: file, line: error.line, column: error.column, reason: error.reason)
        }
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// An error about `key` below this value.
    public func error(_ key: String, _ reason: String) -> RunReadError {
        RunReadError(file: file, key: keyPath(key), reason: reason)
    }

    /// The member `key`, or nil when absent or null.
    public func member(_ key: String) throws(RunReadError) -> JSONValue? {
        guard case .object(let members) = value else {
            throw RunReadError(file: file, key: path.isEmpty ? nil : path, reason: "expected an object, got \(value.errorDescription)")
        }
        guard let found = members.first(where: { $0.0 == key })?.1 else { return nil }
        if case .null = found { return nil }
        return found
    }

    /// The member `key`, which must be present.
    public func required(_ key: String) throws(RunReadError) -> JSONValue {
        guard let v = try member(key) else { throw error(key, "missing (or null)") }
        return v
    }

    /// A nested object as a reader, or nil when absent.
    public func object(_ key: String) throws(RunReadError) -> JSONFieldReader? {
        guard let v = try member(key) else { return nil }
        guard case .object = v else { throw error(key, "expected an object, got \(v.errorDescription)") }
        return JSONFieldReader(v, file: file, path: keyPath(key))
    }

    /// An optional number.
    public func number(_ key: String) throws(RunReadError) -> Double? {
        guard let v = try member(key) else { return nil }
        guard case .number(let x) = v else { throw error(key, "expected a number, got \(v.errorDescription)") }
        return x
    }

    /// An optional integer (a number with no fraction).
    public func integer(_ key: String) throws(RunReadError) -> Int? {
        guard let x = try number(key) else { return nil }
        guard x == x.rounded(), abs(x) < 9e15 else { throw error(key, "expected an integer, got \(JSONValue.number(x).errorDescription)") }
        return Int(x)
    }

    /// An optional string.
    public func string(_ key: String) throws(RunReadError) -> String? {
        guard let v = try member(key) else { return nil }
        guard case .string(let s) = v else { throw error(key, "expected a string, got \(v.errorDescription)") }
        return s
    }

    /// An optional boolean.
    public func bool(_ key: String) throws(RunReadError) -> Bool? {
        guard let v = try member(key) else { return nil }
        guard case .bool(let b) = v else { throw error(key, "expected true or false, got \(v.errorDescription)") }
        return b
    }

    /// An optional array of strings.
    public func strings(_ key: String) throws(RunReadError) -> [String]? {
        guard let v = try member(key) else { return nil }
        guard case .array(let elements) = v else { throw error(key, "expected an array of strings, got \(v.errorDescription)") }
        var result: [String] = []
        for (i, e) in elements.enumerated() {
            guard case .string(let s) = e else { throw error("\(key)[\(i)]", "expected a string, got \(e.errorDescription)") }
            result.append(s)
        }
        return result
    }

    /// A required array of finite numbers of length `count` (any length when nil).
    ///
    /// A `null` element is reported as non-finite: that is how the writer spells NaN and infinity.
    public func numbers(_ key: String, count: Int?) throws(RunReadError) -> [Double] {
        try Self.numbers(try required(key), file: file, path: keyPath(key), count: count)
    }

    /// `value` as an array of finite numbers; errors name `path` and the index.
    static func numbers(_ value: JSONValue, file: String, path: String, count: Int?) throws(RunReadError) -> [Double] {
        guard case .array(let elements) = value else {
            throw RunReadError(file: file, key: path, reason: "expected an array of numbers, got \(value.errorDescription)")
        }
        if let count, elements.count != count {
            throw RunReadError(file: file, key: path, reason: "expected \(count) numbers, found \(elements.count)")
        }
        var result: [Double] = []
        result.reserveCapacity(elements.count)
        for (i, e) in elements.enumerated() {
            switch e {
            case .number(let x): result.append(x)
            case .null:
                throw RunReadError(file: file, key: "\(path)[\(i)]", reason: "is null: the value was not finite when written (did the run diverge?)")
            default:
                throw RunReadError(file: file, key: "\(path)[\(i)]", reason: "expected a number, got \(e.errorDescription)")
            }
        }
        return result
    }
}
