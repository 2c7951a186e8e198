import ErlangGlobal
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm

extension NodeCommand {
    /// `--join-pg2`: starts legacy `pg2` (its locks go through `global`, which the node runs for
    /// it) and, for each group, creates it and joins a fresh echo process to it.
    static func joinPG2(_ groups: [Term], on node: ErlangNode, global: Global) async throws {
        let pg2 = try await PG2.start(on: node, global: global)
        for group in groups {
            let echo = try node.spawnProcess()
            Task { await Self.echo(echo) }
            try await pg2.create(group)
            try await pg2.join(group, echo.pid)
        }
    }
}
