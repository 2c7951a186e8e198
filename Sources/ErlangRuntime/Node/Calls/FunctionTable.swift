import ErlangDistribution
import ErlangTerm

/// A Swift function that Erlang code calls on this node with `rpc:call/4`, `erpc:call/4` and their
/// kin: it gets the arguments and the process running it, and returns the result or throws (an
/// ``ErlangException`` to choose the class and reason BEAM sees).
public typealias ErlangFunction = @Sendable (_ arguments: [Term], _ process: ErlangProcess) async throws -> Term

/// `{Module, Function, Arity}`.
public struct FunctionName: Sendable, Hashable, CustomStringConvertible {
    /// The module.
    public var module: Atom
    /// The function.
    public var function: Atom
    /// The number of arguments.
    public var arity: Int

    /// Creates the triple.
    public init(_ module: Atom, _ function: Atom, arity: Int) {
        self.module = module
        self.function = function
        self.arity = arity
    }

    /// `Module:Function/Arity`.
    public var description: String { "\(module):\(function)/\(arity)" }
}

/// The functions a node serves to `rpc`/`erpc`: pure state, kept under the node's lock.
struct FunctionTable {
    private var functions: [FunctionName: ErlangFunction] = [:]

    mutating func register(_ name: FunctionName, _ function: @escaping ErlangFunction) {
        functions[name] = function
    }

    mutating func unregister(_ name: FunctionName) -> Bool {
        functions.removeValue(forKey: name) != nil
    }

    /// The registered function, else a built-in one.
    func lookup(_ name: FunctionName) -> ErlangFunction? {
        functions[name] ?? BuiltInFunctions.all[name]
    }
}

extension ErlangNode {
    /// Serves `Module:Function/Arity` to Erlang callers (`rpc:call/4`, `erpc:call/4`,
    /// `erpc:multicall/4`, `rpc:cast/4`, `spawn/4`), replacing a built-in or an earlier
    /// registration of the same name.
    public func registerFunction(_ module: Atom, _ function: Atom, arity: Int, _ body: @escaping ErlangFunction) {
        state.withLockedValue { $0.functions.register(FunctionName(module, function, arity: arity), body) }
    }

    /// Stops serving a function registered with ``registerFunction(_:_:arity:_:)``; callers get
    /// `undef` again (or the built-in of that name). False when it was not registered.
    @discardableResult
    public func unregisterFunction(_ module: Atom, _ function: Atom, arity: Int) -> Bool {
        state.withLockedValue { $0.functions.unregister(FunctionName(module, function, arity: arity)) }
    }

    func function(_ name: FunctionName) -> ErlangFunction? {
        state.withLockedValue { $0.functions.lookup(name) }
    }
}
