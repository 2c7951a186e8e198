extension TermKeyEncoding {
    /// The atom name for a coding key.
    func name(for key: some CodingKey) -> String {
        switch self {
        case .useDefaultKeys: return key.stringValue
        case .convertToSnakeCase: return Self.snakeCase(key.stringValue)
        }
    }

    /// The coding key whose converted name is `name`, if `Key` has one.
    ///
    /// Snake case loses the case of acronyms (`home_url` could be `homeURL` or `homeUrl`), so this
    /// tries the plain camel-case reading and the name itself, as Foundation's JSON decoder does.
    func key<Key: CodingKey>(named name: String, as type: Key.Type) -> Key? {
        switch self {
        case .useDefaultKeys:
            return Key(stringValue: name)
        case .convertToSnakeCase:
            for candidate in [Self.camelCase(name), name] {
                if let key = Key(stringValue: candidate), Self.snakeCase(candidate) == name { return key }
            }
            return nil
        }
    }

    /// `firstName` → `first_name`, `homeURL` → `home_url`, `userID2` → `user_id2`.
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name)
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase && index > 0 && startsWord(at: index, in: characters) {
                result.append("_")
            }
            result += character.lowercased()
        }
        return result
    }

    /// An upper-case letter starts a word after a lower-case letter or digit, and at the end of an
    /// acronym (the `P` of `URLParser`).
    private static func startsWord(at index: Int, in characters: [Character]) -> Bool {
        let previous = characters[index - 1]
        if previous.isLowercase || previous.isNumber { return true }
        let next = index + 1 < characters.count ? characters[index + 1] : nil
        return previous.isUppercase && next?.isLowercase == true
    }

    /// `first_name` → `firstName`; leading and trailing underscores are kept.
    static func camelCase(_ name: String) -> String {
        let leading = name.prefix { $0 == "_" }
        let trailing = name.reversed().prefix { $0 == "_" }
        guard leading.count < name.count else { return name }
        let core = name.dropFirst(leading.count).dropLast(trailing.count)
        let words = core.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = words.first else { return name }
        let rest = words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return String(leading) + first + rest.joined() + String(trailing)
    }
}
