import ArgumentParser
import Foundation
import TrainerCore

/// Exit codes (documented in README and in `trainer --help`).
enum Exit {
    static let diverged: Int32 = 3
    static let failed: Int32 = 4
    static let noOptimum: Int32 = 6
    static let badInput: Int32 = 65
    static let cannotWrite: Int32 = 73
    static let internalError: Int32 = 70

    /// Prints the error as `trainer: …` on stderr and returns the exit code for it.
    static func report(_ error: TrainerError) -> ExitCode {
        FileHandle.standardError.write(Data("trainer: \(error)\n".utf8))
        switch error {
        case .config, .data: return ExitCode(badInput)
        case .runFolder: return ExitCode(cannotWrite)
        case .internalError: return ExitCode(internalError)
        }
    }
}

extension Exit {
    /// Reports an unreadable run folder or run file as bad input (65).
    static func report(_ error: RunReadError) -> ExitCode {
        FileHandle.standardError.write(Data("trainer: \(error)\n".utf8))
        return ExitCode(badInput)
    }

    /// Reports an output file (`--out`, `--svg`) that cannot be written (73), without the
    /// "run folder error" prefix `report(.runFolder(_:))` would add: the file is the user's.
    static func report(output error: RunFolderError) -> ExitCode {
        FileHandle.standardError.write(Data("trainer: \(error)\n".utf8))
        return ExitCode(cannotWrite)
    }
}
