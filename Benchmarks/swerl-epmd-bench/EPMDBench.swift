// swerl-epmd-bench: PORT_PLEASE2 lookups per second against the Swerl daemon (`swerl epmd`) and
// real epmd in the same invocation, interleaved, several runs each. Both daemons run as their
// own processes on loopback; the load is the same blocking-socket client for both: connect, send
// PORT_PLEASE2 for a registered node, read the reply to EOF, close.

import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

@main
struct EPMDBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swerl-epmd-bench",
        abstract: "PORT_PLEASE2 lookups/s: the Swerl daemon against real epmd, interleaved.")

    @Option(help: "Measured runs per daemon.")
    var runs = 5

    @Option(help: "Seconds per run.")
    var seconds = 3.0

    @Option(help: "Client threads, each doing one lookup at a time.")
    var concurrency = 4

    @Option(help: "The swerl executable (default: next to this one).")
    var swerl: String?

    @Option(help: "The epmd executable (default: from PATH).")
    var epmd: String?

    func run() throws {
        let swerlPath = swerl ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("swerl").path
        guard let epmdPath = epmd ?? findOnPath("epmd") else { throw ValidationError("epmd not found on PATH") }

        let epmdPort = try freePort()
        var daemons = [
            Daemon(name: "epmd (OTP)", port: epmdPort, process: try spawn(epmdPath, ["-port", "\(epmdPort)", "-address", "127.0.0.1"]))
        ]
        let swerlPort = try freePort()
        let arguments = ["epmd", "--port", "\(swerlPort)", "--address", "127.0.0.1", "--log-level", "warning"]
        daemons.append(Daemon(name: "swerl epmd", port: swerlPort, process: try spawn(swerlPath, arguments)))
        defer { for daemon in daemons { daemon.stop() } }

        var registrations: [Int32] = []
        defer { for fd in registrations { close(fd) } }
        for daemon in daemons {
            try waitUntilAnswering(port: daemon.port)
            registrations.append(try register(name: "bench", port: 9999, epmdPort: daemon.port))
        }

        // A short warm-up each, then interleaved runs, alternating which goes first.
        for daemon in daemons { _ = try measure(port: daemon.port, seconds: 0.5) }
        var rates: [[Double]] = Array(repeating: [], count: daemons.count)
        var costs: [[Double]] = Array(repeating: [], count: daemons.count)
        for run in 0..<runs {
            // Rotate the order so that no daemon always follows the same one.
            let order = daemons.indices.map { (run + $0) % daemons.count }
            for index in order {
                let cpuBefore = cpuSeconds(of: daemons[index].process.processIdentifier)
                let start = Date()
                let rate = try measure(port: daemons[index].port, seconds: seconds)
                let lookups = rate * Date().timeIntervalSince(start)
                let cost = (cpuSeconds(of: daemons[index].process.processIdentifier) - cpuBefore) / lookups * 1e6
                rates[index].append(rate)
                costs[index].append(cost)
                FileHandle.standardError.write(Data("run \(run + 1) \(daemons[index].name): \(Int(rate)) lookups/s, \(String(format: "%.1f", cost)) µs daemon CPU each\n".utf8))
            }
        }
        printTable(daemons: daemons, rates: rates, costs: costs)
    }

    // MARK: The load

    /// Lookups per second over `seconds`, from `concurrency` threads.
    func measure(port: Int, seconds: Double) throws -> Double {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: concurrency)
        let failures = UnsafeMutableBufferPointer<Int>.allocate(capacity: concurrency)
        defer { counts.deallocate(); failures.deallocate() }
        counts.initialize(repeating: 0)
        failures.initialize(repeating: 0)
        let done = DispatchGroup()
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        for thread in 0..<concurrency {
            done.enter()
            let worker = Worker(port: port, deadline: deadline, counts: counts, failures: failures, index: thread)
            Thread.detachNewThread {
                worker.run()
                done.leave()
            }
        }
        done.wait()
        let elapsed = Date().timeIntervalSince(start)
        let failed = failures.reduce(0, +)
        if failed > 0 { FileHandle.standardError.write(Data("  (\(failed) failed lookups on port \(port))\n".utf8)) }
        return Double(counts.reduce(0, +)) / elapsed
    }

    func printTable(daemons: [Daemon], rates: [[Double]], costs: [[Double]]) {
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let medians = rates.map(median)
        let costMedians = costs.map(median)
        print("| daemon | " + (1...runs).map { "run \($0)" }.joined(separator: " | ") + " | median lookups/s | ratio to epmd | daemon CPU per lookup (median) |")
        print("| --- |" + String(repeating: " ---: |", count: runs + 3))
        for (index, daemon) in daemons.enumerated() {
            let cells = rates[index].map { String(Int($0.rounded())) }.joined(separator: " | ")
            let ratio = String(format: "%.2f", medians[index] / medians[0])
            print("| \(daemon.name) | \(cells) | \(Int(medians[index].rounded())) | \(ratio) | \(String(format: "%.1f", costMedians[index])) µs |")
        }
        print("\nswerl-epmd-bench --runs \(runs) --seconds \(seconds) --concurrency \(concurrency); \(ProcessInfo.processInfo.activeProcessorCount) cores")
    }
}

