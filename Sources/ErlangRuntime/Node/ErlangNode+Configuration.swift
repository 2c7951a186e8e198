import ErlangDistribution
import Foundation
import Logging
import NIOCore
import NIOPosix

extension ErlangNode {
    /// How a node is named, authenticated and reached; the defaults are `erl`'s.
    public struct Configuration: Sendable {
        /// The node's name as `erl` takes it.
        public enum Name: Sendable, Hashable {
            /// `-sname`: `alive` or `alive@host`, the host without dots (default: this machine's short host name).
            case short(String)
            /// `-name`: `alive` or `alive@host` (default: this machine's full host name).
            case long(String)
        }

        /// The node's name.
        public var name: Name
        /// The cookie (default: `~/.erlang.cookie`).
        public var cookie: ErlangCookie
        /// The EPMD port (default: `ERL_EPMD_PORT`, else 4369).
        public var epmdPort: Int?
        /// The host whose EPMD this node registers with.
        public var epmdHost: String
        /// The address to listen on for distribution connections.
        public var listenHost: String
        /// The ports to try, in order (`inet_dist_listen_min`/`max`); nil for any free port.
        public var listenPorts: ClosedRange<Int>?
        /// `net_ticktime` (OTP's default 60 s).
        public var netTickTime: Duration
        /// `net_setuptime`: the longest a connection setup may take (OTP's default 7 s).
        public var setupTime: Duration
        /// A hidden node (`-hidden`): peers list it in `nodes(hidden)` and send it no background traffic.
        public var hidden: Bool
        /// Where the node logs.
        public var logger: Logger
        /// Services started with the node, in order, after the kernel services and before the node
        /// accepts its first connection, so a peer that connects early finds them, as the kernel
        /// supervisor starts `global` and `pg` before any connection is served (`kernel.erl`,
        /// `init/1`). A service that throws stops the start.
        public var services: [StartService]
        /// How connections read a peer that streams (default: ``DistributionConnectionConfiguration/ReadPacing/default``,
        /// 30 µs after a read of 16 messages or more); nil reads whenever a socket has bytes.
        public var readPacing: DistributionConnectionConfiguration.ReadPacing? = .default
        /// The event loops of the node's sockets (default: NIO's shared group).
        public var eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
        /// Starts the task that reads one connection's messages and hands them to processes
        /// (default: a plain `Task`). A program that runs its processes' tasks on the connections'
        /// event loop (a one-thread ``eventLoopGroup`` and a `TaskExecutor` on it) starts these
        /// there too, so a message reaches its process without waking another thread.
        public var startConnectionReader: @Sendable (@escaping @Sendable () async -> Void) -> Void = { body in
            Task { await body() }
        }
        /// `-kernel sync_nodes_mandatory`: nodes that must all be connected within
        /// ``syncNodesTimeout`` or the start fails (`kernel_config.erl`, `sync_nodes/0`).
        public var syncNodesMandatory: [NodeName]
        /// `-kernel sync_nodes_optional`: nodes tried within ``syncNodesTimeout``; the start goes on without them.
        public var syncNodesOptional: [NodeName]
        /// `-kernel sync_nodes_timeout`: how long the start waits for those nodes; nil (OTP's
        /// `undefined`) waits for none.
        public var syncNodesTimeout: Duration?

        /// One service started with the node (see ``services``).
        public typealias StartService = @Sendable (ErlangNode) async throws -> Void

        /// Creates a configuration with `erl`'s defaults.
        public init(
            name: Name,
            cookie: ErlangCookie = .default,
            epmdPort: Int? = nil,
            epmdHost: String = "127.0.0.1",
            listenHost: String = "0.0.0.0",
            listenPorts: ClosedRange<Int>? = nil,
            netTickTime: Duration = .seconds(60),
            setupTime: Duration = .seconds(7),
            hidden: Bool = false,
            logger: Logger = Logger(label: "swerl.node"),
            services: [StartService] = [],
            syncNodesMandatory: [NodeName] = [],
            syncNodesOptional: [NodeName] = [],
            syncNodesTimeout: Duration? = nil
        ) {
            self.name = name
            self.cookie = cookie
            self.epmdPort = epmdPort
            self.epmdHost = epmdHost
            self.listenHost = listenHost
            self.listenPorts = listenPorts
            self.netTickTime = netTickTime
            self.setupTime = setupTime
            self.hidden = hidden
            self.logger = logger
            self.services = services
            self.syncNodesMandatory = syncNodesMandatory
            self.syncNodesOptional = syncNodesOptional
            self.syncNodesTimeout = syncNodesTimeout
        }

        /// The full node name, checked as `net_kernel:create_name/3` checks it.
        public func nodeName(hostName: String = ProcessInfo.processInfo.hostName) throws -> NodeName {
            do {
                switch name {
                case .short(let text):
                    let host = hostName.split(separator: ".").first.map(String.init) ?? hostName
                    return try NodeName.local(text, domain: .shortNames, defaultHost: host)
                case .long(let text):
                    return try NodeName.local(text, domain: .longNames, defaultHost: hostName)
                }
            } catch {
                throw ErlangNodeError(.badName, "\(error)")
            }
        }
    }

    /// A node coming up or going down, as `net_kernel:monitor_nodes(true, [{node_type, all}, nodedown_reason])` reports it.
    public enum Event: Sendable {
        /// A connection to `node` is up.
        case nodeUp(NodeName, hidden: Bool)
        /// The connection to `node` went down, for `reason` (OTP's `nodedown_reason`).
        case nodeDown(NodeName, reason: NodeDownReason)
    }
}
