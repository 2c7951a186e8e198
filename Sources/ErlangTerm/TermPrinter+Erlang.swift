extension TermPrinter {
    /// Prints one term in Erlang syntax: leaves are written at once, containers schedule their elements.
    func erlangStep(_ term: Term, _ walk: inout PrintWalk) {
        switch term {
        case .integer(let value): walk.output += String(value)
        case .bigInteger(let value): walk.output += value.description
        case .float(let value): walk.output += Self.erlangFloat(value)
        case .atom(let atom): walk.output += Self.erlangAtom(atom.name)
        case .binary(let bytes): walk.output += erlangBinary(bytes)
        case .bitstring(let bytes, let bits): walk.output += Self.erlangBits(bytes, bits: bits)
        case .tuple(let elements): walk.container(open: "{", elements, separator: separator, close: "}")
        case .list(let elements): erlangList(elements, &walk)
        case .string(let bytes): erlangList(bytes.map { .integer(Int($0)) }, &walk)
        case .improperList(let elements, let tail):
            walk.container(open: "[", elements, separator: separator, close: "]", tail: ("|", tail))
        case .map(let map):
            walk.entries(open: "#{", map.entries, arrow: " => ", separator: separator, close: "}")
        case .pid(let pid): walk.output += pid.description
        case .port(let port): walk.output += port.description
        case .reference(let reference): walk.output += reference.description
        case .fun(let fun): walk.output += Self.erlangFun(fun)
        case .local(let local): walk.output += "#Local<\(local.bytes.count) bytes>"
        }
    }

    // io_lib_pretty.erl, print_length for lists: a flat list of printable characters is a string.
    private func erlangList(_ elements: [Term], _ walk: inout PrintWalk) {
        if !elements.isEmpty, let text = Self.characters(elements), text.allSatisfy(isErlangPrintable) {
            walk.output += Self.erlangQuoted(text, quote: "\"")
        } else {
            walk.container(open: "[", elements, separator: separator, close: "]")
        }
    }

    // io_lib_pretty.erl, printable_bin: valid UTF-8 that is all printable prints as text, with
    // `/utf8` unless every character is one byte; other bytes print as Latin-1 text if they can.
    private func erlangBinary(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "<<>>" }
        if let text = String(validating: bytes, as: UTF8.self) {
            let scalars = Array(text.unicodeScalars)
            guard scalars.allSatisfy(isErlangPrintable) else { return Self.erlangBits(bytes, bits: 0) }
            let quoted = Self.erlangQuoted(scalars, quote: "\"")
            return scalars.count == bytes.count ? "<<\(quoted)>>" : "<<\(quoted)/utf8>>"
        }
        let latin1 = bytes.map { Unicode.Scalar($0) }
        guard latin1.allSatisfy({ Self.isLatin1Printable($0.value) }) else { return Self.erlangBits(bytes, bits: 0) }
        return "<<\(Self.erlangQuoted(latin1, quote: "\""))>>"
    }

    /// `<<1,2,3:4>>`: io_lib:write_binary writes bytes and then the trailing bits as `Value:Bits`.
    static func erlangBits(_ bytes: [UInt8], bits: UInt8) -> String {
        var parts = bytes.map(String.init)
        if bits > 0, let last = bytes.last {
            parts[parts.count - 1] = "\(last >> (8 - bits)):\(bits)"
        }
        return "<<" + parts.joined(separator: ",") + ">>"
    }

    private func isErlangPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch printableRange {
        case .latin1: Self.isLatin1Printable(scalar.value)
        case .unicode: Self.isUnicodePrintable(scalar.value)
        }
    }

    // erl_printf_term.c prints a closure as #Fun<Module.OldIndex.OldUniq>, the module unquoted.
    static func erlangFun(_ fun: Fun) -> String {
        switch fun {
        case .export(let module, let function, let arity):
            "fun \(erlangAtom(module.name)):\(erlangAtom(function.name))/\(arity)"
        case .closure(let closure):
            "#Fun<\(closure.module.name).\(closure.oldIndex).\(closure.oldUniq)>"
        }
    }
}
