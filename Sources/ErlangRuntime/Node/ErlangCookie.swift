import Foundation

/// The magic cookie a node uses, and where it comes from.
public enum ErlangCookie: Sendable, Hashable {
    /// This cookie (`erl -setcookie`).
    case explicit(String)
    /// The contents of `~/.erlang.cookie`, created as `erl` creates it when missing.
    case `default`

    /// The cookie's text: the explicit one, or the one in `home`'s `.erlang.cookie`.
    ///
    /// - Parameter home: the home directory; `HOME` by default.
    /// - Throws: ``ErlangNodeError`` when the file cannot be read, created, or is readable by others.
    public func resolve(home: String? = nil) throws -> String {
        switch self {
        case .explicit(let cookie): return cookie
        case .default:
            guard let home = home ?? ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else {
                throw ErlangNodeError(.cookie, "no HOME to find .erlang.cookie in; give a cookie")
            }
            return try Self.readOrCreate(path: home + "/.erlang.cookie")
        }
    }

    /// Reads the cookie file at `path`, creating it first when it does not exist
    /// (`auth.erl`, `read_cookie/0` and `create_cookie/1`).
    public static func readOrCreate(path: String) throws -> String {
        if !FileManager.default.fileExists(atPath: path) { try create(path: path) }
        // auth.erl, check_attributes/4: a cookie file readable by group or others is refused.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw ErlangNodeError(.cookie, "cookie file \(path) must be accessible by owner only")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ErlangNodeError(.cookie, "cannot read cookie file \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `auth.erl`, `create_cookie/1`: 20 random letters `A`-`Z`, no newline, mode 0400.
    static func create(path: String) throws {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let cookie = String((0..<20).map { _ in letters.randomElement()! })
        guard FileManager.default.createFile(atPath: path, contents: Data(cookie.utf8), attributes: [.posixPermissions: 0o400]) else {
            throw ErlangNodeError(.cookie, "cannot create cookie file \(path)")
        }
    }
}
