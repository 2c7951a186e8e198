import ErlangTerm
import ErlangTestSupport
import Foundation
import Testing

/// The Elixir side of the interop tests: the structs the Swift fixtures stand for. They are
/// evaluated by their own `-e`, since a script cannot use a struct defined in the same expression.
/// Terms travel as hexadecimal ETF, one `name hex` line each, so no byte is lost to the I/O
/// server's encoding.
private let elixirModules = """
    defmodule Swerl.Address do
      defstruct [:street, :city]
    end
    defmodule Swerl.User do
      defstruct [:name, :age, :email, :role, :tags, :addresses, :balance, :scores]
    end
    """

@Suite struct TermCodableInteropTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func elixirDecodesWhatSwiftEncodes() throws {
        let encoder = TermEncoder()
        let cases: [(String, any Encodable)] = [
            ("user", User.ada),
            ("config", Config(host: "localhost", port: 4000, verbose: true)),
            ("point", Point(x: 1, y: -2)),
            ("legacy", Legacy(name: "héllo", aliases: ["a", "при"], owner: nil)),
            ("carrier", Carrier.sample),
            ("bytes", [UInt8]([1, 2, 255])),
            ("dict", [1: "one", 2: "two"]),
            ("event", Event.renamed(from: "a", to: "b")),
            ("optionals", [nil, 1, Int?.none]),
        ]
        let input = try cases.map { "\($0.0) \(Hex.encode(try encoder.encodeToETF($0.1)))" }.joined(separator: "\n")
        let script = """
            checks = %{
              "user" => fn t -> match?(%Swerl.User{name: "Ada", age: 36, email: nil, role: :admin,
                tags: ["math", "engines"], balance: 18446744073709551615, scores: %{"analysis" => 9.5},
                addresses: [%Swerl.Address{street: "St James's Square", city: "London"}]}, t) end,
              "config" => fn t -> Keyword.keyword?(t) and t == [host: "localhost", port: 4000, verbose: true] end,
              "point" => fn t -> t == {:point, 1, -2} end,
              "legacy" => fn t -> t == %{name: [104, 233, 108, 108, 111], aliases: ['a', [1087, 1088, 1080]], owner: :undefined} end,
              "carrier" => fn t -> t.term == {:ok, [1, 2]} and t.atom == :hello and is_pid(t.pid) and is_port(t.port)
                and is_reference(t.ref) and node(t.pid) == :"swerl@localhost" and t.big == -123456789012345678901234567890 end,
              "bytes" => fn t -> t == <<1, 2, 255>> end,
              "dict" => fn t -> t == %{1 => "one", 2 => "two"} end,
              "event" => fn t -> t == %{renamed: %{from: "a", to: "b"}} end,
              "optionals" => fn t -> t == [nil, 1, nil] end
            }
            for line <- String.split(IO.read(:stdio, :eof), "\\n", trim: true) do
              [name, hex] = String.split(line, " ")
              term = :erlang.binary_to_term(Base.decode16!(hex))
              ok = try do checks[name].(term) rescue _ -> false end
              IO.puts("#{name}=#{ok}")
            end
            """
        let output = try runElixir(script, input: input)
        #expect(output == cases.map { "\($0.0)=true" })
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftDecodesWhatElixirEncodes() throws {
        let script = """
            terms = [
              user: %Swerl.User{name: "Ada", age: 36, email: nil, role: :admin, tags: ["math", "engines"],
                addresses: [%Swerl.Address{street: "St James's Square", city: "London"}],
                balance: 18446744073709551615, scores: %{"analysis" => 9.5}},
              person: %{"name" => "Ada", "age" => 36},
              config: [host: "localhost", port: 4000, verbose: true],
              point: {:point, 1, -2},
              legacy: %{name: [104, 233, 108, 108, 111], aliases: ['a'], owner: :undefined},
              charlist: 'hello',
              big: Integer.pow(2, 70),
              min: -9223372036854775808,
              pid: self(),
              ref: make_ref(),
              dict: %{1 => "one", 2 => "two"},
              bytes: <<1, 2, 255>>,
              tuple: {1, 2, 3},
              floats: [1.5, 2],
              event: %{joined: %{userID: 7}},
              role: :member,
              undefined: :undefined
            ]
            for {name, term} <- terms, do: IO.puts("#{name} #{Base.encode16(:erlang.term_to_binary(term))}")
            """
        var etf: [String: [UInt8]] = [:]
        for line in try runElixir(script, input: "") {
            let parts = line.split(separator: " ")
            etf[String(parts[0])] = Hex.decode(parts.last ?? "")
        }
        let decoder = TermDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            try decoder.decode(type, fromETF: try #require(etf[name], "elixir printed no \(name)"))
        }
        #expect(try decode(User.self, "user") == .ada)
        #expect(try decode(Person.self, "person") == Person(name: "Ada", age: 36, email: nil))
        #expect(try decode(Config.self, "config") == Config(host: "localhost", port: 4000, verbose: true))
        #expect(try decode(Point.self, "point") == Point(x: 1, y: -2))
        #expect(try decode(Legacy.self, "legacy") == Legacy(name: "héllo", aliases: ["a"], owner: nil))
        #expect(try decode(String.self, "charlist") == "hello")
        #expect(try decode(BigInteger.self, "big") == BigInteger("1180591620717411303424"))
        #expect(try decode(Int.self, "min") == Int.min)
        #expect(try decode(PID.self, "pid").node == .noNode)
        #expect(try decode(Reference.self, "ref").node == .noNode)
        #expect(try decode([Int: String].self, "dict") == [1: "one", 2: "two"])
        #expect(try decode([UInt8].self, "bytes") == [1, 2, 255])
        #expect(try decode([Int].self, "tuple") == [1, 2, 3])
        #expect(try decode([Double].self, "floats") == [1.5, 2.0])
        #expect(try decode(Event.self, "event") == .joined(userID: 7))
        #expect(try decode(Role.self, "role") == .member)
        #expect(try decode(String?.self, "undefined") == nil)
    }

    /// Runs one `elixir -e` and returns its output lines.
    private func runElixir(_ script: String, input: String) throws -> [String] {
        let elixir = try #require(ErlangInterop.executable(named: "elixir"), "elixir is not installed")
        let output = try ErlangInterop.run(elixir, ["-e", elixirModules, "-e", script], input: Data(input.utf8))
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
