import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import Foundation
import Logging
import NIOConcurrencyHelpers

/// pg membership propagation, Swift-to-BEAM beside BEAM-to-BEAM in one run: on a private EPMD,
/// BEAM node B observes, BEAM node A and a Swift node S each join members and B says when it
/// sees them all. Rows: 10,000 processes joining one by one, one join of 10,000, and the resync
/// of 10,000 after B drops and the joiner reconnects.
///
/// Usage: `swerl-pg-bench [--runs N] [--members N] [--rows individual,batch,resync]`
@main
struct PGBench {
    static func main() async {
        let arguments = CommandLine.arguments
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return fallback }
            return Int(arguments[index + 1]) ?? fallback
        }
        let rows = arguments.firstIndex(of: "--rows").flatMap { index in
            index + 1 < arguments.count ? arguments[index + 1].split(separator: ",").map(String.init) : nil
        } ?? ["individual", "batch", "resync"]
        do {
            try await run(runs: value("--runs", 3), members: value("--members", 10_000), rows: rows)
        } catch {
            FileHandle.standardError.write(Data("swerl-pg-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(runs: Int, members: Int, rows: [String]) async throws {
        guard let erl = which("erl"), let erlc = which("erlc") else { throw BenchError("erl and erlc are needed") }
        let modules = try BEAMNode.compileModule(erlc: erlc)
        defer { try? FileManager.default.removeItem(atPath: modules) }
        var quiet = Logger(label: "swerl.pg-bench")
        quiet.logLevel = .critical
        let epmd = try await EPMDServer.start(configuration: .init(port: 0, addresses: ["127.0.0.1"]), logger: quiet)
        let cookie = "pg_bench_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let suffix = String(ProcessInfo.processInfo.processIdentifier)
        let b = try BEAMNode(erl: erl, alive: "pgb_\(suffix)", cookie: cookie, epmdPort: epmd.port, moduleDirectory: modules, run: "observer")
        let a = try BEAMNode(erl: erl, alive: "pga_\(suffix)", cookie: cookie, epmdPort: epmd.port, moduleDirectory: modules, run: "driver")
        var node: ErlangNode?
        do {
            node = try await measure(
                a: a, b: b, runs: runs, members: members, rows: rows, epmdPort: epmd.port, cookie: cookie, logger: quiet
            ) { node = $0 }
        } catch {
            await node?.shutdown()
            a.stop(); b.stop()
            await epmd.shutdown()
            throw error
        }
        await node?.shutdown()
        a.stop(); b.stop()
        await epmd.shutdown()
    }

    private static func measure(
        a: BEAMNode, b: BEAMNode, runs: Int, members: Int, rows: [String], epmdPort: Int, cookie: String, logger: Logger,
        started: (ErlangNode) -> Void
    ) async throws -> ErlangNode {
        let observer = try NodeName(b.name)
        let scope = NIOLockedValueBox<ProcessGroups?>(nil)
        let node = try await ErlangNode.start(.init(
            name: .long("pgs_\(ProcessInfo.processInfo.processIdentifier)@127.0.0.1"), cookie: .explicit(cookie),
            epmdPort: epmdPort, listenHost: "127.0.0.1", logger: logger,
            services: [ProcessGroups.service { groups in scope.withLockedValue { $0 = groups } }],
            syncNodesMandatory: [observer], syncNodesTimeout: .seconds(60)))
        started(node)
        guard let groups = scope.withLockedValue({ $0 }) else { throw BenchError("no pg scope") }
        let controller = try node.spawnProcess()
        let beam = BEAMRows(controller: controller, driver: try NodeName(a.name), observer: observer, members: members)
        let swift = SwiftRows(node: node, groups: groups, controller: controller, observerNode: observer, members: members)
        try await beam.ready()
        _ = try await swift.batch(.atom("warm_up"))
        var table = Table(members: members)
        for run in 1...runs {
            for mode in rows {
                let group = Term.tuple([.atom(Atom(mode)), .integer(run)])
                table.add(mode, beam: try await beam.run(mode, .tuple([group, .atom("beam")])),
                          swift: try await swift.run(mode, .tuple([group, .atom("swift")])))
                FileHandle.standardError.write(Data("run \(run) \(mode) done\n".utf8))
            }
        }
        table.print(runs: runs)
        return node
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

extension SwiftRows {
    func run(_ mode: String, _ group: Term) async throws -> Double {
        switch mode {
        case "individual": return try await individual(group)
        case "batch": return try await batch(group)
        default: return try await resync(group)
        }
    }
}

/// The BEAM-to-BEAM rows, measured by `pg_bench:driver/0` on A.
struct BEAMRows {
    let controller: ErlangProcess
    let driver: NodeName
    let observer: NodeName
    let members: Int

    /// Waits until A's driver answers a small run (its name registers after boot).
    func ready() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? await run("batch", .atom("warm_up"), count: 10, timeout: .seconds(1))) != nil { return }
        }
        throw BenchError("the BEAM driver on \(driver) did not answer")
    }

    func run(_ mode: String, _ group: Term, count: Int? = nil, timeout: Duration = .seconds(300)) async throws -> Double {
        let tag = Term.reference(controller.node.makeReference())
        let request = Term.tuple([
            .atom("run"), .pid(controller.pid), .atom(Atom(mode)), .atom(observer.atom), .integer(count ?? members), group, tag,
        ])
        try await controller.send(request, to: "pg_bench_driver", at: driver)
        let reply = await controller.receive(matching: { $0.tupleElements?.count == 3 && $0.tupleElements?[1] == tag }, timeout: timeout)
        guard case .float(let milliseconds)? = reply?.tupleElements?[2] else { throw BenchError("no result from the BEAM driver") }
        return milliseconds
    }
}

/// The runs of each row, printed as a Markdown table (times in ms, ratio Swift/BEAM of the medians).
struct Table {
    let members: Int
    private var rows: [String: (beam: [Double], swift: [Double])] = [:]

    init(members: Int) {
        self.members = members
    }

    mutating func add(_ mode: String, beam: Double, swift: Double) {
        rows[mode, default: ([], [])].beam.append(beam)
        rows[mode, default: ([], [])].swift.append(swift)
    }

    func print(runs: Int) {
        let titles = [
            "individual": "\(members) processes join one by one, until all visible on B",
            "batch": "one join of \(members) processes, until visible on B",
            "resync": "resync of \(members) members after reconnect, until visible on B",
        ]
        Swift.print("| row | joiner | runs (ms) | median (ms) | Swift / BEAM |")
        Swift.print("| --- | --- | --- | ---: | ---: |")
        for mode in ["individual", "batch", "resync"] {
            guard let row = rows[mode] else { continue }
            let beam = median(row.beam), swift = median(row.swift)
            Swift.print("| \(titles[mode] ?? mode) | BEAM (A) | \(list(row.beam)) | \(format(beam)) | |")
            Swift.print("| | Swift (S) | \(list(row.swift)) | \(format(swift)) | **\(String(format: "%.2f", swift / beam))** |")
        }
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
    private func list(_ values: [Double]) -> String { values.map(format).joined(separator: ", ") }
}
