#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file with the C library, so a failure carries the OS's own reason
/// (`No such file or directory`, `Is a directory`, `Permission denied`).
enum ConfigFileReader {
    static func read(_ path: String) -> Result<[UInt8], ConfigError> {
        guard let file = fopen(path, "rb") else {
            return .failure(failure(path))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: buffer[0..<count])
            if count < buffer.count {
                if ferror(file) != 0 { return .failure(failure(path)) }
                return .success(bytes)
            }
        }
    }

    private static func failure(_ path: String) -> ConfigError {
        let reason = String(cString: strerror(errno))
        return ConfigError(file: path, reason: "cannot read file: \(reason)")
    }
}
