import BackendStore
import Hummingbird

/// The doors: registered (with a ready config.json), named, put in a room, given
/// classes to serve, let in without a secret (an original device), removed.
struct DevicesAPI: APIRoutes {
    let services: ServerServices

    func register(on api: RouterGroup<ServerRequestContext>) {
        api.get("settings") { _, _ in
            try JSONResponse.make(["openDevices": services.configuration.openDevices])
        }
        // A teacher sees the devices serving their classes (their live view); others see all.
        api.get("devices") { request, context in
            let principal = try context.requirePrincipal()
            let organizationId = try await organization(request, context, needs: nil)
            var devices = try await stores.devices.devices(organizationId: organizationId)
            // Unregistered devices let in by --open-devices have no row: listed while connected.
            for (id, link) in await services.hub.allDevices() where !link.registered && link.organizationId == organizationId {
                devices.append(Device(unregistered: id, organizationId: link.organizationId))
            }
            var visible: [Device] = []
            for device in devices where try await services.mayWatch(device.id, principal: principal) {
                visible.append(device)
            }
            return try JSONResponse.make(visible)
        }
        api.post("devices") { request, context in
            struct Body: Decodable { let deviceId: String; let organizationId: String?; let name: String?; let room: String?; let admitWithoutSecret: Bool? }
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            let secret = try await operations.registerDevice(body.deviceId, named: body.name, room: body.room,
                                                             admitWithoutSecret: body.admitWithoutSecret ?? false, in: organizationId, by: principal)
            return try await issued(secret, to: body.deviceId, status: .created)
        }
        // A lost or leaked config.json: a new secret, and the old one stops working at once.
        api.post("devices/:id/secret") { _, context in
            let (secret, device) = try await operations.renewSecret(of: try context.parameters.require("id"), by: try context.requirePrincipal())
            return try await issued(secret, to: device.id, status: .ok)
        }
        api.patch("devices/:id") { request, context in
            struct Body: Decodable { let admitWithoutSecret: Bool?; let name: String?; let room: String?; let classIds: [String]? }
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            _ = try await operations.managedDevice(id, for: principal)  // 404/403 before the body is read
            let body = try await body(Body.self, of: request)
            let change = Operations.DeviceChange(admitWithoutSecret: body.admitWithoutSecret, name: body.name, room: body.room,
                                                 classIds: body.classIds)
            return try JSONResponse.make(try await operations.changeDevice(id, change, by: principal))
        }
        api.delete("devices/:id") { _, context in
            try await operations.removeDevice(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
    }

    /// A device with its secret and ready config.json, shown this once.
    private func issued(_ secret: String, to deviceId: String, status: HTTPResponse.Status) async throws -> Response {
        struct Issued: Encodable { let device: Device; let secret: String; let config: DeviceConfigFile }
        guard let device = try await stores.devices.device(deviceId) else { throw APIError(.notFound, "no device \(deviceId)") }
        let config = DeviceConfigFile(serverURL: services.publicURL, deviceId: device.id, organizationId: device.organizationId, secret: secret)
        return try JSONResponse.make(Issued(device: device, secret: secret, config: config), status: status)
    }
}
