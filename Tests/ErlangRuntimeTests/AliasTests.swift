import ErlangTerm
import Testing

@testable import ErlangRuntime

@Suite struct AliasTests {
    let ref = Reference(node: "erl@host", ids: [1, 2, 3], creation: 4)

    @Test func callTagsAsGenReplyReadsThem() {
        let aliasTag: Term = .improperList([.atom("alias")], tail: .reference(ref))
        #expect(ErlangProcess.alias(inTag: aliasTag) == ref)
        #expect(ErlangProcess.alias(inTag: .list([aliasTag, .atom("extra")])) == ref)
        #expect(ErlangProcess.alias(inTag: .improperList([aliasTag], tail: .atom("x"))) == ref)
        #expect(ErlangProcess.alias(inTag: .reference(ref)) == nil)
        #expect(ErlangProcess.alias(inTag: .improperList([.atom("other")], tail: .reference(ref))) == nil)
    }

    @Test func aliasesGoWithTheirProcess() {
        var table = ProcessTable(node: "swift@host", creation: 1)
        let (pid, _) = table.spawn()
        let alias = Reference(node: "swift@host", ids: [9, 0, 0], creation: 1)
        table.addAlias(alias, for: pid)
        #expect(table.mailbox(ofAlias: alias) != nil)
        let removed = table.removeAlias(alias)
        #expect(removed)
        #expect(table.mailbox(ofAlias: alias) == nil)
        table.addAlias(alias, for: pid)
        _ = table.remove(pid)
        #expect(table.mailbox(ofAlias: alias) == nil)
    }
}
