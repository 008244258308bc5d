/// A relation of the synthetic knowledge base, from one entity kind to
/// another. Each has the sentence that states it in the corpus, the words an
/// expert puts in a search query for it, and a short name used in plans.
public enum HopRelation: String, Sendable, CaseIterable, Codable {
    /// person -> town: "P was born in T."
    case bornIn = "born_in"
    /// person -> company: "P works for C."
    case worksFor = "works_for"
    /// company -> person: "C was founded by P."
    case foundedBy = "founded_by"
    /// company -> town: "C is located in T."
    case locatedIn = "located_in"
    /// town -> country: "T is a town in the country N."
    case country = "country"

    /// The kind of entity the relation starts from.
    public var subjectKind: HopEntityKind {
        switch self {
        case .bornIn, .worksFor: .person
        case .foundedBy, .locatedIn: .company
        case .country: .town
        }
    }

    /// The kind of entity the relation leads to.
    public var objectKind: HopEntityKind {
        switch self {
        case .bornIn, .locatedIn: .town
        case .worksFor: .company
        case .foundedBy: .person
        case .country: .country
        }
    }

    /// The corpus sentence stating `subject -> object`.
    public func sentence(subject: String, object: String) -> String {
        switch self {
        case .bornIn: "\(subject) was born in \(object)."
        case .worksFor: "\(subject) works for \(object)."
        case .foundedBy: "\(subject) was founded by \(object)."
        case .locatedIn: "\(subject) is located in \(object)."
        case .country: "\(subject) is a town in the country \(object)."
        }
    }

    /// The search query an expert writes to find `subject`'s object.
    public func query(subject: String) -> String {
        switch self {
        case .bornIn: "\(subject) born in"
        case .worksFor: "\(subject) works for"
        case .foundedBy: "\(subject) founded by"
        case .locatedIn: "\(subject) located in"
        case .country: "\(subject) country"
        }
    }

    /// One word naming what the hop looks for, used in the expert's plan.
    public var planWord: String {
        switch self {
        case .bornIn: "birthplace"
        case .worksFor: "employer"
        case .foundedBy: "founder"
        case .locatedIn: "location"
        case .country: "country"
        }
    }
}

/// The kinds of entity in the synthetic knowledge base.
public enum HopEntityKind: String, Sendable, Codable {
    case person, town, company, country
}

/// A question shape: a chain of relations and the English question for a start entity.
public struct HopQuestionTemplate: Sendable, Equatable {
    /// The relations followed, in order (1 to 3).
    public let chain: [HopRelation]
    /// The question text with `{}` standing for the start entity.
    public let text: String

    /// The question for `start`.
    public func question(start: String) -> String {
        text.replacingOccurrences(of: "{}", with: start)
    }

    /// Every template, grouped by hop count (1, 2, 3).
    public static let all: [HopQuestionTemplate] = [
        .init(chain: [.bornIn], text: "Where was {} born?"),
        .init(chain: [.worksFor], text: "Which company does {} work for?"),
        .init(chain: [.foundedBy], text: "Who founded {}?"),
        .init(chain: [.locatedIn], text: "In which town is {} located?"),
        .init(chain: [.country], text: "In which country is {}?"),
        .init(chain: [.foundedBy, .bornIn], text: "Where was the founder of {} born?"),
        .init(chain: [.locatedIn, .country], text: "In which country is {} located?"),
        .init(chain: [.bornIn, .country], text: "In which country was {} born?"),
        .init(chain: [.worksFor, .foundedBy], text: "Who founded the company {} works for?"),
        .init(chain: [.worksFor, .locatedIn], text: "In which town is the company {} works for?"),
        .init(chain: [.foundedBy, .bornIn, .country], text: "In which country was the founder of {} born?"),
        .init(chain: [.worksFor, .foundedBy, .bornIn], text: "Where was the founder of the company {} works for born?"),
        .init(chain: [.worksFor, .locatedIn, .country], text: "In which country is the company {} works for located?"),
    ]
}
