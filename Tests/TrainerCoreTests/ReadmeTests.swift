import Foundation
import Testing
@testable import TrainerCore

/// README documents every config key; this keeps its table identical to the schema.
struct ReadmeTests {
    @Test func readmeConfigTableMatchesTheSchema() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- config-keys:start -->\n"))
        let end = try #require(readme.range(of: "<!-- config-keys:end -->"))
        let table = String(readme[start.upperBound..<end.lowerBound])
        #expect(table == ConfigSchema.markdownTable(), "README's config table is stale: replace it with the output of `trainer config-keys`")
    }
}
