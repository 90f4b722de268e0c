#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics

/// A file operation failed: `location` is the file, `reason` what the system said.
public struct FileError: LocatedError, Equatable, Sendable {
    public var location: String
    public var reason: String

    public init(_ location: String, _ reason: String) {
        self.location = location
        self.reason = reason
    }

    /// `strerror(code)`.
    public static func systemText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
