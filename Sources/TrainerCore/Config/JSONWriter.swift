extension JSONValue {
    /// Writes the value as JSON text, keys in stored order, with no trailing newline.
    ///
    /// - `pretty`: one member per line with 2-space indentation and `": "` after keys;
    ///   otherwise no whitespace at all. Empty containers are always `{}` / `[]`.
    /// - Numbers: integral values with |v| < 2^53 are written without a fraction (`5`, not
    ///   `5.0`), since those are exactly the integers a `Double` holds; other finite values use
    ///   Swift's shortest round-trip `description` (`0.1`, `1e-05`), so parsing the text gives
    ///   back the identical `Double`. JSON has no infinity or NaN, so those become `null`.
    /// - Strings: `"` and `\` are escaped, control characters as `\n`, `\t`, … or `\u00XX`;
    ///   everything else is written as UTF-8.
    public func serialized(pretty: Bool = true) -> String {
        var output = ""
        write(to: &output, pretty: pretty, indent: 0)
        return output
    }

    private func write(to output: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .number(let value):
            output += JSONValue.format(value)
        case .string(let value):
            JSONValue.writeString(value, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else { output += "[]"; return }
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                if pretty { JSONValue.newline(&output, indent: indent + 1) }
                element.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSONValue.newline(&output, indent: indent) }
            output += "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{"
            for (position, (key, value)) in members.enumerated() {
                if position > 0 { output += "," }
                if pretty { JSONValue.newline(&output, indent: indent + 1) }
                JSONValue.writeString(key, to: &output)
                output += pretty ? ": " : ":"
                value.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { JSONValue.newline(&output, indent: indent) }
            output += "}"
        }
    }

    private static func newline(_ output: inout String, indent: Int) {
        output += "\n"
        output += String(repeating: "  ", count: indent)
    }

    /// The JSON text for one number; see `serialized(pretty:)`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            // Keep the sign of negative zero so that it, too, round-trips bit for bit.
            if value == 0 { return value.sign == .minus ? "-0" : "0" }
            return String(Int64(value))
        }
        return value.description
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                output += "\\u00" + (hex.count == 1 ? "0" + hex : hex)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
