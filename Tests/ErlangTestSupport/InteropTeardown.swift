/// Runs an interop test's body, always tears down what the test started, and on failure adds the
/// logs of the `erl` nodes it ran, so a red test says what the BEAM side saw.
public func runTearingDown<T: Sendable>(
    erlNodes: @Sendable () -> [ErlangNodeProcess],
    tearDown: () async -> Void,
    _ body: () async throws -> T
) async throws -> T {
    do {
        let result = try await body()
        await tearDown()
        return result
    } catch {
        let logs = erlNodes().map { "--- \($0.name):\n\($0.log)" }.joined(separator: "\n")
        await tearDown()
        throw InteropError("\(error)\n\(logs)")
    }
}
