@testable import ErlangProcessGroups
import ErlangTerm
import Testing

/// Every term the pg2 server sends, and every request it accepts, has pg2.erl's shape (OTP 23).
@Suite struct PG2ShapeTests {
    private let me: Atom = "swift@127.0.0.1"
    private let pid = PID(node: "swift@127.0.0.1", id: 7, serial: 0, creation: 1)

    @Test func newPG2IsPlainNodeTuple() throws {
        #expect(PG2Message.newPG2(me) == (try Term(parsing: "{new_pg2, 'swift@127.0.0.1'}")))
    }

    @Test func exchangeOnNodeUpCastsAllMembersAsTwoElementLists() throws {
        var instance = PG2Instance(me: me)
        instance.create(.atom("g"))
        instance.create(.tuple([.atom("t"), 1]))
        _ = instance.join(.atom("g"), pid)
        _ = instance.join(.atom("g"), pid)
        let expected: Term = .tuple([
            .atom("exchange"), .atom(me),
            .list([.list([.atom("g"), .list([.pid(pid), .pid(pid)])]), .list([.tuple([.atom("t"), 1]), .list([])])]),
        ])
        #expect(instance.exchange(with: "erl@h") == [.cast(expected, to: "erl@h")])
        #expect(PG2Message.exchangeList(expected)?.map(\.0) == [.atom("g"), .tuple([.atom("t"), 1])])
    }

    @Test func multiCallRequestsAndTheLockIdAreThoseOfPG2() throws {
        #expect(PG2Message.Request.create(.atom("g")).term == (try Term(parsing: "{create, g}")))
        #expect(PG2Message.Request.delete(.atom("g")).term == (try Term(parsing: "{delete, g}")))
        #expect(PG2Message.Request.join(.atom("g"), pid).term == .tuple([.atom("join"), .atom("g"), .pid(pid)]))
        #expect(PG2Message.Request.leave(.atom("g"), pid).term == .tuple([.atom("leave"), .atom("g"), .pid(pid)]))
        // global:trans({{pg2, Name}, self()}, Fun)
        #expect(PG2.lockID(.atom("g"), pid).term == .tuple([.tuple([.atom("pg2"), .atom("g")]), .pid(pid)]))
        for request in [PG2Message.Request.create(.atom("g")), .delete(.atom("g")), .join(.atom("g"), pid), .leave(.atom("g"), pid)] {
            #expect(PG2Message.Request(request.term) == request)
        }
    }

    @Test func malformedInputIsRejectedNotTrusted() throws {
        #expect(PG2Message.Request(try Term(parsing: "{join, g, notapid}")) == nil)
        #expect(PG2Message.Request(try Term(parsing: "{which_groups}")) == nil)
        #expect(PG2Message.exchangeList(try Term(parsing: "{exchange, n, [{g, []}]}")) == nil)
        #expect(PG2Message.exchangeList(try Term(parsing: "{exchange, n, [[g, [1, x]]]}"))?.first?.1 == [])
        #expect(PG2Message.exchangeTrigger(try Term(parsing: "{nodeup, 'a@b'}")) == "a@b")
        #expect(PG2Message.exchangeTrigger(try Term(parsing: "{new_pg2, \"x\"}")) == nil)
        #expect(PG2Error(.noSuchGroup, .atom("g")).term == (try Term(parsing: "{error, {no_such_group, g}}")))
    }
}
