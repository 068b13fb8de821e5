/// The JSON shape a config key accepts. Checking the shape comes before range checks
/// (`ConfigConstraint`), so constraints only ever see well-typed values.
public enum ConfigValueType: Equatable, Sendable {
    case string
    case boolean
    /// A JSON number with no fractional part (`3` or `3.0`, not `2.5`) and |v| < 2^53, the
    /// range in which a `Double` holds every integer exactly.
    case integer
    case number
    /// One of the given strings.
    case enumeration([String])
    /// An array of strings.
    case stringArray
    /// A positive integer or the string `"full"`.
    case batchSize
    /// An object holding further keys.
    case section
    /// A number, or an array of numbers (a per-class value such as a true intercept).
    case numberOrNumbers
    /// An array of numbers (a vector), or a non-empty array of equally long non-empty arrays
    /// of numbers (a matrix, one row per class).
    case vectorOrMatrix
    /// An object mapping config key paths to non-empty arrays of values (`sweep`); the keys and
    /// values themselves are checked by the `sweepGrid` constraint, against the schema.
    case sweepGrid

    /// Text for the documentation table.
    public var documentation: String {
        switch self {
        case .string: return "string"
        case .boolean: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .enumeration(let cases): return "one of " + cases.map { "`\($0)`" }.joined(separator: ", ")
        case .stringArray: return "array of strings"
        case .batchSize: return "positive integer or `\"full\"`"
        case .section: return "object"
        case .numberOrNumbers: return "number or array of numbers"
        case .vectorOrMatrix: return "array of numbers, or array of equally long arrays of numbers"
        case .sweepGrid: return "object of key path → non-empty array"
        }
    }

    /// The "expected …" phrase of a type error.
    func expectation(nullable: Bool) -> String {
        let orNull = nullable ? " or null" : ""
        switch self {
        case .string: return "expected a string" + orNull
        case .boolean: return "expected a boolean" + orNull
        case .integer: return "expected an integer" + orNull
        case .number: return "expected a number" + orNull
        case .enumeration(let cases): return "expected one of " + cases.map { "\"\($0)\"" }.joined(separator: ", ") + orNull
        case .stringArray: return "expected an array of strings" + orNull
        case .batchSize: return "expected a positive integer or \"full\"" + orNull
        case .section: return "expected an object" + orNull
        case .numberOrNumbers: return "expected a number or an array of numbers" + orNull
        case .vectorOrMatrix: return "expected an array of numbers or an array of equally long arrays of numbers" + orNull
        case .sweepGrid: return "expected an object of key paths to arrays of values" + orNull
        }
    }

    /// Checks the shape of a non-null `value` and returns it normalized (`3.0` stays the
    /// number 3; nothing else changes), or the reason it was rejected.
    func check(_ value: JSONValue, nullable: Bool) -> Result<JSONValue, TypeMismatch> {
        let mismatch = Result<JSONValue, TypeMismatch>.failure(TypeMismatch(reason: "\(expectation(nullable: nullable)), got \(value.errorDescription)"))
        switch (self, value) {
        case (.string, .string), (.boolean, .bool), (.number, .number), (.section, .object):
            return .success(value)
        case (.integer, .number(let number)):
            guard number == number.rounded() else { return mismatch }
            guard abs(number) < ConfigValueType.exactIntegerLimit else {
                return .failure(TypeMismatch(reason: "integers must be less than 2^53 in magnitude, got \(value.errorDescription)"))
            }
            return .success(value)
        case (.enumeration(let cases), .string(let string)):
            guard cases.contains(string) else {
                var reason = "\(expectation(nullable: nullable)), got \(value.errorDescription)"
                if let suggestion = Suggestions.closest(to: string, among: cases) {
                    reason += "; did you mean \"\(suggestion)\"?"
                }
                return .failure(TypeMismatch(reason: reason))
            }
            return .success(value)
        case (.stringArray, .array(let elements)):
            for element in elements {
                guard case .string = element else {
                    return .failure(TypeMismatch(reason: "\(expectation(nullable: nullable)), got an array containing \(element.errorDescription)"))
                }
            }
            return .success(value)
        case (.batchSize, .string("full")):
            return .success(value)
        case (.batchSize, .number(let number)):
            guard number == number.rounded(), number >= 1, number < ConfigValueType.exactIntegerLimit else { return mismatch }
            return .success(value)
        case (.numberOrNumbers, .number):
            return .success(value)
        case (.numberOrNumbers, .array(let elements)):
            guard !elements.isEmpty, elements.allSatisfy(Self.isNumber) else { return mismatch }
            return .success(value)
        case (.vectorOrMatrix, .array(let elements)):
            guard let first = elements.first else { return mismatch }
            if elements.allSatisfy(Self.isNumber) { return .success(value) }
            guard case .array(let firstRow) = first, !firstRow.isEmpty else { return mismatch }
            for element in elements {
                guard case .array(let row) = element, row.count == firstRow.count, row.allSatisfy(Self.isNumber) else {
                    return mismatch
                }
            }
            return .success(value)
        case (.sweepGrid, .object(let members)):
            guard !members.isEmpty else {
                return .failure(TypeMismatch(reason: "must name at least one key to sweep (use null for no sweep)"))
            }
            for (key, element) in members {
                guard case .array(let values) = element, !values.isEmpty else {
                    return .failure(TypeMismatch(reason: "\(key): expected a non-empty array of values, got \(element.errorDescription)"))
                }
            }
            return .success(value)
        default:
            return mismatch
        }
    }

    private static func isNumber(_ value: JSONValue) -> Bool {
        if case .number = value { return true }
        return false
    }

    /// 2^53: every integer of smaller magnitude is exactly representable as a `Double`.
    static let exactIntegerLimit: Double = 9_007_199_254_740_992

    /// A rejected shape, with the message tail (`expected an integer, got "ten"`).
    struct TypeMismatch: Error {
        var reason: String
    }
}
