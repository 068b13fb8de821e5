import Foundation
import Testing

/// The OpenBLAS kernel selection (BLASKernelSelection): re-exec with a better core type when
/// OpenBLAS fell back to Prescott, and never override a user's OPENBLAS_CORETYPE.
@Suite(.serialized)
struct BLASKernelTests {
    static func environment(_ runs: URL) throws -> [String: Any] {
        let summary = try TrainerBinary.json(runs.appendingPathComponent("softmax/summary.json"))
        return try #require(summary["environment"] as? [String: Any])
    }

    static var cpuHasAVX2: Bool {
        ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").contains(" avx2")
    }

    @Test func fallbackKernelsTriggerOneReexecWithABetterCoreType() throws {
        try #require(Self.cpuHasAVX2, "needs a CPU with AVX2")
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(
            ["run", "softmax", "--quiet", "--set", "runs_dir=\(runs.path)", "--set", "training.epochs=2"],
            environment: ["TRAINER_BLAS_ASSUME_FALLBACK": "1"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let env = try Self.environment(runs)
        let chosen = try #require(env["openblas_coretype"] as? String)
        #expect(["Cooperlake", "SkylakeX", "Haswell"].contains(chosen))
        #expect(env["blas_core"] as? String == chosen, "OpenBLAS loaded the kernels the re-exec asked for")
    }

    @Test func aUsersCoreTypeIsRespected() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(
            ["run", "softmax", "--quiet", "--set", "runs_dir=\(runs.path)", "--set", "training.epochs=2"],
            environment: ["OPENBLAS_CORETYPE": "Prescott", "TRAINER_BLAS_ASSUME_FALLBACK": "1"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let env = try Self.environment(runs)
        #expect(env["openblas_coretype"] as? String == "Prescott")
        #expect(env["blas_core"] as? String == "Prescott")
    }
}
