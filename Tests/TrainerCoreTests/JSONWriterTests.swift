import Testing
@testable import TrainerCore

@Suite struct JSONWriterTests {
    @Test func prettyUsesTwoSpaceIndentAndStoredKeyOrder() {
        let value = JSONValue.object([
            ("name", .string("demo")),
            ("list", .array([.number(1), .bool(false), .null])),
            ("empty", .object([])),
            ("nested", .object([("z", .array([])), ("a", .number(0.5))])),
        ])
        let expected = """
        {
          "name": "demo",
          "list": [
            1,
            false,
            null
          ],
          "empty": {},
          "nested": {
            "z": [],
            "a": 0.5
          }
        }
        """
        #expect(value.serialized() == expected)
        #expect(value.serialized(pretty: false) == #"{"name":"demo","list":[1,false,null],"empty":{},"nested":{"z":[],"a":0.5}}"#)
    }

    @Test(arguments: [
        (5.0, "5"),
        (-3.0, "-3"),
        (0.0, "0"),
        (-0.0, "-0"),
        (0.1, "0.1"),
        (1e-5, "1e-05"),
        (2.5, "2.5"),
        (9_007_199_254_740_991.0, "9007199254740991"),
        (9_007_199_254_740_992.0, "9007199254740992.0"),
        (1e20, "1e+20"),
        (0.1 + 0.2, "0.30000000000000004"),
        (Double.infinity, "null"),
        (-Double.infinity, "null"),
        (Double.nan, "null"),
    ])
    func numberFormatting(value: Double, text: String) {
        #expect(JSONValue.number(value).serialized() == text)
    }

    @Test func stringEscaping() {
        let value = JSONValue.string("q\"b\\s/\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}é😀")
        #expect(value.serialized() == #""q\"b\\s/\n\r\t\b\f\u0001\u001F"# + "\u{7F}é😀\"")
    }

    @Test func keysAreEscapedToo() {
        #expect(JSONValue.object([("a\"b", .null)]).serialized(pretty: false) == #"{"a\"b":null}"#)
    }
}
