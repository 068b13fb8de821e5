import Foundation
import Testing
@testable import TrainerCore

// Expected values are PyTorch's closed forms evaluated with plain Python floats, e.g.
// 0.1 * 0.9 ** 10 = 0.03486784401000001 and, for cosine with η = 0.1, η_min = 0.001, S = 100,
// 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * 25 / 100)) / 2 = 0.0855017856687341
// (by hand: 0.001 + 0.099·(1 + √½)/2 ≈ 0.08550179).

/// Expects `actual` within 1e-15 relative of `expected`.
private func expectClose(
    _ actual: Double, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(abs(actual - expected) <= 1e-15 * abs(expected), "\(actual) vs \(expected)",
            sourceLocation: sourceLocation)
}

@Suite struct ScheduleTests {
    @Test func constant() {
        let schedule = LearningRateSchedule(kind: .constant, baseLr: 0.1, totalSteps: 100)
        #expect(schedule.lr(atStep: 0) == 0.1)
        #expect(schedule.lr(atStep: 99) == 0.1)
        #expect(schedule.lr(atStep: 1_000_000) == 0.1)
    }

    @Test func warmupRampsLinearlyAndReachesBaseExactly() {
        let schedule = LearningRateSchedule(kind: .constant, baseLr: 0.1, warmupSteps: 4, totalSteps: 100)
        expectClose(schedule.lr(atStep: 0), 0.025)
        expectClose(schedule.lr(atStep: 1), 0.05)
        expectClose(schedule.lr(atStep: 2), 0.075)
        #expect(schedule.lr(atStep: 3) == 0.1)
        #expect(schedule.lr(atStep: 4) == 0.1)
        // Exactness of the last warm-up step for an awkward W and η.
        let odd = LearningRateSchedule(kind: .constant, baseLr: 0.07, warmupSteps: 7, totalSteps: 10)
        #expect(odd.lr(atStep: 6) == 0.07)
    }

    @Test func stepDecay() {
        let schedule = LearningRateSchedule(
            kind: .step(stepSize: 3, gamma: 0.5), baseLr: 0.2, totalSteps: 100)
        #expect(schedule.lr(atStep: 0) == 0.2)
        #expect(schedule.lr(atStep: 2) == 0.2)
        expectClose(schedule.lr(atStep: 3), 0.1)
        expectClose(schedule.lr(atStep: 5), 0.1)
        expectClose(schedule.lr(atStep: 6), 0.05)
        expectClose(schedule.lr(atStep: 7), 0.05)
    }

    @Test func stepDecayAfterWarmup() {
        let schedule = LearningRateSchedule(
            kind: .step(stepSize: 3, gamma: 0.5), baseLr: 0.2, warmupSteps: 2, totalSteps: 100)
        expectClose(schedule.lr(atStep: 0), 0.1)
        #expect(schedule.lr(atStep: 1) == 0.2)
        #expect(schedule.lr(atStep: 2) == 0.2)  // s = 0
        #expect(schedule.lr(atStep: 4) == 0.2)  // s = 2
        expectClose(schedule.lr(atStep: 5), 0.1)  // s = 3
    }

    @Test func exponential() {
        let schedule = LearningRateSchedule(kind: .exponential(gamma: 0.9), baseLr: 0.1, totalSteps: 100)
        #expect(schedule.lr(atStep: 0) == 0.1)
        expectClose(schedule.lr(atStep: 1), 0.09000000000000001)
        expectClose(schedule.lr(atStep: 10), 0.03486784401000001)
    }

    @Test func exponentialAfterWarmup() {
        let schedule = LearningRateSchedule(
            kind: .exponential(gamma: 0.9), baseLr: 0.1, warmupSteps: 3, totalSteps: 100)
        expectClose(schedule.lr(atStep: 0), 0.1 / 3)
        #expect(schedule.lr(atStep: 2) == 0.1)
        #expect(schedule.lr(atStep: 3) == 0.1)
        expectClose(schedule.lr(atStep: 5), 0.08100000000000002)
    }

    @Test func cosine() {
        let schedule = LearningRateSchedule(kind: .cosine(minLr: 0.001), baseLr: 0.1, totalSteps: 100)
        #expect(schedule.lr(atStep: 0) == 0.1)
        expectClose(schedule.lr(atStep: 25), 0.0855017856687341)
        expectClose(schedule.lr(atStep: 50), 0.0505)
        expectClose(schedule.lr(atStep: 75), 0.0154982143312659)
        expectClose(schedule.lr(atStep: 99), 0.0010244252618962857)
        #expect(schedule.lr(atStep: 100) == 0.001)
        #expect(schedule.lr(atStep: 150) == 0.001)  // past the run: rests at the floor
    }

    @Test func cosineAfterWarmup() {
        let schedule = LearningRateSchedule(
            kind: .cosine(minLr: 0.001), baseLr: 0.1, warmupSteps: 10, totalSteps: 110)
        expectClose(schedule.lr(atStep: 0), 0.010000000000000002)
        expectClose(schedule.lr(atStep: 4), 0.05)
        #expect(schedule.lr(atStep: 9) == 0.1)
        #expect(schedule.lr(atStep: 10) == 0.1)
        expectClose(schedule.lr(atStep: 35), 0.0855017856687341)
        expectClose(schedule.lr(atStep: 60), 0.0505)
        #expect(schedule.lr(atStep: 110) == 0.001)
    }

    @Test func cosineWithNoRoomAfterWarmup() {
        // totalSteps ≤ warmupSteps: S ≤ 0 must not divide by zero; after warm-up the floor applies.
        let schedule = LearningRateSchedule(
            kind: .cosine(minLr: 0.001), baseLr: 0.1, warmupSteps: 10, totalSteps: 5)
        expectClose(schedule.lr(atStep: 3), 0.04)
        #expect(schedule.lr(atStep: 10) == 0.001)
        #expect(schedule.lr(atStep: 20) == 0.001)
    }

    @Test func isAPureFunctionOfTheStep() {
        // Resuming at step t gives the same rate as reaching t through every earlier step.
        let schedule = LearningRateSchedule(
            kind: .cosine(minLr: 0), baseLr: 0.3, warmupSteps: 5, totalSteps: 1000)
        let sequential = (0..<1000).map { schedule.lr(atStep: $0) }
        let copy = LearningRateSchedule(
            kind: .cosine(minLr: 0), baseLr: 0.3, warmupSteps: 5, totalSteps: 1000)
        #expect(copy.lr(atStep: 637) == sequential[637])
        #expect(sequential.allSatisfy { $0 > 0 && $0 <= 0.3 })
    }
}
