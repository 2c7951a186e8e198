import ErlangDistribution
import Testing

@Suite struct NodeNameTests {
    @Test func aFullNameSplitsAtTheAtSign() throws {
        let name = try NodeName("foo@bar.example")
        #expect(name.alive == "foo")
        #expect(name.host == "bar.example")
        #expect(name.description == "foo@bar.example")
        #expect(!name.isShortName)
        #expect(try NodeName("foo@bar").isShortName)
        #expect(name.atom == "foo@bar.example")
    }

    /// dist_util:is_name_ok/2 (what a peer may send).
    @Test(arguments: ["", "foo", "@bar", "foo@", "a@b@c", "ünï@cödé", "名前@host"])
    func peerNamesNeedExactlyOneAtSignAndLatin1(text: String) {
        let accepted = (try? NodeName(text)) != nil
        #expect(accepted == (text == "ünï@cödé"))
    }

    /// net_kernel:create_name/3, checked against `erl -sname`/`-name` on OTP 25.
    @Test func localNamesFollowErl() throws {
        #expect(throws: DistributionError.self) { try NodeName.local("foo@127.0.0.1", domain: .shortNames) }
        #expect(try NodeName.local("foo@127.0.0.1", domain: .longNames).host == "127.0.0.1")
        #expect(try NodeName.local("foo@localhost", domain: .longNames).host == "localhost")
        #expect(throws: DistributionError.self) { try NodeName.local("fo.o@h", domain: .shortNames) }
        #expect(throws: DistributionError.self) { try NodeName.local("a@b@c", domain: .longNames) }
        #expect(throws: DistributionError.self) { try NodeName.local("foo", domain: .shortNames) }
        #expect(try NodeName.local("foo", domain: .shortNames, defaultHost: "vm").description == "foo@vm")
        #expect(try NodeName.local("foo@", domain: .shortNames, defaultHost: "vm").description == "foo@vm")
        #expect(try NodeName.local("Foo_bar-9@h", domain: .shortNames).alive == "Foo_bar-9")
        #expect(throws: DistributionError.self) { try NodeName.local("foo@h st", domain: .shortNames) }
        do {
            _ = try NodeName.local("fo.o@h", domain: .shortNames)
        } catch let error as DistributionError {
            #expect(error.code == .badNodeName)
        }
    }

    @Test func namesOrderAsAtoms() throws {
        #expect(try NodeName("a@h") < NodeName("b@h"))
        #expect(try NodeName("Z@h") < NodeName("a@h"))
        #expect(try NodeName("ab@h") < NodeName("abc@h"))
        #expect(try !(NodeName("b@h") < NodeName("a@h")))
    }
}
