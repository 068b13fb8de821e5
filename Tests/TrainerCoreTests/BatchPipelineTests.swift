import Foundation
import Testing
@testable import TrainerCore

/// The two-thread batch gather (`BatchPipeline`) must give exactly the bits of the direct
/// workspace path, from any starting position, whether or not its look-ahead is used, and must
/// report malformed batches as the objective does.
struct BatchPipelineTests {
    static func objective(_ kind: ModelKind, features: Int = 5) throws -> LinearModelObjective {
        let data = try TrainingLoopTests.dataset(kind: kind, rows: 203, features: features)
        return try LinearModelObjective(
            kind: kind, features: data.features, targets: data.targets, classCount: 3, fitsBias: true, l2: 0.01)
    }

    /// Runs the batches of `order` from `start` through both paths (the hint is the next batch,
    /// as `Trainer.run` passes it) and compares gradient and loss bits after every batch.
    static func compare(_ f: LinearModelObjective, order: [Int], batch: Int, start: Int) throws {
        let theta = WorkspaceTests.theta(f)
        let pipeline = BatchPipeline(objective: f, batchCapacity: batch, shuffled: true, force: true)
        defer { pipeline.finish() }
        #expect(pipeline.isActive)
        var workspaceA = f.makeWorkspace(batchCapacity: batch), workspaceB = workspaceA
        var viaPipeline = [Double](repeating: 0, count: f.parameterCount), direct = viaPipeline
        var position = start
        while position < order.count {
            let end = min(position + batch, order.count)
            let rows = order[position..<end]
            let upcoming = order[end..<min(end + batch, order.count)]
            let a = try pipeline.accumulate(
                rows: rows, parameters: theta, into: &viaPipeline, workspace: &workspaceA, upcoming: upcoming)
            let b = try f.accumulate(rows: rows, parameters: theta, into: &direct, workspace: &workspaceB)
            #expect(a == b)
            #expect(viaPipeline == direct)
            position = end
        }
    }

    @Test(arguments: ModelKind.allCases, [0, 48, 197])
    func pipelineIsBitIdenticalFromAnyPosition(kind: ModelKind, start: Int) throws {
        for features in [5, 20] {  // the element loop and the row move
            let f = try Self.objective(kind, features: features)
            var rng = SeededGenerator(seed: 11)
            var order = Array(0..<f.exampleCount)
            rng.shuffle(&order)
            for batch in [1, 16, 37, 256] {
                try Self.compare(f, order: order, batch: batch, start: start)
            }
        }
    }

    @Test func unusedOrWrongLookAheadDoesNotChangeResults() throws {
        let f = try Self.objective(.softmax)
        let theta = WorkspaceTests.theta(f)
        let pipeline = BatchPipeline(objective: f, batchCapacity: 32, shuffled: true, force: true)
        var workspaceA = f.makeWorkspace(batchCapacity: 32), workspaceB = workspaceA
        var viaPipeline = [Double](repeating: 0, count: f.parameterCount), direct = viaPipeline
        let batches: [[Int]] = [Array(0..<32), Array(stride(from: 200, to: 100, by: -5)), [7, 7, 7], Array(40..<72)]
        // Each call names a look-ahead that the next call does not follow (the last one none).
        let hints: [[Int]] = [Array(100..<132), [1, 2, 3], Array(0..<32), []]
        for (rows, hint) in zip(batches, hints) {
            let a = try pipeline.accumulate(
                rows: rows[...], parameters: theta, into: &viaPipeline, workspace: &workspaceA, upcoming: hint[...])
            let b = try f.accumulate(rows: rows[...], parameters: theta, into: &direct, workspace: &workspaceB)
            #expect(a == b)
            #expect(viaPipeline == direct)
        }
        pipeline.finish()
        pipeline.finish()  // idempotent; later calls take the direct path
        let a = try pipeline.accumulate(
            rows: [3, 1][...], parameters: theta, into: &viaPipeline, workspace: &workspaceA, upcoming: [4][...])
        let b = try f.accumulate(rows: [3, 1][...], parameters: theta, into: &direct, workspace: &workspaceB)
        #expect(a == b)
        #expect(viaPipeline == direct)
    }

    @Test func malformedBatchesThrowAndBadHintsAreIgnored() throws {
        let f = try Self.objective(.logistic)
        let theta = WorkspaceTests.theta(f)
        let pipeline = BatchPipeline(objective: f, batchCapacity: 8, shuffled: true, force: true)
        defer { pipeline.finish() }
        var workspace = f.makeWorkspace(batchCapacity: 8)
        var gradient = [Double](repeating: 0, count: f.parameterCount)
        for rows in [[0, f.exampleCount], [-1], Array(0..<9), [Int.min, Int.max]] {
            #expect(throws: LinearAlgebraError.self) {
                try pipeline.accumulate(
                    rows: rows[...], parameters: theta, into: &gradient, workspace: &workspace, upcoming: [1, 2][...])
            }
        }
        #expect(gradient == [Double](repeating: 0, count: f.parameterCount))
        var direct = gradient, workspaceB = workspace
        for hint in [[f.exampleCount], [-5, 2], Array(0..<20), [Int.max]] {
            let a = try pipeline.accumulate(
                rows: [5, 9, 2][...], parameters: theta, into: &gradient, workspace: &workspace, upcoming: hint[...])
            let b = try f.accumulate(rows: [5, 9, 2][...], parameters: theta, into: &direct, workspace: &workspaceB)
            #expect(a == b)
            #expect(gradient == direct)
        }
        #expect(try pipeline.accumulate(rows: [][...], parameters: theta, into: &gradient, workspace: &workspace, upcoming: [][...]) == 0)
        var small = f.makeWorkspace(batchCapacity: 2)
        #expect(throws: LinearAlgebraError.self) {
            try pipeline.accumulate(rows: [0, 1, 2][...], parameters: theta, into: &gradient, workspace: &small, upcoming: [][...])
        }
    }

    @Test func smallDataDoesNotStartAThread() throws {
        guard ProcessInfo.processInfo.environment["TRAINER_FORCE_BATCH_PIPELINE"] != "1" else { return }
        let f = try Self.objective(.linear)
        #expect(!BatchPipeline(objective: f, batchCapacity: 16, shuffled: true).isActive)
        #expect(!BatchPipeline(objective: f, batchCapacity: 16, shuffled: false, force: false).isActive)
    }
}
