import Testing
@testable import TrainerCore

@Suite struct ConfigSchemaTests {
    @Test func pathsAreUniqueAndParentsAreEarlierSections() {
        var seen = Set<String>()
        for key in ConfigSchema.keys {
            #expect(seen.insert(key.path).inserted, "duplicate \(key.path)")
            if !key.parentPath.isEmpty {
                let parent = ConfigSchema.key(key.parentPath)
                #expect(parent?.type == .section, "\(key.path) has no section parent")
                #expect(seen.contains(key.parentPath), "\(key.path) comes before its section")
            }
            #expect(!key.doc.isEmpty, "\(key.path) is undocumented")
        }
        #expect(ConfigSchema.keys.count == 63)
    }

    @Test func defaultsPassTheirOwnTypeAndConstraint() {
        for key in ConfigSchema.keys {
            guard case .value(let value) = key.defaultValue, value != .null else { continue }
            switch key.type.check(value, nullable: key.nullable) {
            case .success:
                break
            case .failure(let mismatch):
                Issue.record("\(key.path): default \(value.serialized()) \(mismatch.reason)")
            }
            #expect(key.constraint.violation(of: value, resolved: ConfigDefaults.values.values) == nil, "\(key.path)")
        }
    }

    @Test func markdownTableListsEveryKey() {
        let table = ConfigSchema.markdownTable()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == ConfigSchema.keys.count + 2)
        #expect(lines.first == "| key | type | default | meaning |")
        #expect(lines.dropFirst(2).map { $0.split(separator: "`").dropFirst().first.map(String.init) } == ConfigSchema.keys.map(\.path))
        #expect(lines.contains("| `optimizer.lr` | number, > 0 | `0.01` | Base learning rate. |"))
        #expect(lines.contains("| `data.path` | string or null, non-empty; null with `data.synthetic` | required unless `data.synthetic` is set | CSV file with a header row. |"))
        #expect(lines.contains("| `data.target` | string, non-empty | required unless `data.synthetic` is set (then `\"y\"`) | Name of the target column. |"))
        #expect(lines.contains("| `optimizer.type` | one of `sgd`, `adam`, `adamw` | `\"sgd\"` | Optimizer algorithm. |"))
        #expect(lines.contains("| `training.clip_norm` | number or null, > 0 | `null` | Clip the gradient's global L2 norm to this value; null disables. |"))
        #expect(lines.contains("| `name` | string, non-empty, no `/`, no leading `.`, at most 100 characters | config file name without extension | Run name; run folders are named after it. |"))
        #expect(lines.contains("| `training` | object | — | The training loop. |"))
        for line in lines { #expect(line.hasPrefix("| ") && line.hasSuffix(" |")) }
    }

    /// Every nullable section switched on, so every key is resolved.
    static let everySectionOn = #"{"data": {"synthetic": {"rows": 10, "features": 2}}, "model": {"type": "linear"}, "training": {"early_stopping": {}}}"#

    @Test func resolvedJSONHasEveryKeyInSchemaOrder() throws {
        let config = try parseConfig(Self.everySectionOn)
        var paths: [String] = []
        func collect(_ value: JSONValue, prefix: String) {
            guard case .object(let members) = value else { return }
            for (name, child) in members {
                let path = prefix.isEmpty ? name : prefix + "." + name
                paths.append(path)
                collect(child, prefix: path)
            }
        }
        collect(config.resolvedJSON(), prefix: "")
        #expect(paths == ConfigSchema.keys.map(\.path))
    }

    @Test func resolvedJSONWritesDisabledEarlyStoppingAsNull() throws {
        let json = try parseConfig(minimalConfigJSON).resolvedJSON()
        #expect(json["training"]?["early_stopping"] == .null)
        #expect(json["training"]?["batch_size"] == .number(32))
        #expect(json["optimizer"]?["eps"] == .number(1e-8))
        #expect(json["name"] == .string("x"))
        let text = json.serialized()
        #expect(text.contains("\n  \"seed\": 0,\n"))
        #expect(text.contains("\n    \"eps\": 1e-08,\n"))
        #expect(text.contains("\n    \"features\": null,\n"))
    }

    @Test(arguments: [
        minimalConfigJSON,
        withKey("training", "early_stopping", #"{"patience": 4, "min_delta": 0.30000000000000004}"#),
        #"""
        {"name": "r", "seed": 123456789, "data": {"path": "d.csv", "target": "t", "features": ["x1", "x2"], "validation_fraction": 0.1234567890123456789},
         "model": {"type": "softmax", "l2": 1e-7}, "optimizer": {"type": "sgd", "momentum": 0.9, "nesterov": true},
         "training": {"batch_size": "full", "clip_norm": 2.5, "max_steps": 10}, "solver": {"method": "qr"}}
        """#,
    ])
    func resolvedJSONRoundTrips(text: String) throws {
        let config = try parseConfig(text)
        let resolved = config.resolvedJSON()
        #expect(try TrainerConfig.parse(resolved, defaultName: "other", file: nil) == config)
        // Through text as well, which is how run folders store it: doubles survive exactly.
        let reparsed = try JSONValue.parse(resolved.serialized())
        #expect(reparsed == resolved)
        #expect(try TrainerConfig.parse(reparsed, defaultName: "other", file: nil) == config)
    }

    @Test func resolvedValuesCoverExactlyTheSchemaLeaves() throws {
        let config = try parseConfig(Self.everySectionOn)
        let expected = Set(ConfigSchema.keys.filter { $0.type != .section || $0.nullable }.map(\.path))
        #expect(Set(config.resolvedValues().keys) == expected)
    }

    @Test(arguments: [
        ("optimzer", "optimizer", 1),
        ("lr", "lr", 0),
        ("nestrov", "nesterov", 1),
        ("logsitic", "logistic", 1),  // adjacent transposition counts once
        ("abc", "", 3),
        ("Optimizer", "optimizer", 0),
    ])
    func editDistance(a: String, b: String, distance: Int) {
        #expect(Suggestions.editDistance(a, b) == distance)
    }

    @Test func suggestionsNeedACloseMatch() {
        #expect(Suggestions.closest(to: "optimzer", among: ["data", "optimizer"]) == "optimizer")
        #expect(Suggestions.closest(to: "xy", among: ["lr", "l1"]) == nil)
        #expect(Suggestions.closest(to: "zzzzzz", among: ["optimizer"]) == nil)
    }
}
