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
            for (key, link) in await services.hub.allDevices() where !link.registered && key.organizationId == organizationId {
                devices.append(Device(unregistered: key.id, organizationId: key.organizationId))
            }
            var visible: [Device] = []
            for device in devices where try await services.mayWatch(device.key, principal: principal) {
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
            return try await issued(secret, to: DeviceKey(body.deviceId, of: organizationId), status: .created)
        }
        // A lost or leaked config.json: a new secret, and the old one stops working at once.
        api.post("devices/:id/secret") { request, context in
            let door = try await device(request, context)
            let secret = try await operations.renewSecret(of: door, by: try context.requirePrincipal())
            return try await issued(secret, to: door, status: .ok)
        }
        api.patch("devices/:id") { request, context in
            struct Body: Decodable { let admitWithoutSecret: Bool?; let name: String?; let room: String?; let classIds: [String]? }
            let principal = try context.requirePrincipal()
            let door = try await device(request, context)
            _ = try await operations.managedDevice(door, for: principal)  // 404/403 before the body is read
            let body = try await body(Body.self, of: request)
            let change = Operations.DeviceChange(admitWithoutSecret: body.admitWithoutSecret, name: body.name, room: body.room,
                                                 classIds: body.classIds)
            return try JSONResponse.make(try await operations.changeDevice(door, change, by: principal))
        }
        api.delete("devices/:id") { request, context in
            try await operations.removeDevice(try await device(request, context), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
    }

    /// A device with its secret and ready config.json, shown this once.
    private func issued(_ secret: String, to door: DeviceKey, status: HTTPResponse.Status) async throws -> Response {
        struct Issued: Encodable { let device: Device; let secret: String; let config: DeviceConfigFile }
        guard let device = try await stores.devices.device(door) else { throw APIError(.notFound, "no device \(door.id)") }
        let config = DeviceConfigFile(serverURL: services.publicURL, deviceId: device.id, organizationId: device.organizationId, secret: secret)
        return try JSONResponse.make(Issued(device: device, secret: secret, config: config), status: status)
    }

    /// The door a route names: its id within the person's organization (the admin token
    /// names the organization with `organizationId`: ids are unique per organization).
    private func device(_ request: Request, _ context: ServerRequestContext) async throws -> DeviceKey {
        DeviceKey(try context.parameters.require("id"), of: try await organization(request, context, needs: nil))
    }
}
