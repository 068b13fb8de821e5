#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Turns the SIGBUS of a mapped file that another process truncated while it was being read
/// into the same kind of message and exit code as any unreadable data file, instead of a bare
/// "Bus error".
///
/// Why a handler at all: with `read(2)` a file truncated mid-load is a short read and a parse
/// error; with a `MappedFile` the lost pages fault, and there is no error value to return. The
/// handler can only write its message and exit: nothing has been written yet at that point
/// (data is loaded before the run folder is created), so exiting loses nothing.
///
/// A SIGBUS at an address outside the guarded mapping is not ours: the handler restores the
/// default action and returns, so the faulting access repeats and ends the process as before.
enum FileTruncationGuard {
    /// What the handler needs, prepared before it is installed: the handler may only call
    /// async-signal-safe functions, so it cannot format text or allocate.
    private struct Armed {
        var start: UInt
        var end: UInt
        var message: UnsafeMutableBufferPointer<UInt8>
    }

    /// One guarded read at a time: the handler is process-wide and reads this state.
    private static let serial = Mutex<Void>(())
    nonisolated(unsafe) private static var armed: Armed?

    /// Exit code of a truncated file: the code of every other unreadable data file
    /// (`TrainerError.data`, see the executable's `Exit.badInput`).
    static let exitCode: Int32 = 65

    /// Runs `body`, which reads `file.bytes`, with the guard installed.
    static func reading<T>(_ file: MappedFile, _ body: () -> T) -> T {
        serial.withLock { _ in
            guard let base = file.bytes.baseAddress else { return body() }
            let text = "trainer: data error: \(file.path): cannot read file: it was truncated while it was being read\n"
            let message = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
            _ = message.initialize(from: text.utf8)
            defer { message.deallocate() }
            let start = UInt(bitPattern: base)
            armed = Armed(start: start, end: start + UInt(file.bytes.count), message: message)

            var action = sigaction()
            var previous = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_sigaction = handleBusError
            #else
            action.__sigaction_u.__sa_sigaction = handleBusError
            #endif
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            sigaction(SIGBUS, &action, &previous)
            defer {
                sigaction(SIGBUS, &previous, nil)
                armed = nil
            }
            return body()
        }
    }

    private static let handleBusError: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { _, info, _ in
        #if canImport(Glibc)
        let address = info.map { UInt(bitPattern: $0.pointee._sifields._sigfault.si_addr) } ?? 0
        #else
        let address = info.map { UInt(bitPattern: $0.pointee.si_addr) } ?? 0
        #endif
        guard let armed = FileTruncationGuard.armed, address >= armed.start, address < armed.end else {
            signal(SIGBUS, SIG_DFL)
            return
        }
        _ = write(STDERR_FILENO, armed.message.baseAddress, armed.message.count)
        _exit(FileTruncationGuard.exitCode)
    }
}
