import CLinearAlgebra
import Foundation

/// Makes OpenBLAS use the kernels this CPU supports.
///
/// Debian's OpenBLAS 0.3.21 does not recognise some newer CPUs and falls back to its slowest
/// x86-64 kernels ("Prescott"): dgemm measured 13 GFLOP/s that way against 110 with
/// `OPENBLAS_CORETYPE=Cooperlake` on the same machine. OpenBLAS reads that variable once, when
/// the library loads — before `main` — so setting it later has no effect: the process must
/// re-execute itself with the variable set. That happens at most once (guarded by
/// `TRAINER_BLAS_REEXEC`), only when OpenBLAS picked the fallback, only when the user has not
/// set `OPENBLAS_CORETYPE` themselves, and never when `TRAINER_BLAS_AUTOSELECT=0`.
///
/// Results: on the same machine the choice is deterministic, so runs stay bit-reproducible.
/// Different kernels sum in different orders, so a Prescott run and a Cooperlake run of the same
/// config agree to rounding (logreg.json: relative difference of the weights 3e-16), not bit
/// for bit. `summary.json` records the kernel (`environment.blas_core`).
public enum BLASKernelSelection {
    /// Kernel names OpenBLAS falls back to when it does not know the CPU.
    static let fallbackCores: Set<String> = ["prescott"]

    /// The best OpenBLAS core type for a set of /proc/cpuinfo flags, or nil.
    public static func coreType(forCPUFlags flags: Set<String>) -> String? {
        let avx512 = ["avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd"].allSatisfy(flags.contains)
        if avx512 && flags.contains("avx512_bf16") { return "Cooperlake" }
        if avx512 { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The CPU flags of the first processor in /proc/cpuinfo.
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// Re-executes the process with a better `OPENBLAS_CORETYPE` when OpenBLAS chose its
    /// fallback kernels; returns normally when nothing needs doing or the re-exec fails.
    public static func reexecIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment["TRAINER_BLAS_REEXEC"] == nil,
              environment["TRAINER_BLAS_AUTOSELECT"] != "0" else { return }
        // TRAINER_BLAS_ASSUME_FALLBACK=1 exercises this path on CPUs OpenBLAS does recognise (tests).
        let assumeFallback = environment["TRAINER_BLAS_ASSUME_FALLBACK"] == "1"
        guard assumeFallback || fallbackCores.contains(BLAS.coreName.lowercased()),
              let core = coreType(forCPUFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("TRAINER_BLAS_REEXEC", "1", 1)
        let arguments = CommandLine.arguments
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        pointers.append(nil)
        execv("/proc/self/exe", pointers)
        // Only reached when exec failed: carry on with the slow kernels, same results.
        for p in pointers { free(p) }
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv("TRAINER_BLAS_REEXEC")
    }
}