/// One load thread's loop: lookups until the deadline.
// @unchecked: each worker writes only its own slot of the shared buffers, which the measuring
// thread reads after the DispatchGroup says every worker is done.
final class Worker: @unchecked Sendable {
    let port: Int
    let deadline: Date
    let counts: UnsafeMutableBufferPointer<Int>
    let failures: UnsafeMutableBufferPointer<Int>
    let index: Int

    init(port: Int, deadline: Date, counts: UnsafeMutableBufferPointer<Int>, failures: UnsafeMutableBufferPointer<Int>, index: Int) {
        self.port = port
        self.deadline = deadline
        self.counts = counts
        self.failures = failures
        self.index = index
    }

    func run() {
        let request: [UInt8] = [0, 6, 122] + Array("bench".utf8)
        var reply = [UInt8](repeating: 0, count: 64)
        var count = 0
        var failed = 0
        while Date() < deadline {
            if lookup(request: request, reply: &reply) { count += 1 } else { failed += 1 }
        }
        counts[index] = count
        failures[index] = failed
    }

    private func lookup(request: [UInt8], reply: inout [UInt8]) -> Bool {
        guard let fd = try? connectLoopback(port: port) else { return false }
        defer { close(fd) }
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return false }
        var total = 0
        while true {
            let n = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + total, $0.count - total, 0) }
            if n <= 0 { break }
            total += n
            if total == reply.count { break }
        }
        return total >= 2 && reply[0] == 119 && reply[1] == 0
    }
}

struct Daemon {
    let name: String
    let port: Int
    let process: Process

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

// MARK: Sockets

struct SocketError: Error, CustomStringConvertible {
    let description: String
}

func connectLoopback(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError(description: "socket: \(errno)") }
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        let error = errno
        close(fd)
        throw SocketError(description: "connect to \(port): errno \(error)")
    }
    return fd
}

func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw SocketError(description: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Registers `name` and returns the registration socket, to keep open for the whole benchmark.
func register(name: String, port: UInt16, epmdPort: Int) throws -> Int32 {
    let fd = try connectLoopback(port: epmdPort)
    let nameBytes = Array(name.utf8)
    var body: [UInt8] = [120, UInt8(port >> 8), UInt8(port & 0xff), 77, 0, 0, 6, 0, 5, 0, UInt8(nameBytes.count)]
    body += nameBytes + [0, 0]
    let frame = [UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
    _ = frame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var reply = [UInt8](repeating: 0, count: 6)
    var total = 0
    while total < 6 {
        let n = reply.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + total, 6 - total, 0) }
        guard n > 0 else { break }
        total += n
    }
    guard total == 6, reply[0] == 118, reply[1] == 0 else {
        close(fd)
        throw SocketError(description: "registration with the daemon on \(epmdPort) failed: \(reply)")
    }
    return fd
}

func waitUntilAnswering(port: Int) throws {
    let deadline = Date().addingTimeInterval(15)
    while Date() < deadline {
        if let fd = try? connectLoopback(port: port) {
            close(fd)
            return
        }
        usleep(50_000)
    }
    throw SocketError(description: "nothing answers on port \(port)")
}

func spawn(_ executable: String, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return process
}

/// User plus system CPU time of a process so far, from /proc.
func cpuSeconds(of pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

func findOnPath(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
