import Foundation
import Testing
@testable import TrainerCore

/// Split micro-batches (`BatchSplitter`): two fixed parts whose gradients are added in order.
/// The bits must not depend on whether the helper thread ran, must equal the halves computed
/// by hand, and must agree with the unsplit batch to rounding.
struct BatchSplitterTests {
    static func objective(_ kind: ModelKind, features: Int, bias: Bool = true) throws -> LinearModelObjective {
        let data = try TrainingLoopTests.dataset(kind: kind, rows: 203, features: features)
        return try LinearModelObjective(
            kind: kind, features: data.features, targets: data.targets, classCount: 3, fitsBias: bias, l2: 0.01)
    }

    static func shuffled(_ f: LinearModelObjective, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        var order = Array(0..<f.exampleCount)
        rng.shuffle(&order)
        return order
    }

    /// max |a − b| / max(|b|, 1) over the entries.
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0
    }

    @Test(arguments: ModelKind.allCases, [1, 3, 4, 7, 20])
    func splitBitsDoNotDependOnTheHelperThreadAndEqualTheHalvesByHand(kind: ModelKind, features: Int) throws {
        let f = try Self.objective(kind, features: features)
        let theta = WorkspaceTests.theta(f)
        let order = Self.shuffled(f, seed: 3)
        for batch in [2, 5, 37, 64] {
            let threaded = BatchSplitter(objective: f, batchCapacity: batch, force: true)
            let inline = BatchSplitter(objective: f, batchCapacity: batch, force: true, helperThread: false)
            defer { threaded.finish(); inline.finish() }
            #expect(threaded.isActive && inline.isActive)
            var workspaceA = f.makeWorkspace(batchCapacity: batch), workspaceB = workspaceA, workspaceC = workspaceA
            var halfWorkspace = f.makeWorkspace(batchCapacity: batch)
            var viaThread = [Double](repeating: 0, count: f.parameterCount), viaInline = viaThread, byHand = viaThread
            var unsplit = viaThread
            var position = 0
            while position < order.count {
                let end = min(position + batch, order.count)
                let rows = order[position..<end]
                let upcoming = order[end..<min(end + batch, order.count)]
                let a = try threaded.accumulate(rows: rows, parameters: theta, into: &viaThread, workspace: &workspaceA, upcoming: upcoming)
                let b = try inline.accumulate(rows: rows, parameters: theta, into: &viaInline, workspace: &workspaceB, upcoming: upcoming)
                #expect(a.bitPattern == b.bitPattern)
                #expect(viaThread.map(\.bitPattern) == viaInline.map(\.bitPattern))
                // By hand: the loop thread's rows straight into the sum, the rest into zeros, added.
                var expected: Double
                if rows.count >= 2 {
                    let mid = rows.startIndex + BatchSplitter.loopThreadRows(of: rows.count)
                    var second = [Double](repeating: 0, count: f.parameterCount)
                    let first = try f.accumulate(rows: rows[..<mid], parameters: theta, into: &byHand, workspace: &workspaceC)
                    let last = try f.accumulate(rows: rows[mid...], parameters: theta, into: &second, workspace: &halfWorkspace)
                    for i in byHand.indices { byHand[i] += second[i] }
                    expected = first + last
                } else {
                    expected = try f.accumulate(rows: rows, parameters: theta, into: &byHand, workspace: &workspaceC)
                }
                #expect(a.bitPattern == expected.bitPattern)
                #expect(viaThread.map(\.bitPattern) == byHand.map(\.bitPattern))
                let plain = try f.accumulate(rows: rows, parameters: theta, into: &unsplit, workspace: &workspaceC)
                #expect(abs(a - plain) <= 1e-12 * max(abs(plain), 1))
                position = end
            }
            #expect(Self.relativeDifference(viaThread, unsplit) < 1e-12)
            #expect(viaThread.contains { $0 != 0 })
        }
    }

    /// The helper's share: 9/16 of the rows, at least one row each, every row in one part.
    @Test func splitPointIsAFixedShare() {
        #expect(BatchSplitter.loopThreadRows(of: 256) == 112)
        #expect(BatchSplitter.loopThreadRows(of: 64) == 28)
        #expect(BatchSplitter.loopThreadRows(of: 2) == 1)
        #expect(BatchSplitter.loopThreadRows(of: 3) == 1)
        #expect(BatchSplitter.loopThreadRows(of: 1) == 1)
        for n in 2...300 {
            let first = BatchSplitter.loopThreadRows(of: n)
            #expect(first >= 1 && first < n, "n = \(n)")
        }
    }

    @Test func malformedBatchesAreReportedNotTrapped() throws {
        let f = try Self.objective(.logistic, features: 4)
        let theta = WorkspaceTests.theta(f)
        let splitter = BatchSplitter(objective: f, batchCapacity: 8, force: true)
        defer { splitter.finish() }
        var workspace = f.makeWorkspace(batchCapacity: 8)
        var gradient = [Double](repeating: 0, count: f.parameterCount)
        #expect(throws: LinearAlgebraError.self) {
            try splitter.accumulate(rows: [0, 1, 2, 203, 4, 5], parameters: theta, into: &gradient, workspace: &workspace, upcoming: [])
        }
        #expect(throws: LinearAlgebraError.self) {
            try splitter.accumulate(rows: [-1, 1, 2, 3], parameters: theta, into: &gradient, workspace: &workspace, upcoming: [])
        }
        #expect(throws: LinearAlgebraError.self) {
            try splitter.accumulate(rows: ArraySlice(0..<9), parameters: theta, into: &gradient, workspace: &workspace, upcoming: [])
        }
        // Out-of-range look-ahead indices are only hints.
        var fresh = [Double](repeating: 0, count: f.parameterCount), reference = fresh
        let a = try splitter.accumulate(rows: [3, 1, 4, 1, 5], parameters: theta, into: &fresh, workspace: &workspace, upcoming: [-5, 1 << 40, 2])
        let b = try splitter.accumulate(rows: [3, 1, 4, 1, 5], parameters: theta, into: &reference, workspace: &workspace, upcoming: [])
        #expect(a.bitPattern == b.bitPattern)
        #expect(fresh == reference)
    }

    /// Splitting is a shape decision: large data and batches split, small ones do not, and
    /// nothing about the machine enters it.
    @Test func splittingDependsOnTheShapeOnly() throws {
        guard ProcessInfo.processInfo.environment["TRAINER_FORCE_BATCH_SPLIT"] != "1" else { return }
        let small = try Self.objective(.linear, features: 5)
        #expect(!BatchSplitter.splits(small, batchCapacity: 256))
        #expect(BatchSplitter.splits(small, batchCapacity: 256, force: true))
        #expect(!BatchSplitter.splits(small, batchCapacity: 1, force: true))
        let wide = Matrix(rows: 90_000, columns: 100)
        let big = try LinearModelObjective(kind: .linear, features: wide, targets: [Double](repeating: 0, count: 90_000), fitsBias: true)
        #expect(BatchSplitter.splits(big, batchCapacity: 256))
        #expect(!BatchSplitter.splits(big, batchCapacity: 15))
    }
}
