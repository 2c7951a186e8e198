import ErlangTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP relay on 127.0.0.1 that accepts one connection and holds its bytes until ``release()``,
/// then connects to the upstream port and copies both ways. It makes a connection attempt stay
/// pending as long as a test needs (for simultaneous connects).
final class HeldRelay: @unchecked Sendable {
    // @unchecked: the sockets and flags are guarded by `lock`; the threads only use what they own.
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private let gate = DispatchSemaphore(value: 0)
    private var sockets: [Int32] = []
    private var accepted = false
    private var stopped = false

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        #if canImport(Glibc)
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let listener = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else {
            close(listener)
            throw InteropError("the relay cannot listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in run() }
    }

    /// Whether the held connection has been accepted.
    var hasAccepted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return accepted
    }

    /// Lets the held bytes through.
    func release() { gate.signal() }

    /// Closes every socket of the relay.
    func stop() {
        lock.lock()
        stopped = true
        let all = sockets + [listener]
        sockets = []
        lock.unlock()
        for socket in all {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
        gate.signal()
    }

    deinit { stop() }

    private func keep(_ socket: Int32) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return false }
        sockets.append(socket)
        return true
    }

    private func run() {
        let client = accept(listener, nil, nil)
        guard client >= 0, keep(client) else { return }
        lock.lock()
        accepted = true
        lock.unlock()
        gate.wait()
        guard let upstream = try? DistributionTestPorts.connect(port: upstreamPort), keep(upstream) else { return }
        Thread.detachNewThread { Self.copy(from: client, to: upstream) }
        Self.copy(from: upstream, to: client)
    }

    private static func copy(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            var offset = 0
            while offset < count {
                let sent = buffer.withUnsafeBytes { send(destination, $0.baseAddress! + offset, count - offset, 0) }
                guard sent > 0 else { return }
                offset += sent
            }
        }
        shutdown(destination, Int32(SHUT_WR))
    }
}
