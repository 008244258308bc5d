import Hummingbird
import ServerCore

extension LeaderboardService {
    /// The ranking a request asks for: `?data=`, `?sort=`, `?order=`, `?page=`, `?protocol=`.
    static func query(_ request: Request) throws -> Query {
        let parameters = request.uri.queryParameters
        return try query(
            data: parameters["data"].map(String.init), sort: parameters["sort"].map(String.init),
            order: parameters["order"].map(String.init), page: parameters["page"].map(String.init),
            protocol: parameters["protocol"].map(String.init))
    }

    /// The `?data=` source of a request, or nil for the default.
    static func source(_ request: Request) throws -> DataSource? {
        try source(request.uri.queryParameters["data"].map(String.init))
    }
}
