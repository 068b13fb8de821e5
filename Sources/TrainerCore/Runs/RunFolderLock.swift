#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a run folder, held by the process that writes it: `trainer run` while it
/// trains and writes its artifacts, `trainer resume` from before it reads the checkpoint.
///
/// Why: two processes resuming the same folder (or resuming a run that is still going) would
/// both cut `metrics.csv` back and append to it, and leave a folder neither run describes.
///
/// `flock` on the folder itself: no lock file is left behind, and the kernel drops the lock when
/// the holder exits in any way (including SIGKILL), so a killed run never leaves a stale lock.
public final class RunFolderLock {
    private let descriptor: Int32

    /// Takes the lock without waiting. On a file system without `flock` support (some network
    /// mounts answer ENOLCK or EOPNOTSUPP) the folder is used unlocked, as before locks existed:
    /// the lock guards against a mistake, and must not make such folders unusable.
    /// - Throws: `RunFolderError.inUse` when another process holds it; `.cannotWrite` when the
    ///   folder cannot be opened.
    public init(folder path: String) throws(RunFolderError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK {
                close(fd)
                throw .inUse(path: path)
            }
            break
        }
        descriptor = fd
    }

    deinit {
        // Closing the only descriptor releases the lock.
        close(descriptor)
    }
}
