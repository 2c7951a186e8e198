extension TermPrinter {
    /// Prints one term in Elixir syntax: leaves are written at once, containers schedule their elements.
    func elixirStep(_ term: Term, _ walk: inout PrintWalk) {
        switch term {
        case .integer(let value): walk.output += String(value)
        case .bigInteger(let value): walk.output += value.description
        case .float(let value): walk.output += Self.elixirFloat(value)
        case .atom(let atom): walk.output += Self.elixirAtom(atom.name)
        case .binary(let bytes): walk.output += Self.elixirBinary(bytes)
        case .bitstring(let bytes, let bits): walk.output += Self.elixirBits(bytes, bits: bits)
        case .tuple(let elements): walk.container(open: "{", elements, separator: ", ", close: "}")
        case .list(let elements): elixirList(elements, &walk)
        case .string(let bytes): elixirList(bytes.map { .integer(Int($0)) }, &walk)
        case .improperList(let elements, let tail):
            walk.container(open: "[", elements, separator: ", ", close: "]", tail: (" | ", tail))
        case .map(let map): elixirMap(map, &walk)
        case .pid(let pid): walk.output += "#PID" + pid.description
        case .port(let port): walk.output += port.description
        case .reference(let reference): walk.output += "#Reference" + reference.description.dropFirst("#Ref".count)
        case .fun(let fun): walk.output += Self.elixirFun(fun)
        case .local(let local): walk.output += "#Local<\(local.bytes.count) bytes>"
        }
    }

    // Elixir 1.14, Inspect.List: an ASCII-printable charlist as 'text', a keyword list as
    // `[a: 1]`, anything else element by element.
    private func elixirList(_ elements: [Term], _ walk: inout PrintWalk) {
        if !elements.isEmpty, let text = Self.characters(elements), text.allSatisfy(Self.isElixirCharlistCharacter) {
            walk.output += Self.elixirQuoted(text, quote: "'")
        } else if let keys = Self.keywordKeys(elements) {
            walk.container(open: "[", elements.map(\.keywordValue), separator: ", ", close: "]") { keys[$0] }
        } else {
            walk.container(open: "[", elements, separator: ", ", close: "]")
        }
    }

    // Elixir 1.14, Inspect.Map: a struct as %Mod{...}, atom keys as `%{a: 1}`, else `%{k => v}`.
    private func elixirMap(_ map: TermMap, _ walk: inout PrintWalk) {
        if let (module, fields) = Self.structParts(map), let keys = fields.isEmpty ? [] : Self.keywordKeys(fields) {
            let open = "%" + Self.elixirAtom(module.name) + "{"
            walk.container(open: open, fields.map(\.keywordValue), separator: ", ", close: "}") { keys[$0] }
        } else if let keys = Self.keywordKeys(map.entries.map { .tuple([$0.key, $0.value]) }) {
            walk.container(open: "%{", map.entries.map(\.value), separator: ", ", close: "}") { keys[$0] }
        } else {
            walk.entries(open: "%{", map.entries, arrow: " => ", separator: ", ", close: "}")
        }
    }

    /// A map with an atom under `__struct__`: the module and the other entries as `{Key, Value}` tuples.
    private static func structParts(_ map: TermMap) -> (Atom, [Term])? {
        guard case .atom(let module)? = map[.atom("__struct__")] else { return nil }
        let fields = map.entries.filter { $0.key != .atom("__struct__") }.map { Term.tuple([$0.key, $0.value]) }
        return (module, fields)
    }

    // Elixir 1.14, Inspect.List.keyword?: a non-empty list of {atom, value} pairs whose keys do not
    // start with "Elixir." (those print as aliases, `{Foo, 1}`). Returns each pair's `key: ` text.
    private static func keywordKeys(_ elements: [Term]) -> [String]? {
        guard !elements.isEmpty else { return nil }
        var keys: [String] = []
        keys.reserveCapacity(elements.count)
        for element in elements {
            guard case .tuple(let pair) = element, pair.count == 2, case .atom(let key) = pair[0],
                !key.name.hasPrefix("Elixir.")
            else { return nil }
            keys.append(elixirKey(key.name))
        }
        return keys
    }

    // Elixir 1.14, String.printable?: valid UTF-8 of printable characters, `\a` and `\d` included.
    private static func elixirBinary(_ bytes: [UInt8]) -> String {
        guard let text = String(validating: bytes, as: UTF8.self),
            text.unicodeScalars.allSatisfy(isElixirPrintable)
        else { return elixirBits(bytes, bits: 0) }
        return elixirQuoted(text.unicodeScalars, quote: "\"")
    }

    /// `<<1, 2, 3::size(4)>>`.
    static func elixirBits(_ bytes: [UInt8], bits: UInt8) -> String {
        var parts = bytes.map(String.init)
        if bits > 0, let last = bytes.last {
            parts[parts.count - 1] = "\(last >> (8 - bits))::size(\(bits))"
        }
        return "<<" + parts.joined(separator: ", ") + ">>"
    }

    private static func isElixirPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let code = scalar.value
        return (0x20...0x7E).contains(code) || (0xA0...0xD7FF).contains(code) || (0xE000...0xFFFD).contains(code)
            || code >= 0x10000 || [0x0A, 0x0D, 0x09, 0x0B, 0x08, 0x0C, 0x1B, 0x7F, 0x07].contains(code)
    }

    // Elixir 1.14, List.ascii_printable?: visible ASCII and \n \r \t \v \b \f \e \a.
    private static func isElixirCharlistCharacter(_ scalar: Unicode.Scalar) -> Bool {
        (0x20...0x7E).contains(scalar.value) || [0x0A, 0x0D, 0x09, 0x0B, 0x08, 0x0C, 0x1B, 0x07].contains(scalar.value)
    }

    // Elixir 1.14, Inspect.Function: `&Mod.fun/arity`; a closure as #Function<Index.Uniq/Arity in Mod>,
    // without the `.name/arity` of the defining function, which only the module's own node knows.
    static func elixirFun(_ fun: Fun) -> String {
        switch fun {
        case .export(let module, let function, let arity):
            "&\(elixirAtom(module.name)).\(elixirRemoteCall(function.name))/\(arity)"
        case .closure(let closure):
            "#Function<\(closure.index).\(closure.oldUniq)/\(closure.arity) in \(elixirAtom(closure.module.name))>"
        }
    }
}

extension Term {
    /// The second element of a pair (a keyword entry).
    fileprivate var keywordValue: Term {
        if case .tuple(let pair) = self, pair.count == 2 { return pair[1] }
        return self
    }
}
