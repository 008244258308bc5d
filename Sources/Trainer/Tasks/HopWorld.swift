/// One self-contained world of fictional entities: countries, towns,
/// companies and people, and the relations between them. The hop suite
/// builds two disjoint worlds from its seed, one for training questions and
/// one for test questions, so no test fact ever appears in a training
/// trajectory: a model can only answer test questions by searching.
public struct HopWorld: Sendable {
    /// How many entities of each kind a world has.
    public struct Size: Sendable, Equatable {
        public var countries: Int, towns: Int, companies: Int, people: Int

        /// Creates a size (companies must not exceed people: each has its own founder).
        public init(countries: Int, towns: Int, companies: Int, people: Int) {
            self.countries = countries
            self.towns = towns
            self.companies = companies
            self.people = people
        }
    }

    /// Entity names by kind.
    public let countries: [String], towns: [String], companies: [String], people: [String]
    /// town -> country index.
    let townCountry: [Int]
    /// person -> town index (birthplace) and company index (employer).
    let personBirthplace: [Int], personEmployer: [Int]
    /// company -> person index (founder) and town index (location).
    let companyFounder: [Int], companyTown: [Int]

    /// Generates a world: every relation is drawn uniformly, each company
    /// gets a different founder.
    /// - Parameters:
    ///   - size: entity counts (each >= 1, companies <= people).
    ///   - names: the name source shared by all worlds of one knowledge base.
    ///   - rng: the random stream.
    init(size: Size, names: inout FictionalNames, rng: inout Xoshiro256) {
        countries = (0..<size.countries).map { _ in names.country() }
        towns = (0..<size.towns).map { _ in names.town() }
        companies = (0..<size.companies).map { _ in names.company() }
        people = (0..<size.people).map { _ in names.person() }
        func draw(_ count: Int) -> Int { Int(rng.next() % UInt64(count)) }
        townCountry = towns.map { _ in draw(size.countries) }
        companyTown = companies.map { _ in draw(size.towns) }
        var founders = Array(0..<size.people)
        for i in stride(from: founders.count - 1, to: 0, by: -1) { founders.swapAt(i, draw(i + 1)) }
        companyFounder = Array(founders.prefix(size.companies))
        personBirthplace = people.map { _ in draw(size.towns) }
        personEmployer = people.map { _ in draw(size.companies) }
    }

    /// The names of the entities of `kind`.
    public func entities(_ kind: HopEntityKind) -> [String] {
        switch kind {
        case .person: people
        case .town: towns
        case .company: companies
        case .country: countries
        }
    }

    /// Follows `relation` from entity `index` (of the relation's subject kind).
    /// - Returns: the index of the object entity.
    public func follow(_ relation: HopRelation, from index: Int) -> Int {
        switch relation {
        case .bornIn: personBirthplace[index]
        case .worksFor: personEmployer[index]
        case .foundedBy: companyFounder[index]
        case .locatedIn: companyTown[index]
        case .country: townCountry[index]
        }
    }

    /// Every fact of the world as a corpus sentence, in a fixed order
    /// (towns, companies, then people).
    public var sentences: [String] {
        var result: [String] = []
        for (t, town) in towns.enumerated() {
            result.append(HopRelation.country.sentence(subject: town, object: countries[townCountry[t]]))
        }
        for (c, company) in companies.enumerated() {
            result.append(HopRelation.foundedBy.sentence(subject: company, object: people[companyFounder[c]]))
            result.append(HopRelation.locatedIn.sentence(subject: company, object: towns[companyTown[c]]))
        }
        for (p, person) in people.enumerated() {
            result.append(HopRelation.bornIn.sentence(subject: person, object: towns[personBirthplace[p]]))
            result.append(HopRelation.worksFor.sentence(subject: person, object: companies[personEmployer[p]]))
        }
        return result
    }

    /// One hop of a solved question: the query, the entity found.
    public struct Hop: Sendable, Equatable {
        public let relation: HopRelation
        public let subject: String
        public let object: String
    }

    /// Walks `chain` from `start` (an index of the first relation's subject kind).
    public func walk(_ chain: [HopRelation], from start: Int) -> [Hop] {
        var hops: [Hop] = []
        var index = start
        for relation in chain {
            let next = follow(relation, from: index)
            hops.append(Hop(
                relation: relation, subject: entities(relation.subjectKind)[index],
                object: entities(relation.objectKind)[next]))
            index = next
        }
        return hops
    }
}
