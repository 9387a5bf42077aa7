import BackendStore
import Hummingbird
import Prometheus
import StreakTrackProtocol

/// The server's Prometheus metrics, one registry per server instance.
struct ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let connectedDevices: Gauge
    let connectedDashboards: Gauge
    let storeErrors: Counter
    let droppedFrames: Counter
    let refusedConnections: Counter
    let connectionLimit: Gauge
    private let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50),
                                              .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)]

    /// - Parameter instance: this server's name, as `streaktrack_instance_info{instance="…"} 1`, so that
    ///   figures from several instances behind one balancer can be told apart and joined.
    init(instance: String) {
        registry.makeGauge(descriptor: Self.name("instance_info", unit: "", "This server instance (always 1), labelled with its name"),
                           labels: [("instance", instance)]).set(Int64(1))
        registry.makeGauge(descriptor: Self.name("build_info", unit: "", "This build (always 1), labelled with its release and the schema it writes"),
                           labels: [("version", StreakTrackVersion.number), ("schema", String(BackendStores.schemaVersion))]).set(Int64(1))
        connectedDevices = registry.makeGauge(descriptor: Self.name("connected_devices", unit: "", "Hardware connections open now"))
        connectedDashboards = registry.makeGauge(descriptor: Self.name("connected_dashboards", unit: "", "Dashboard connections open now"))
        storeErrors = registry.makeCounter(descriptor: Self.name("store_errors", unit: "total", "Database operations that failed"))
        droppedFrames = registry.makeCounter(descriptor: Self.name("dropped_frames", unit: "total", "Live frames dropped for slow dashboards"))
        refusedConnections = registry.makeCounter(descriptor: Self.name("refused_connections", unit: "total",
                                                                        "TCP connections closed at once: over the per-address or total limit"))
        connectionLimit = registry.makeGauge(descriptor: Self.name("connection_limit", unit: "", "Most TCP connections open at once"))
    }

    private static func name(_ metric: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "streaktrack", metricName: metric, unitName: unit, helpText: help)
    }

    func message(_ kind: String) {
        registry.makeCounter(descriptor: Self.name("ws_messages", unit: "total", "WebSocket messages received, by kind"),
                             labels: [("kind", kind)]).increment()
    }

    func mark(_ outcome: String) {
        registry.makeCounter(descriptor: Self.name("attendance_marks", unit: "total", "Attendance messages, by what became of them"),
                             labels: [("outcome", outcome)]).increment()
    }

    /// Events between instances on one database: sent, received, unreadable (a newer build's).
    func clusterEvent(_ direction: String) {
        registry.makeCounter(descriptor: Self.name("cluster_events", unit: "total", "Events exchanged with the other instances, by direction"),
                             labels: [("direction", direction)]).increment()
    }

    func webSocketLatency(_ duration: Duration, kind: String) {
        registry.makeDurationHistogram(descriptor: Self.name("ws_message", unit: "seconds", "Time to handle one WebSocket message"),
                                       labels: [("kind", kind)], buckets: latencyBuckets).record(duration)
    }

    func httpLatency(_ duration: Duration, route: String, status: Int) {
        registry.makeDurationHistogram(descriptor: Self.name("http_request", unit: "seconds", "Time to answer one HTTP request"),
                                       labels: [("route", route), ("status", String(status))], buckets: latencyBuckets).record(duration)
    }

    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Times every HTTP request by its route pattern (not its path, which holds ids).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.httpLatency(ContinuousClock.now - start, route: context.endpointPath ?? "unmatched", status: response.status.code)
            return response
        } catch let error as HTTPError {
            metrics.httpLatency(ContinuousClock.now - start, route: context.endpointPath ?? "unmatched", status: error.status.code)
            throw error
        }
    }
}
