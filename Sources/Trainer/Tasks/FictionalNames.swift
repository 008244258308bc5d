/// Pronounceable made-up words for the entities of the synthetic knowledge
/// base (people, towns, companies, countries). Every word handed out is
/// unique within one generator, so a name never collides with another
/// entity's and retrieval depends on the name alone.
struct FictionalNames {
    private static let onsets = [
        "b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kl", "l", "m", "n", "p", "r", "s", "st", "t", "tr", "v", "z",
    ]
    private static let vowels = ["a", "e", "i", "o", "u", "ae", "io"]
    private static let codas = ["", "", "n", "r", "l", "s", "th", "m"]
    private static let townSuffixes = ["ford", "mar", "wick", "holm", "stead", "vale", "moor", "by"]
    private static let companySuffixes = ["Mills", "Works", "Labs", "Foods", "Systems", "Textiles", "Motors", "Press"]
    private static let countrySuffixes = ["ia", "land", "esh", "ora"]

    private var rng: Xoshiro256
    private var used: Set<String> = []

    /// Creates a generator drawing from `rng`.
    init(rng: Xoshiro256) {
        self.rng = rng
    }

    /// A new person's full name, "First Last".
    mutating func person() -> String {
        "\(word(syllables: 2)) \(word(syllables: 2 + pick(2)))"
    }

    /// A new town name.
    mutating func town() -> String {
        unique { $0.syllables(1 + $0.pick(2)) + Self.townSuffixes[$0.pick(Self.townSuffixes.count)] }
    }

    /// A new company name, "Word Suffix".
    mutating func company() -> String {
        "\(word(syllables: 2)) \(Self.companySuffixes[pick(Self.companySuffixes.count)])"
    }

    /// A new country name.
    mutating func country() -> String {
        unique { $0.syllables(2) + Self.countrySuffixes[$0.pick(Self.countrySuffixes.count)] }
    }

    /// A capitalised word of `syllables` syllables not handed out before.
    private mutating func word(syllables count: Int) -> String {
        unique { $0.syllables(count) }
    }

    /// Draws candidates from `make` until one is new, then capitalises and records it.
    private mutating func unique(_ make: (inout FictionalNames) -> String) -> String {
        while true {
            let candidate = make(&self)
            let name = candidate.prefix(1).uppercased() + candidate.dropFirst()
            if used.insert(name.lowercased()).inserted { return name }
        }
    }

    private mutating func syllables(_ count: Int) -> String {
        var text = ""
        for index in 0..<count {
            text += Self.onsets[pick(Self.onsets.count)]
            text += Self.vowels[pick(Self.vowels.count)]
            if index == count - 1 || pick(3) == 0 { text += Self.codas[pick(Self.codas.count)] }
        }
        return text
    }

    /// A uniform index in 0..<count.
    private mutating func pick(_ count: Int) -> Int {
        Int(rng.next() % UInt64(count))
    }
}
