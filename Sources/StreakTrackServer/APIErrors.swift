import BackendStore
import Foundation
import Hummingbird
import TimeLimit

/// A refusal with the status and the message a person should read (the command
/// line prints the message).
public struct APIError: Error, CustomStringConvertible {
    public var description: String { message }
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// Answers every failure as `{"error":"message"}` with a fitting status.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let services: ServerServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = JSONResponse.error(error.message, status: error.status)
            // The rest of a body that did not come in time is not worth waiting for.
            if error.status == .requestTimeout { response.headers[.connection] = "close" }
            return response
        } catch let refused as PhotoRefused {
            return (try? JSONResponse.make(PhotoRefusal(refused), status: .unprocessableContent))
                ?? JSONResponse.error(refused.description, status: .unprocessableContent)
        } catch let error as StoreError {
            let status: HTTPResponse.Status = switch error.kind {
            case .notFound: .notFound
            case .conflict: .conflict
            case .invalid: .badRequest
            }
            return JSONResponse.error(error.description, status: status)
        } catch let error as DatabaseUnavailable {
            services.metrics.storeErrors.increment()
            context.logger.error("request \(request.method) \(request.uri.path) failed: \(error)")
            return JSONResponse.error("\(error); try again shortly", status: .serviceUnavailable)
        } catch let error as HTTPError {
            return JSONResponse.error(error.body ?? error.status.reasonPhrase, status: error.status)
        } catch {
            services.metrics.storeErrors.increment()
            context.logger.error("request \(request.method) \(request.uri.path) failed: \(error)")
            return JSONResponse.error("internal error", status: .internalServerError)
        }
    }
}

enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        (try? make(["error": message], status: status)) ?? Response(status: status)
    }

    /// Reads a JSON body of at most `limit` bytes that arrives within `timeout`
    /// (a client trickling a body must not hold a request open for ever).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int, timeout: Duration) async throws -> T {
        let body = try await withTimeLimitOr408(timeout) {
            var request = request
            do {
                return try await request.collectBody(upTo: limit)
            } catch {
                throw APIError(.contentTooLarge, "the request body is larger than \(limit) bytes")
            }
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(.badRequest, "the request lacks \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError(.badRequest, "wrong type at \(path(context)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw APIError(.badRequest, "\(path(context)) may not be null")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            // An enumeration's unknown value, like a role of "boss".
            throw APIError(.badRequest, "\(path(context)) has a value that is not allowed: \(context.debugDescription)")
        } catch {
            throw APIError(.badRequest, "the request body is not the JSON expected")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        "\"" + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "\""
    }
}

extension Request {
    /// A query parameter as a form sends it: "+" is a space, "%2B" a plus.
    func query(_ name: String) -> String? {
        uri.queryParameters.get(name).map { raw in
            let spaced = raw.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
    }

    func requiredQuery(_ name: String) throws -> String {
        guard let value = query(name), !value.isEmpty else { throw APIError(.badRequest, "the query needs \(name)") }
        return value
    }
}

/// A refused photo as the API answers it: the reason, which photo, and what the face engine found.
struct PhotoRefusal: Encodable {
    let error: String
    let photo: Int
    let check: PhotoCheck.Report

    init(_ refused: PhotoRefused) {
        error = refused.description
        photo = refused.position
        check = refused.report
    }
}

/// A request body read within `limit`, or a 408: a client trickling a body must not hold a request open.
func withTimeLimitOr408<T: Sendable>(_ limit: Duration, _ read: @escaping @Sendable () async throws -> T) async throws -> T {
    do {
        return try await withTimeLimit(limit, operation: read)
    } catch is TimeLimitExceeded {
        throw APIError(.requestTimeout, "the request body did not arrive within \(limit)")
    }
}
