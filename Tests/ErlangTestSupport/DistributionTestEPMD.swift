import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unique node names and cookies for one test run, so parallel tests and other engineers' nodes
/// never meet.
public enum DistributionTestNames {
    private static let counter = LockedCounter()

    /// A fresh alive part: `prefix_<pid>_<n>_<random>`.
    public static func unique(_ prefix: String) -> String {
        "\(prefix)_\(getpid())_\(counter.next())_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// A fresh cookie.
    public static func cookie() -> String {
        "cookie_\(UInt64.random(in: 0...UInt64.max))"
    }

    final class LockedCounter: @unchecked Sendable {
        // @unchecked: `value` is only touched under `lock`.
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}

/// A private `epmd -port P` started for one test (never a daemon), so `erl` nodes with
/// `ERL_EPMD_PORT=P` register there and find the Swift nodes registered with ``register(name:port:hidden:)``.
public final class DistributionTestEPMD: @unchecked Sendable {
    // @unchecked: `process` is set once; `registrations` only under `lock`.

    /// The port it listens on.
    public let port: Int
    private let process: Process
    private let lock = NSLock()
    private var registrations: [Int32] = []

    /// Starts `epmd -port <free port>` and waits until it accepts connections.
    public init() async throws {
        guard let epmd = ErlangInterop.executable(named: "epmd") ?? Self.bundledEPMD() else {
            throw InteropError("epmd is not installed")
        }
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try DistributionTestPorts.free()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: epmd)
            process.arguments = ["-port", "\(port)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, process.isRunning {
                if let socket = try? DistributionTestPorts.connect(port: port) {
                    close(socket)
                    self.port = port
                    self.process = process
                    return
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            lastError = InteropError("epmd on port \(port) did not start")
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        throw lastError ?? InteropError("epmd did not start")
    }

    /// Registers a node with ALIVE2_REQ (distribution.md §1.3) and keeps the registration socket
    /// open until ``stop()``; returns the creation from ALIVE2_X_RESP.
    @discardableResult
    public func register(name alive: String, port nodePort: Int, hidden: Bool = false) throws -> UInt32 {
        let socket = try DistributionTestPorts.connect(port: port)
        let name = Array(alive.utf8)
        var body: [UInt8] = [120]
        body += Self.u16(nodePort) + [hidden ? 72 : 77, 0] + Self.u16(6) + Self.u16(5)
        body += Self.u16(name.count) + name + Self.u16(0)
        let request = Self.u16(body.count) + body
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, 0) }) == request.count else {
            close(socket)
            throw InteropError("cannot send ALIVE2_REQ")
        }
        var reply = [UInt8](repeating: 0, count: 6)
        var received = 0
        while received < 6 {
            let count = reply.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + received, 6 - received, 0) }
            guard count > 0 else { break }
            received += count
        }
        guard received == 6, reply[0] == 118, reply[1] == 0 else {
            close(socket)
            throw InteropError("epmd refused to register \(alive): \(reply.prefix(received))")
        }
        lock.lock()
        registrations.append(socket)
        lock.unlock()
        return UInt32(reply[2]) << 24 | UInt32(reply[3]) << 16 | UInt32(reply[4]) << 8 | UInt32(reply[5])
    }

    /// Ends the registrations and kills exactly this epmd; safe to call more than once.
    public func stop() {
        lock.lock()
        let sockets = registrations
        registrations = []
        lock.unlock()
        for socket in sockets { close(socket) }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    private static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    private static func bundledEPMD() -> String? {
        let candidates = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/erlang")) ?? []
        for directory in candidates where directory.hasPrefix("erts-") {
            let path = "/usr/lib/erlang/\(directory)/bin/epmd"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// Loopback ports for tests.
public enum DistributionTestPorts {
    /// A port that was free on 127.0.0.1 a moment ago, for a node that binds it later.
    ///
    /// It comes from below Linux's ephemeral range (32768–60999 by default), never from binding
    /// port 0: the kernel hands ephemeral ports to every outgoing connection and every `bind` to
    /// port 0, so one picked that way could be taken before the node binds it (erl then stops
    /// with `eaddrinuse`, as an interop run showed). Within this process no port is handed out
    /// twice.
    public static func free() throws -> Int {
        for _ in 0..<500 {
            let port = Int.random(in: 20_000...32_000)
            guard handedOut.claim(port), canBind(port) else { continue }
            return port
        }
        throw InteropError("no free port between 20000 and 32000")
    }

    private static let handedOut = PortSet()

    final class PortSet: @unchecked Sendable {
        private let lock = NSLock()
        private var ports: Set<Int> = []

        func claim(_ port: Int) -> Bool {
            lock.withLock { ports.insert(port).inserted }
        }
    }

    private static func canBind(_ port: Int) -> Bool {
        guard let socket = try? makeSocket() else { return false }
        defer { close(socket) }
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }

    /// A connected TCP socket to 127.0.0.1:`port`; the caller closes it.
    public static func connect(port: Int) throws -> Int32 {
        let socket = try makeSocket()
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard connected == 0 else {
            close(socket)
            throw InteropError("cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return socket
    }

    private static func makeSocket() throws -> Int32 {
        #if canImport(Glibc)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw InteropError("cannot create a socket: errno \(errno)") }
        return socket
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
