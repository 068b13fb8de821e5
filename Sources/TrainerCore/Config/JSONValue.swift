/// A JSON document as a tree.
///
/// Objects are stored as an array of key/value pairs rather than a dictionary so that the
/// order of keys survives a read/modify/write cycle: resolved configs are written back in
/// schema order, and a user's file keeps the order it was written in.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// Every JSON number is held as a `Double`; see `JSONValue.parse(_:)` for how it is read.
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Key/value pairs in document order. The parser rejects duplicate keys, so keys are unique
    /// in any value it produces.
    case object([(String, JSONValue)])

    /// Structural equality. Object keys are compared in order, because order is part of what
    /// this type preserves; numbers compare with `Double`'s `==` (so `0 == -0`, `NaN != NaN`).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.number(a), .number(b)):
            return a == b
        case let (.string(a), .string(b)):
            return a == b
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            for (left, right) in zip(a, b) where left.0 != right.0 || left.1 != right.1 {
                return false
            }
            return true
        default:
            return false
        }
    }

    /// The value stored under `key` when `self` is an object holding it, else `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.0 == key })?.1
    }

    /// The members when `self` is an object.
    public var objectMembers: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A short phrase naming the kind of value ("a string", "an object"), for error messages.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// How a value is quoted in an error message ("got ..."): scalars are written as compact
    /// JSON so a string shows its quotes; containers are only named, since they can be large.
    public var errorDescription: String {
        switch self {
        case .array, .object: return kindDescription
        default: return serialized(pretty: false)
        }
    }
}

extension Array where Element == (String, JSONValue) {
    /// Replaces the value under `key` in place (keeping its position), or appends it.
    mutating func setMember(_ key: String, _ value: JSONValue) {
        if let index = firstIndex(where: { $0.0 == key }) {
            self[index].1 = value
        } else {
            append((key, value))
        }
    }
}
