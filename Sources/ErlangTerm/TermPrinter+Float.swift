extension TermPrinter {
    /// A float as `io_lib:format("~p")` writes it: `float_to_list(F, [short])`.
    ///
    /// The shortest digits that read back as the same double; below 2^53 in magnitude the shorter of
    /// plain and scientific notation (plain on a tie: `100.0`, `1.0e3`, `0.0001`, `1.0e-5`), from
    /// 2^53 on always scientific (erlang:float_to_list/2 documentation, option `short`).
    static func erlangFloat(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let sign = value.sign == .minus ? "-" : ""
        let decimal = ShortestDecimal(value.magnitude)
        let scientific = decimal.scientific
        guard value.magnitude < 0x1p53 else { return sign + scientific }
        let plain = decimal.plain
        return sign + (plain.count <= scientific.count ? plain : scientific)
    }

    // Elixir 1.14, Inspect.Float: a whole number from 1.0 up to 1.0e16 prints as an integer with
    // `.0`; anything else as Erlang's ~p does.
    static func elixirFloat(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let magnitude = value.magnitude
        if magnitude >= 1, magnitude < 1e16, value.rounded(.towardZero) == value {
            return String(Int64(value)) + ".0"
        }
        return erlangFloat(value)
    }

    // Neither language has a literal for these; the external format cannot carry them either.
    private static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "#Float<nan>" : (value < 0 ? "#Float<-inf>" : "#Float<inf>")
    }
}

/// The shortest decimal digits that round-trip a positive double, and its exponent: the value is
/// `0.d1d2d3... × 10^pointPosition`.
struct ShortestDecimal {
    /// The significant digits, without leading or trailing zeros ("0" for zero).
    private(set) var digits: [Character] = []
    /// Where the decimal point goes, counted from the left of the digits.
    private(set) var pointPosition = 0

    // Swift's `description` already gives the shortest round-trip digits (like Ryu's d2s, which
    // OTP uses); only its layout differs ("1e-05", "1.2345e+17"), so take the digits and exponent.
    init(_ value: Double) {
        let text = value.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integerPart = mantissa.prefix { $0 != "." }
        var all = Array(mantissa.filter { $0 != "." })
        var point = integerPart.count + exponent
        while all.first == "0", all.count > 1 {
            all.removeFirst()
            point -= 1
        }
        while all.last == "0", all.count > 1 { all.removeLast() }
        if all == ["0"] { point = 1 }
        digits = all
        pointPosition = point
    }

    /// `d.ddde±x`, with at least one digit after the point.
    var scientific: String {
        let rest = digits.count > 1 ? String(digits.dropFirst()) : "0"
        return "\(digits[0]).\(rest)e\(pointPosition - 1)"
    }

    /// Plain notation with at least one digit on each side of the point.
    var plain: String {
        let count = digits.count
        if pointPosition <= 0 {
            return "0." + String(repeating: "0", count: -pointPosition) + String(digits)
        }
        if pointPosition >= count {
            return String(digits) + String(repeating: "0", count: pointPosition - count) + ".0"
        }
        return String(digits[..<pointPosition]) + "." + String(digits[pointPosition...])
    }
}
